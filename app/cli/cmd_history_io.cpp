// `ponder-cli history export ...` and `ponder-cli history import FILE`.
#include <cstdio>

#include "app/cli/cmd_history.h"
#include "app/core/export/export_files.h"

namespace ponder::cli {
int history_export(const Words& words) {
    const char* name = "history export";
    auto args = Args::parse(words, {"db", "format", "out"}, {"all", "no-reasoning", "no-tools"});
    if (!args) return fail(name, args.status().message(), 2);
    const bool all = args->has("all");
    if (all == (args->positional().size() == 1) || args->positional().size() > 1) {
        return fail(name, "expects one conversation id or --all", 2);
    }
    auto format = args->require("format");
    if (!format) return fail(name, format.status().message() + " (json, md or html)", 2);
    const auto export_format = core::parse_export_format(*format);
    if (!export_format) {
        return fail(name, "--format must be json, md or html, got '" + *format + "'", 2);
    }
    auto out = args->require("out");
    if (!out) return fail(name, out.status().message() + " (a file, or - for stdout)", 2);

    auto store = open_history(*args);
    if (!store) return fail(name, store.status().message());
    if (*out != "-") {
        // Before the (possibly long) rendering: an export must never replace a database.
        Status allowed = core::check_export_destination(*out, **store);
        if (!allowed.ok()) return fail(name, allowed.message());
    }
    std::vector<core::ConversationRecord> records;
    if (all) {
        auto loaded = core::load_all_conversations(**store);
        if (!loaded) return fail(name, loaded.status().message());
        records = std::move(*loaded);
    } else {
        auto record = (*store)->load_conversation(args->positional()[0]);
        if (!record) return fail(name, record.status().message());
        records.push_back(std::move(*record));
    }
    core::ExportOptions options;
    options.reasoning = !args->has("no-reasoning");
    options.tool_calls = !args->has("no-tools");
    if (*export_format == core::ExportFormat::json &&
        (args->has("no-reasoning") || args->has("no-tools"))) {
        return fail(
            name, "JSON is the lossless backup; --no-reasoning/--no-tools apply to md and html", 2);
    }
    const std::string text = core::render_export(records, all, *export_format, options);
    Status written = Status::success();
    if (*out == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        if (std::ferror(stdout)) written = Status(StatusCode::io_error, "cannot write to stdout");
    } else {
        written = core::write_export_file(*out, text, **store);
    }
    if (!written.ok()) return fail(name, written.message());
    if (*out != "-") {
        std::fprintf(stderr, "exported %zu conversation%s to %s\n", records.size(),
                     records.size() == 1 ? "" : "s", out->c_str());
    }
    return 0;
}

int history_import(const Words& words) {
    const char* name = "history import";
    auto args = Args::parse(words, {"db"}, {});
    if (!args) return fail(name, args.status().message(), 2);
    if (args->positional().size() != 1) return fail(name, "expects one JSON file", 2);
    const std::string file = args->positional()[0];
    auto store = open_history(*args);
    if (!store) return fail(name, store.status().message());
    auto imported = core::import_json_file(**store, file);
    if (!imported) return fail(name, imported.status().message());
    for (const core::ImportedConversation& c : *imported) {
        std::printf("%s  %s%s\n", c.id.c_str(), c.title.c_str(),
                    !c.original_id.empty() && c.original_id != c.id
                        ? "  (new id: the old one exists)"
                        : "");
    }
    std::fprintf(stderr, "imported %zu conversation%s\n", imported->size(),
                 imported->size() == 1 ? "" : "s");
    return 0;
}

}  // namespace ponder::cli
