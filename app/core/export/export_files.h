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

// Refuses a destination an export must never write: `store`'s database file or its -wal, -shm
// or -journal (by any name: symlink, hard link, relative path), any other SQLite database, or
// something that is not a regular file (check_output_file in engine/io/output_file.h). Callers
// check before they render the export, so the person hears at once; write_export_file checks
// again.
Status check_export_destination(const std::string& path, const HistoryStore& store);

// Writes `text` to a new file next to `path` (created exclusively, readable only by the user,
// fsynced) and renames it over `path`, so a failed export never leaves half a file where a good
// one was and never truncates a file it did not create. Refuses what check_export_destination
// refuses, with nothing written.
Status write_export_file(const std::string& path, std::string_view text, const HistoryStore& store);

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
