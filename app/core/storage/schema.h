// The history schema as a ladder of numbered migrations. `PRAGMA user_version` records the last
// step applied; opening a database runs the missing steps, each in its own transaction, so a
// failure leaves the file at the previous version. The schema is changed only by adding a step.
#pragma once

#include <cstdint>
#include <vector>

#include "app/core/storage/sqlite_db.h"

namespace ponder::core {

struct Migration {
    std::int64_t version;  // 1, 2, 3, ... without gaps
    const char* sql;       // one or more statements
};

// Ponder's migrations, oldest first.
const std::vector<Migration>& history_migrations();

// The version a database has after all of `history_migrations()`.
std::int64_t latest_schema_version();

// Marks the file as Ponder's in the SQLite header ("Pndr"), so that opening another program's
// SQLite file is refused instead of adding tables to it.
inline constexpr std::int32_t kPonderApplicationId = 0x506e6472;

// Applies the steps of `ladder` above the database's user_version, up to `target` (inclusive).
// Each step and its user_version bump commit together. Fails, with the file unchanged past the
// last good step, when a step fails or the database is newer than `target`.
Status apply_migrations(Connection& connection, const std::vector<Migration>& ladder,
                        std::int64_t target);

}  // namespace ponder::core
