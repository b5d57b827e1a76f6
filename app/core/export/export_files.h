// Export and import as file operations, shared by `ponder-cli history` and the desktop app so
// both write the same files the same safe way.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/core/export/export_text.h"
#include "app/core/storage/history_store.h"

namespace ponder::core {

enum class ExportFormat { json, markdown, html };

// "json", "md"/"markdown", "html"; nullopt otherwise.
std::optional<ExportFormat> parse_export_format(std::string_view name);

// Every conversation not in the trash, newest first (pinned first).
Result<std::vector<ConversationRecord>> load_all_conversations(HistoryStore& store);

// The file content. `as_history`: the multi-conversation form (ponder.history for JSON).
// JSON is the lossless backup and ignores `options`.
std::string render_export(const std::vector<ConversationRecord>& records, bool as_history,
                          ExportFormat format, const ExportOptions& options = {});

// Writes `text` next to `path` and renames it over `path`, so a failed export never leaves half
// a file where a good one was.
Status write_file_atomically(const std::string& path, std::string_view text);

struct ImportedConversation {
    std::string id;           // the id it has now
    std::string original_id;  // the id in the file (differs when that one was taken)
    std::string title;
};

// Reads a ponder.conversation or ponder.history JSON file, validates it and imports it in one
// transaction (all or nothing).
Result<std::vector<ImportedConversation>> import_json_file(HistoryStore& store,
                                                           const std::string& path);

}  // namespace ponder::core
