// Turns what a user types into a search box into an FTS5 query that cannot fail to parse and
// cannot use FTS operators by accident ("C++ AND/OR", "what's", "x-ray" are all just words).
#pragma once

#include <string>
#include <string_view>

namespace ponder::core {

// Every whitespace-separated word becomes a quoted FTS5 string (all must match, any order);
// "text in double quotes" stays one phrase; a word ending in '*' becomes a prefix query. Words
// without a letter or digit are dropped. Returns "" when nothing searchable is left.
std::string fts_query(std::string_view text);

}  // namespace ponder::core
