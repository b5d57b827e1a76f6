// `ponder-cli history export ...` and `ponder-cli history import FILE`.
#include <cstdio>
#include <fstream>
#include <iterator>

#include "app/cli/cmd_history.h"
#include "app/core/export/conversation_json.h"
#include "app/core/export/html_export.h"
#include "app/core/export/markdown_export.h"

namespace ponder::cli {
namespace {

// Writes next to `path` and renames over it, so a failed export never leaves half a file where
// a good one was.
Status write_file(const std::string& path, const std::string& text) {
    if (path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return std::ferror(stdout) ? Status(StatusCode::io_error, "cannot write to stdout")
                                   : Status::success();
    }
    const std::string part = path + ".part";
    {
        std::ofstream out(part, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out) return Status(StatusCode::io_error, part + ": cannot write the file");
    }
    std::error_code ec;
    std::filesystem::rename(part, path, ec);
    if (ec) {
        std::filesystem::remove(part, ec);
        return Status(StatusCode::io_error, path + ": cannot replace the file: " + ec.message());
    }
    return Status::success();
}

Result<std::vector<core::ConversationRecord>> load_all(core::HistoryStore& store) {
    std::vector<core::ConversationRecord> records;
    constexpr std::int64_t kPage = 500;
    for (std::int64_t offset = 0;; offset += kPage) {
        auto page = store.list_conversations({kPage, offset, false});
        if (!page) return page.status();
        for (const core::Conversation& c : *page) {
            auto record = store.load_conversation(c.id);
            if (!record) return record.status();
            records.push_back(std::move(*record));
        }
        if (static_cast<std::int64_t>(page->size()) < kPage) break;
    }
    return records;
}

}  // namespace

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
    if (*format != "json" && *format != "md" && *format != "html") {
        return fail(name, "--format must be json, md or html, got '" + *format + "'", 2);
    }
    auto out = args->require("out");
    if (!out) return fail(name, out.status().message() + " (a file, or - for stdout)", 2);

    auto store = open_history(*args);
    if (!store) return fail(name, store.status().message());
    std::vector<core::ConversationRecord> records;
    if (all) {
        auto loaded = load_all(**store);
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
    std::string text;
    if (*format == "json") {
        if (args->has("no-reasoning") || args->has("no-tools")) {
            return fail(name,
                        "JSON is the lossless backup; --no-reasoning/--no-tools apply to "
                        "md and html",
                        2);
        }
        text = all ? core::history_to_json(records) : core::conversation_to_json(records[0]);
    } else if (*format == "md") {
        text = all ? core::history_to_markdown(records, options)
                   : core::conversation_to_markdown(records[0], options);
    } else {
        text = all ? core::history_to_html(records, options)
                   : core::conversation_to_html(records[0], options);
    }
    Status written = write_file(*out, text);
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
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(name, file + ": cannot open the file");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return fail(name, file + ": cannot read the file");
    auto records = core::read_conversations_json(text);
    if (!records) return fail(name, file + ": " + records.status().message());

    auto store = open_history(*args);
    if (!store) return fail(name, store.status().message());
    auto ids = (*store)->import_conversations(*records);
    if (!ids) return fail(name, file + ": " + ids.status().message() + " (nothing was imported)");
    for (size_t i = 0; i < ids->size(); ++i) {
        const std::string& original = (*records)[i].conversation.id;
        std::printf(
            "%s  %s%s\n", (*ids)[i].c_str(), (*records)[i].conversation.title.c_str(),
            !original.empty() && original != (*ids)[i] ? "  (new id: the old one exists)" : "");
    }
    std::fprintf(stderr, "imported %zu conversation%s\n", ids->size(), ids->size() == 1 ? "" : "s");
    return 0;
}

}  // namespace ponder::cli
