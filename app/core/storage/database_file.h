// Checks a history file's SQLite header before SQLite touches it, so that a file Ponder must not
// change (a newer schema, another program's database) is refused without a single byte written,
// and a file that is not a database or was cut short gets a clear message instead of a late
// "malformed" error.
#pragma once

#include <cstdint>
#include <filesystem>

#include "engine/status.h"

namespace ponder::core {

// Ok for a missing or empty file (a new database) and for a plausible Ponder database with
// schema version <= `latest_version`. Otherwise a Status naming the file and the problem:
// not an SQLite file, truncated (shorter than its header says), written by a newer Ponder, or
// marked as another application's database.
Status check_database_file(const std::filesystem::path& file, std::int64_t latest_version);

// Whether the header says the file is in WAL mode (read and write versions 2). Asking SQLite
// (PRAGMA journal_mode) counts as a write, which would need the damage check at every open.
bool database_file_is_wal(const std::filesystem::path& file);

}  // namespace ponder::core
