// `ponder-cli history ...`: the pieces shared by its files (cmd_history.cpp: list, show, search,
// delete, restore; cmd_history_io.cpp: export, import; cmd_history_bench.cpp: bench;
// cmd_history_damage.cpp: check, salvage, bench-check).
#pragma once

#include <memory>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/core/storage/history_store.h"

namespace ponder::cli {

// The database from --db, else default_database_path() (PONDER_DB or the XDG data folder).
// Opened without recovering interrupted answers: the CLI may run while the app is writing one.
Result<std::unique_ptr<core::HistoryStore>> open_history(const Args& args);

// Each takes the words after its subcommand name; exit status as in commands.h.
int history_list(const Words& words);
int history_show(const Words& words);
int history_search(const Words& words);
int history_delete(const Words& words);
int history_restore(const Words& words);
int history_export(const Words& words);
int history_import(const Words& words);
int history_bench(const Words& words);
int history_check(const Words& words);
int history_salvage(const Words& words);
int history_bench_check(const Words& words);

}  // namespace ponder::cli
