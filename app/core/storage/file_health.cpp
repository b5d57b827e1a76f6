// When to look for damage. Measured with `ponder-cli history bench-check` on a history shaped
// like `history bench` makes it (10,000 conversations, 1,000,000 messages, 16,667 tool calls,
// 489 MiB) on the 2-core build VM under load 18 (so wall times include waiting for a core; the
// CPU time is the work), 2026-12-08, SQLite 3.40.1:
//
//   check                                       wall (median of 3)   CPU      finds mid-file damage
//   header check (every open does it)           0.0 ms               0.0 ms   no
//   page and freelist counts vs file size       0.0 ms               0.0 ms   no (said "ok" with 6
//                                                                             pages overwritten)
//   PRAGMA quick_check, file in the page cache  4.5 s                0.91 s   yes
//   PRAGMA quick_check(1), the same             5.6 s                1.27 s   yes: N caps the
//                                                                             errors listed, not
//                                                                             the pages read
//   PRAGMA quick_check, read from the disk      8.8 s                1.81 s   yes
//   PRAGMA integrity_check (1 run)              9.4 s                1.86 s   yes, and index
//                                                                             contents: 2x the work
//
// The cheap checks are blind to the damage that matters here, and a full check costs about a
// second of CPU per million messages, too much for every `history list` or for the app's start.
// So quick_check runs once per open file before its first write (a read-only command never pays
// it), and the app runs it on its worker thread right after opening, so the window does not
// wait. quick_check rather than integrity_check: it reads every page and checks every b-tree,
// which is where overwritten bytes show, at half the cost.
#include "app/core/storage/file_health.h"

#include <map>
#include <mutex>

namespace ponder::core {
namespace {

enum class Verdict { unknown, sound, damaged };

struct Health {
    int open_stores = 0;
    Verdict verdict = Verdict::unknown;
    std::string detail;  // what SQLite said, when damaged
};

// Keyed by the path as the stores were given it: the app's two stores share one spelling.
// check_mutex serializes the checks themselves, so that two connections do not both scan.
std::mutex table_mutex;
std::mutex check_mutex;
std::map<std::string, Health>& table() {
    static std::map<std::string, Health> health;
    return health;
}

void record(const std::filesystem::path& file, Verdict verdict, std::string_view detail) {
    std::lock_guard lock(table_mutex);
    Health& health = table()[file.string()];
    if (health.verdict == Verdict::damaged) return;  // the first detail is the telling one
    health.verdict = verdict;
    health.detail = std::string(detail);
}

Verdict verdict_of(const std::filesystem::path& file, std::string* detail = nullptr) {
    std::lock_guard lock(table_mutex);
    const auto found = table().find(file.string());
    if (found == table().end()) return Verdict::unknown;
    if (detail) *detail = found->second.detail;
    return found->second.verdict;
}

}  // namespace

void file_health_open(const std::filesystem::path& file) {
    std::lock_guard lock(table_mutex);
    ++table()[file.string()].open_stores;
}

void file_health_close(const std::filesystem::path& file) {
    std::lock_guard lock(table_mutex);
    const auto found = table().find(file.string());
    if (found != table().end() && --found->second.open_stores <= 0) table().erase(found);
}

void note_damage(const std::filesystem::path& file, std::string_view detail) {
    record(file, Verdict::damaged, detail);
}

std::optional<std::string> known_damage(const std::filesystem::path& file) {
    std::string detail;
    if (verdict_of(file, &detail) != Verdict::damaged) return std::nullopt;
    return detail;
}

Status damaged_file_status(const std::filesystem::path& file, const std::string& detail) {
    return Status(StatusCode::io_error,
                  file.string() +
                      ": the history file is damaged, so Ponder does not write to it (nothing "
                      "was changed). Copy every conversation that can still be read into a new "
                      "history with: ponder-cli history salvage --db " +
                      file.string() + " --out NEW.sqlite3 (SQLite: " + detail + ")");
}

Status check_file_now(sqlite3* db, const std::filesystem::path& file) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &stmt, nullptr);
    std::string report;
    int rows = 0;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(stmt);
        if (rc != SQLITE_ROW) break;
        const auto* line = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        // quick_check lists up to 100 problems; the first few say enough.
        if (++rows <= 3) report += std::string(report.empty() ? "" : "; ") + (line ? line : "");
    }
    const std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE && rows == 1 && report == "ok") {
        record(file, Verdict::sound, "");
        return Status::success();
    }
    const int primary = rc & 0xff;
    if (rc == SQLITE_DONE || primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
        const std::string detail = rc == SQLITE_DONE ? report : error;
        note_damage(file, detail);
        std::string kept;
        (void)verdict_of(file, &kept);
        return damaged_file_status(file, kept);
    }
    // Locked, out of memory, an I/O error: no verdict; the next write checks again.
    return Status(StatusCode::io_error,
                  file.string() + ": cannot check the history file for damage: " + error);
}

Status check_before_write(sqlite3* db, const std::filesystem::path& file) {
    std::string detail;
    switch (verdict_of(file, &detail)) {
        case Verdict::sound:
            return Status::success();
        case Verdict::damaged:
            return damaged_file_status(file, detail);
        case Verdict::unknown:
            break;
    }
    std::lock_guard lock(check_mutex);
    // Another connection may have checked while this one waited.
    switch (verdict_of(file, &detail)) {
        case Verdict::sound:
            return Status::success();
        case Verdict::damaged:
            return damaged_file_status(file, detail);
        case Verdict::unknown:
            break;
    }
    return check_file_now(db, file);
}

}  // namespace ponder::core
