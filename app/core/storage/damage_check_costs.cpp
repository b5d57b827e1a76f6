#include "app/core/storage/damage_check_costs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>

#include "app/core/storage/database_file.h"
#include "app/core/storage/schema.h"
#include "app/core/storage/sqlite_db.h"

namespace ponder::core {
namespace {

using Clock = std::chrono::steady_clock;

// Asks the kernel to forget the file's cached pages, so that the next read comes from the
// disk. Affects only this file; no privileges needed.
void evict_from_page_cache(const std::filesystem::path& file) {
    for (const char* suffix : {"", "-wal"}) {
        std::filesystem::path path = file;
        path += suffix;
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

DamageCheckCost time_runs(const std::string& what, int runs,
                          const std::function<std::string()>& body,
                          const std::function<void()>& before = {}) {
    std::vector<double> wall, cpu;
    std::string verdict;
    for (int i = 0; i < runs; ++i) {
        if (before) before();
        const auto start = Clock::now();
        const std::clock_t cpu_start = std::clock();
        verdict = body();
        cpu.push_back(1000.0 * double(std::clock() - cpu_start) / CLOCKS_PER_SEC);
        wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {what, wall[wall.size() / 2], cpu[cpu.size() / 2], verdict};
}

}  // namespace

Result<std::vector<DamageCheckCost>> measure_damage_checks(const std::filesystem::path& file,
                                                           int runs) {
    auto connection = Connection::open(file, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    if (!connection) return connection.status();
    Connection& db = **connection;
    auto pragma = [&](const char* sql) {
        return [&db, sql]() -> std::string {
            auto first = db.query_text(sql);
            return first ? *first : first.status().message();
        };
    };
    std::vector<DamageCheckCost> costs;
    costs.push_back(time_runs("header check (every open does it)", runs, [&] {
        Status status = check_database_file(file, latest_schema_version());
        return status.ok() ? std::string("ok") : status.message();
    }));
    costs.push_back(time_runs("page and freelist counts vs file size", runs, [&]() -> std::string {
        auto pages = db.query_int("PRAGMA page_count");
        auto size = db.query_int("PRAGMA page_size");
        auto free_pages = db.query_int("PRAGMA freelist_count");
        if (!pages || !size || !free_pages) return "cannot read the counts";
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(file, ec);
        const bool plausible =
            !ec && *free_pages < *pages && std::uintmax_t(*pages * *size) >= bytes - bytes % *size;
        return plausible ? "ok" : "implausible counts";
    }));
    costs.push_back(time_runs("PRAGMA quick_check, file in the page cache", runs,
                              pragma("PRAGMA quick_check")));
    costs.push_back(time_runs("PRAGMA quick_check(1), file in the page cache", runs,
                              pragma("PRAGMA quick_check(1)")));
    costs.push_back(time_runs("PRAGMA quick_check, read from the disk", runs,
                              pragma("PRAGMA quick_check"), [&] { evict_from_page_cache(file); }));
    costs.push_back(time_runs("PRAGMA integrity_check, file in the page cache", 1,
                              pragma("PRAGMA integrity_check")));
    return costs;
}

}  // namespace ponder::core
