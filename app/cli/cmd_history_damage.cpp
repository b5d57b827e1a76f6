// `ponder-cli history check|salvage|bench-check`: finding damage in a history file and copying
// out what it still holds (file_health.h, history_salvage.h).
#include <cstdio>
#include <thread>

#include "app/cli/cmd_history.h"
#include "app/core/data_paths.h"
#include "app/core/storage/damage_check_costs.h"
#include "app/core/storage/history_salvage.h"

namespace ponder::cli {

int history_check(const Words& words) {
    const char* name = "history check";
    auto args = Args::parse(words, {"db"}, {});
    if (!args) return fail(name, args.status().message(), 2);
    auto store = open_history(*args);
    if (!store) return fail(name, store.status().message());
    Status status = (*store)->check_for_damage();
    if (!status.ok()) return fail(name, status.message());
    std::printf("%s: no damage found\n", (*store)->file().c_str());
    return 0;
}

int history_salvage(const Words& words) {
    const char* name = "history salvage";
    auto args = Args::parse(words, {"db", "out"}, {});
    if (!args) return fail(name, args.status().message(), 2);
    if (!args->positional().empty()) return fail(name, "takes no positional arguments", 2);
    auto out = args->require("out");
    if (!out) return fail(name, out.status().message() + " (the new history file to write)", 2);
    const std::string db = args->get_or("db", core::default_database_path().string());
    auto report = core::salvage_history(db, *out);
    if (!report) return fail(name, report.status().message());
    std::printf("copied %zu conversation%s (%lld messages) to %s\n", report->copied.size(),
                report->copied.size() == 1 ? "" : "s", static_cast<long long>(report->messages),
                out->c_str());
    if (!report->lost.empty()) {
        std::printf("could not read %zu conversation%s:\n", report->lost.size(),
                    report->lost.size() == 1 ? "" : "s");
        for (const core::LostConversation& lost : report->lost) {
            std::printf("  %s  %s\n", lost.id.c_str(),
                        lost.title.empty() ? "(title lost)" : lost.title.c_str());
        }
    }
    std::fprintf(stderr,
                 "%s was not changed. To use the salvaged history, close Ponder and put %s in "
                 "its place (keep the damaged file until you have looked through the copy), "
                 "or pass --db %s\n",
                 db.c_str(), out->c_str(), out->c_str());
    return 0;
}

int history_bench_check(const Words& words) {
    const char* name = "history bench-check";
    auto args = Args::parse(words, {"db", "runs"}, {});
    if (!args) return fail(name, args.status().message(), 2);
    auto db = args->require("db");
    if (!db) return fail(name, db.status().message() + " (e.g. a file made by history bench)", 2);
    auto runs = args->get_int("runs", 3);
    if (!runs || *runs < 1) return fail(name, "--runs must be a positive number", 2);
    auto costs = core::measure_damage_checks(*db, static_cast<int>(*runs));
    if (!costs) return fail(name, costs.status().message());
    std::error_code ec;
    const double size_mb = double(std::filesystem::file_size(*db, ec)) / (1024.0 * 1024.0);
    double load[3] = {0, 0, 0};
    (void)getloadavg(load, 3);
    std::printf("damage checks on %s (%.0f MB); %u cores, load average %.1f\n\n", db->c_str(),
                size_mb, std::thread::hardware_concurrency(), load[0]);
    std::printf("%-50s %12s %12s  %s\n", "check (median)", "wall ms", "cpu ms", "verdict");
    for (const core::DamageCheckCost& cost : *costs) {
        std::printf("%-50s %12.1f %12.1f  %s\n", cost.what.c_str(), cost.wall_ms, cost.cpu_ms,
                    cost.verdict.substr(0, cost.verdict.find_first_of("\n")).substr(0, 60).c_str());
    }
    return 0;
}

}  // namespace ponder::cli
