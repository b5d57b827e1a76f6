// Where Ponder keeps its files on the user's machine (XDG Base Directory specification).
#pragma once

#include <filesystem>

namespace ponder::core {

// $XDG_DATA_HOME/ponder, or ~/.local/share/ponder when XDG_DATA_HOME is unset or not absolute.
std::filesystem::path default_data_dir();

// The history database: default_data_dir()/history.sqlite3 unless PONDER_DB overrides it.
std::filesystem::path default_database_path();

}  // namespace ponder::core
