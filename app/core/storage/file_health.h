// What this process knows about the health of each history file, shared by every connection to
// it (the app holds two: the UI thread's and the engine worker's).
//
// SQLite keeps no checksums: random bytes over a few pages in the middle of a file go unnoticed
// until a query reads those pages, and a write that lands beside them spreads the damage and
// can make every conversation unreadable. So:
// - before the first write to a file, the store runs PRAGMA quick_check once, whoever writes
//   first (check_before_write; why then, and what it costs on the 1M-message bench history,
//   is measured at the top of file_health.cpp);
// - an SQLITE_CORRUPT from any statement marks the file damaged too (note_damage, called where
//   every SQLite failure becomes a Status);
// - a damaged file is never written again: each write is refused with damaged_file_status()
//   before SQLite sees it, and the store stays readable so that salvage_history() can copy out
//   what still opens.
// What is known is dropped when the last store of a file closes, so a file replaced on disk
// is judged afresh.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ponder::core {

// A store of `file` opened / closed (counts the stores that share what is known).
void file_health_open(const std::filesystem::path& file);
void file_health_close(const std::filesystem::path& file);

// Records that `file` is damaged; `detail` is what SQLite said (the first detail is kept).
void note_damage(const std::filesystem::path& file, std::string_view detail);
// That detail when `file` is known to be damaged.
std::optional<std::string> known_damage(const std::filesystem::path& file);

// Ok when a write to `file` through `db` is safe: the file is known sound, or PRAGMA
// quick_check finds it sound now (run once while the file is open in this process; a second
// thread waits for the first one's verdict). damaged_file_status() when it is damaged; the
// check's own failure (e.g. locked) when it could not run.
Status check_before_write(sqlite3* db, const std::filesystem::path& file);
// Runs PRAGMA quick_check now, records and returns the verdict (see check_before_write).
Status check_file_now(sqlite3* db, const std::filesystem::path& file);

// The refusal of a write to a damaged file: what happened in plain words, that nothing was
// changed, the salvage command, and SQLite's detail last.
Status damaged_file_status(const std::filesystem::path& file, const std::string& detail);

}  // namespace ponder::core
