#include "app/core/export/export_files.h"

#include <filesystem>
#include <fstream>

#include "app/core/export/conversation_json.h"
#include "app/core/export/html_export.h"
#include "app/core/export/markdown_export.h"
#include "engine/io/text_file.h"

namespace ponder::core {

namespace {

// A JSON backup to import is read whole and parsed in memory (peak memory about 5x the file:
// 347 MB for a 70 MB export). The export of the 1,000,000-message benchmark history would be
// about 700 MB (measured: 70.2 MB for 100,000 messages), so 1 GiB fits it with room to spare.
constexpr std::uint64_t kMaxImportJsonBytes = 1ull << 30;

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view name) {
    if (name == "json") return ExportFormat::json;
    if (name == "md" || name == "markdown") return ExportFormat::markdown;
    if (name == "html") return ExportFormat::html;
    return std::nullopt;
}

Result<std::vector<ConversationRecord>> load_all_conversations(HistoryStore& store) {
    std::vector<ConversationRecord> records;
    constexpr std::int64_t kPage = 500;
    for (std::int64_t offset = 0;; offset += kPage) {
        auto page = store.list_conversations({kPage, offset, false});
        if (!page) return page.status();
        for (const Conversation& conversation : *page) {
            auto record = store.load_conversation(conversation.id);
            if (!record) return record.status();
            records.push_back(std::move(*record));
        }
        if (static_cast<std::int64_t>(page->size()) < kPage) break;
    }
    return records;
}

std::string render_export(const std::vector<ConversationRecord>& records, bool as_history,
                          ExportFormat format, const ExportOptions& options) {
    switch (format) {
        case ExportFormat::json:
            return as_history || records.size() != 1 ? history_to_json(records)
                                                     : conversation_to_json(records[0]);
        case ExportFormat::markdown:
            return as_history || records.size() != 1
                       ? history_to_markdown(records, options)
                       : conversation_to_markdown(records[0], options);
        case ExportFormat::html:
            return as_history || records.size() != 1 ? history_to_html(records, options)
                                                     : conversation_to_html(records[0], options);
    }
    return {};
}

Status write_file_atomically(const std::string& path, std::string_view text) {
    const std::string part = path + ".part";
    {
        std::ofstream out(part, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(part, ignored);
            return Status(StatusCode::io_error, part + ": cannot write the file");
        }
    }
    std::error_code ec;
    std::filesystem::rename(part, path, ec);
    if (ec) {
        std::filesystem::remove(part, ec);
        return Status(StatusCode::io_error, path + ": cannot replace the file: " + ec.message());
    }
    return Status::success();
}

Result<std::vector<ImportedConversation>> import_json_file(HistoryStore& store,
                                                           const std::string& path) {
    auto text = read_text_file(path, kMaxImportJsonBytes);
    if (!text) return text.status();
    auto records = read_conversations_json(*text);
    if (!records) return Status(records.status().code(), path + ": " + records.status().message());
    auto ids = store.import_conversations(*records);
    if (!ids) {
        return Status(ids.status().code(),
                      path + ": " + ids.status().message() + " (nothing was imported)");
    }
    std::vector<ImportedConversation> imported;
    for (size_t i = 0; i < ids->size(); ++i) {
        imported.push_back(
            {(*ids)[i], (*records)[i].conversation.id, (*records)[i].conversation.title});
    }
    return imported;
}

}  // namespace ponder::core
