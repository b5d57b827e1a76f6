#include "app/core/export/export_files.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/core/export/conversation_json.h"
#include "app/core/export/html_export.h"
#include "app/core/export/markdown_export.h"

namespace ponder::core {

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
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(StatusCode::io_error, path + ": cannot open the file");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return Status(StatusCode::io_error, path + ": cannot read the file");
    auto records = read_conversations_json(text);
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
