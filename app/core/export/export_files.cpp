#include "app/core/export/export_files.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/core/export/conversation_json.h"
#include "app/core/export/html_export.h"
#include "app/core/export/markdown_export.h"
#include "engine/io/output_file.h"

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

Status check_export_destination(const std::string& path, const HistoryStore& store) {
    const std::filesystem::path open_database[] = {store.file()};
    return check_output_file(path, open_database);
}

Status write_export_file(const std::string& path, std::string_view text,
                         const HistoryStore& store) {
    if (Status allowed = check_export_destination(path, store); !allowed.ok()) return allowed;
    // A unique name made with O_EXCL: a fixed "PATH.part" would truncate whatever has that name.
    std::string part = path + ".XXXXXX.part";
    const int fd = ::mkstemps(part.data(), 5);
    if (fd < 0) {
        return Status(StatusCode::io_error,
                      path + ": cannot create a file next to it: " + std::strerror(errno));
    }
    const char* data = text.data();
    size_t left = text.size();
    int error = 0;
    while (left > 0 && error == 0) {
        const ssize_t wrote = ::write(fd, data, left);
        if (wrote > 0) {
            data += wrote;
            left -= static_cast<size_t>(wrote);
        } else if (wrote < 0 && errno != EINTR) {
            error = errno;
        }
    }
    if (error == 0 && ::fsync(fd) != 0) error = errno;
    if (::close(fd) != 0 && error == 0) error = errno;
    std::error_code ignored;
    if (error != 0) {
        std::filesystem::remove(part, ignored);
        return Status(StatusCode::io_error, path + ": cannot write the file: " +
                                                (error == ENOSPC ? std::string("the disk is full")
                                                                 : std::strerror(error)));
    }
    std::error_code ec;
    std::filesystem::rename(part, path, ec);
    if (ec) {
        std::filesystem::remove(part, ignored);
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
