// The GPT-2 "byte-level" alphabet used by Hugging Face tokenizer.json files: every byte is stored
// as one printable Unicode character so that vocabularies can be JSON strings. Printable bytes
// '!'..'~', U+00A1..U+00AC and U+00AE..U+00FF stand for themselves; the other 68 bytes map, in
// byte order, to U+0100, U+0101, ... (docs/gpt-oss.md §5.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ponder {

// Raw bytes -> their byte-level spelling (UTF-8 text).
std::string byte_level_encode(std::string_view bytes);

// A byte-level spelling -> raw bytes; nullopt if `text` is not valid UTF-8 or holds a character
// outside the 256-character alphabet.
std::optional<std::string> byte_level_decode(std::string_view text);

}  // namespace ponder
