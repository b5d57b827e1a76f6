// UTF-8 checks for text entering the history. SQLite stores whatever bytes it is given, but the
// full-text index, JSON export and the UI need valid UTF-8, so the store repairs text at its
// boundary: each invalid byte sequence becomes U+FFFD (the Unicode "maximal subpart" rule, the
// same as Python's errors="replace" and Qt's fromUtf8), and valid text is kept byte for byte.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ponder::core {

bool is_valid_utf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD ("\xEF\xBF\xBD").
std::string repair_utf8(std::string_view text);

// How many bytes at the end of `text` are the start of a multi-byte character still missing its
// continuation bytes (0-3). A token from a byte-level tokenizer can end inside a character; the
// streaming writer holds such a tail back until the next delta completes it.
size_t incomplete_utf8_tail(std::string_view text);

}  // namespace ponder::core
