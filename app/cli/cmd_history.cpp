// `ponder-cli history <list|show|search|export|import|delete|restore|bench> [--db FILE] ...`:
// the chat history from a terminal, through the same HistoryStore the app uses.
#include "app/cli/cmd_history.h"

#include <cstdio>

#include "app/core/data_paths.h"
#include "app/core/export/markdown_export.h"
#include "app/core/storage/timestamps.h"

namespace ponder::cli {
namespace {

constexpr const char* kUsage = R"(usage: ponder-cli history <command> [--db FILE] [options]

  list [--limit N] [--offset N] [--trash]      conversations, pinned first, newest first
  show ID [--no-reasoning] [--no-tools]        one conversation (the visible branch) as Markdown
  search TEXT... [--limit N]                   full-text search over messages and titles
  export ID|--all --format json|md|html --out PATH|- [--no-reasoning] [--no-tools]
  import FILE                                  a ponder.conversation or ponder.history JSON file
  delete ID [--purge]                          move to the trash, or (--purge) delete for good
  restore ID                                   take a conversation out of the trash
  check                                        look for damage (reads the whole file)
  salvage --out NEW_FILE                       copy every conversation that can still be read
                                               into a new history; list the others by id
  bench --db NEW_FILE [--conversations N] [--messages N] [--seconds S]
                                               fill a new database and time the store
  bench-check --db FILE [--runs N]             time the ways of looking for damage

--db FILE defaults to $PONDER_DB, else $XDG_DATA_HOME/ponder/history.sqlite3.
)";

struct Subcommand {
    const char* name;
    int (*run)(const Words&);
};

std::string short_time(core::Timestamp time) {
    const std::string iso = core::format_iso8601(time);
    return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

// The single ID positional argument of show/delete/restore.
Result<std::string> one_id(const Args& args) {
    if (args.positional().size() != 1) {
        return Status(StatusCode::invalid_argument, "expects one conversation id, got " +
                                                        std::to_string(args.positional().size()) +
                                                        " (see ponder-cli history list)");
    }
    return args.positional()[0];
}

}  // namespace

Result<std::unique_ptr<core::HistoryStore>> open_history(const Args& args) {
    const std::string file = args.get_or("db", core::default_database_path().string());
    return core::HistoryStore::open(file, core::OpenOptions{/*recover_interrupted=*/false});
}

int history_list(const Words& words) {
    auto args = Args::parse(words, {"db", "limit", "offset"}, {"trash"});
    if (!args) return fail("history list", args.status().message(), 2);
    auto limit = args->get_int("limit", 50);
    auto offset = args->get_int("offset", 0);
    if (!limit || !offset) {
        return fail("history list", (!limit ? limit : offset).status().message(), 2);
    }
    auto store = open_history(*args);
    if (!store) return fail("history list", store.status().message());
    auto page = (*store)->list_conversations({*limit, *offset, args->has("trash")});
    if (!page) return fail("history list", page.status().message());
    for (const core::Conversation& c : *page) {
        const core::Timestamp when = c.deleted_at ? *c.deleted_at : c.updated_at;
        std::printf("%s  %s  %s %s\n", c.id.c_str(), short_time(when).c_str(), c.pinned ? "*" : " ",
                    c.title.empty() ? "(untitled)" : c.title.c_str());
    }
    return 0;
}

int history_show(const Words& words) {
    auto args = Args::parse(words, {"db"}, {"no-reasoning", "no-tools"});
    if (!args) return fail("history show", args.status().message(), 2);
    auto id = one_id(*args);
    if (!id) return fail("history show", id.status().message(), 2);
    auto store = open_history(*args);
    if (!store) return fail("history show", store.status().message());
    auto record = (*store)->load_conversation(*id);
    if (!record) return fail("history show", record.status().message());
    core::ExportOptions options;
    options.reasoning = !args->has("no-reasoning");
    options.tool_calls = !args->has("no-tools");
    std::fputs(core::conversation_to_markdown(*record, options).c_str(), stdout);
    return 0;
}

int history_search(const Words& words) {
    auto args = Args::parse(words, {"db", "limit"}, {});
    if (!args) return fail("history search", args.status().message(), 2);
    core::SearchOptions query;
    for (const std::string& word : args->positional()) {
        query.text += (query.text.empty() ? "" : " ") + word;
    }
    if (query.text.empty()) return fail("history search", "expects the words to search for", 2);
    auto limit = args->get_int("limit", 20);
    if (!limit) return fail("history search", limit.status().message(), 2);
    query.limit = *limit;
    auto store = open_history(*args);
    if (!store) return fail("history search", store.status().message());
    auto hits = (*store)->search(query);
    if (!hits) return fail("history search", hits.status().message());
    for (const core::SearchHit& hit : *hits) {
        const std::string where = hit.message_id
                                      ? "message " + std::to_string(*hit.message_id) + " (" +
                                            std::string(core::to_string(hit.role)) +
                                            (hit.channel.empty() ? "" : ", " + hit.channel) + ")"
                                      : std::string("title");
        std::printf("%s  %s  %s\n    %s\n", hit.conversation_id.c_str(), where.c_str(),
                    hit.conversation_title.c_str(), hit.snippet.c_str());
    }
    if (hits->empty()) std::fprintf(stderr, "no matches\n");
    return 0;
}

int history_delete(const Words& words) {
    auto args = Args::parse(words, {"db"}, {"purge"});
    if (!args) return fail("history delete", args.status().message(), 2);
    auto id = one_id(*args);
    if (!id) return fail("history delete", id.status().message(), 2);
    auto store = open_history(*args);
    if (!store) return fail("history delete", store.status().message());
    if (args->has("purge")) {
        Status status = (*store)->purge_conversation(*id);
        if (!status.ok()) return fail("history delete", status.message());
        std::printf("deleted %s for good (overwritten, not recoverable)\n", id->c_str());
        return 0;
    }
    Status status = (*store)->delete_conversation(*id);
    if (!status.ok()) return fail("history delete", status.message());
    std::printf("moved %s to the trash; undo with: ponder-cli history restore %s\n", id->c_str(),
                id->c_str());
    return 0;
}

int history_restore(const Words& words) {
    auto args = Args::parse(words, {"db"}, {});
    if (!args) return fail("history restore", args.status().message(), 2);
    auto id = one_id(*args);
    if (!id) return fail("history restore", id.status().message(), 2);
    auto store = open_history(*args);
    if (!store) return fail("history restore", store.status().message());
    Status status = (*store)->restore_conversation(*id);
    if (!status.ok()) return fail("history restore", status.message());
    std::printf("restored %s\n", id->c_str());
    return 0;
}

int run_history(const Words& words) {
    static const Subcommand table[] = {
        {"list", history_list},
        {"show", history_show},
        {"search", history_search},
        {"export", history_export},
        {"import", history_import},
        {"delete", history_delete},
        {"restore", history_restore},
        {"bench", history_bench},
        {"check", history_check},
        {"salvage", history_salvage},
        {"bench-check", history_bench_check},
    };
    if (words.empty() || words[0] == "help" || words[0] == "--help") {
        std::fputs(kUsage, words.empty() ? stderr : stdout);
        return words.empty() ? 2 : 0;
    }
    const Words rest(words.begin() + 1, words.end());
    for (const Subcommand& sub : table) {
        if (words[0] == sub.name) return sub.run(rest);
    }
    return fail("history", "unknown command '" + words[0] + "' (try ponder-cli history help)", 2);
}

}  // namespace ponder::cli
