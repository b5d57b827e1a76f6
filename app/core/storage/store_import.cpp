// HistoryStore: writing whole conversations (import of export files), all or nothing.
#include <set>
#include <unordered_map>

#include "app/core/storage/history_store.h"
#include "app/core/storage/record_checks.h"
#include "app/core/storage/row_readers.h"
#include "app/core/storage/sql_statements.h"
#include "app/core/storage/sqlite_db.h"
#include "app/core/storage/utf8.h"
#include "app/core/storage/uuid.h"
#include "app/core/tools/builtin_tools.h"

namespace ponder::core {
namespace {

Status bad_record(size_t index, const std::string& what) {
    return Status(StatusCode::invalid_argument,
                  "conversation " + std::to_string(index) + ": " + what);
}

// A file grants nothing: whatever tools and shared folder an imported conversation names, it gets
// what a new conversation gets (the default tools, no folder), and the user grants again. The
// file may come from anyone, and these settings decide what the model may do on this machine.
ConversationSettings without_permissions(ConversationSettings settings) {
    settings.enabled_tools = default_enabled_tools();
    settings.tool_folder.clear();
    return settings;
}

// The tree must be well formed before anything is written: unique ids, parents that come
// earlier (so there are no cycles), tool calls and the active leaf pointing at messages.
Status check_record(const ConversationRecord& record, size_t index) {
    Status settings = check_settings(without_permissions(record.conversation.settings));
    if (!settings.ok()) return bad_record(index, settings.message());
    std::set<MessageId> seen;
    for (const Message& m : record.messages) {
        if (m.parent_id && !seen.count(*m.parent_id)) {
            return bad_record(index, "message " + std::to_string(m.id) + " has parent " +
                                         std::to_string(*m.parent_id) +
                                         ", which is not an earlier message");
        }
        if (!seen.insert(m.id).second) {
            return bad_record(index, "message id " + std::to_string(m.id) + " is used twice");
        }
        Status metrics = check_metrics(m.metrics);
        if (!metrics.ok()) {
            return bad_record(index, "message " + std::to_string(m.id) + ": " + metrics.message());
        }
    }
    for (const ToolCall& call : record.tool_calls) {
        if (!seen.count(call.message_id)) {
            return bad_record(index, "tool call " + std::to_string(call.id) +
                                         " refers to message " + std::to_string(call.message_id) +
                                         ", which is missing");
        }
        if (call.tool_name.empty()) {
            return bad_record(index, "tool call " + std::to_string(call.id) + " has no tool name");
        }
    }
    const auto& leaf = record.conversation.active_leaf;
    if (leaf && !seen.count(*leaf)) {
        return bad_record(index, "active leaf " + std::to_string(*leaf) + " is not a message");
    }
    return Status::success();
}

std::optional<std::string> repaired_opt(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    return repair_utf8(*text);
}

}  // namespace

Status HistoryStore::insert_record(const ConversationRecord& record, const std::string& uuid) {
    const Conversation& c = record.conversation;
    const ConversationSettings settings = repaired(without_permissions(c.settings));
    auto insert = connection_->cached(sql::kInsertConversation);
    if (!insert) return insert.status();
    (*insert)
        ->bind(1, uuid)
        .bind(2, repair_utf8(c.title))
        .bind(3, c.created_at)
        .bind(4, c.updated_at)
        .bind(5, c.pinned)
        .bind(6, c.deleted_at);
    Status status = bind_settings(**insert, 7, settings).run();
    if (!status.ok()) return status;
    const std::int64_t row = sqlite3_last_insert_rowid(connection_->handle());

    std::unordered_map<MessageId, MessageId> new_ids;  // record's id -> database id
    for (const Message& m : record.messages) {
        NewMessage message;
        if (m.parent_id) message.parent = new_ids.at(*m.parent_id);
        message.role = m.role;
        message.author_name = m.author_name;
        message.channel = m.channel;
        message.recipient = m.recipient;
        message.content_type = m.content_type;
        message.text = m.text;
        message.state = m.state;
        message.state_detail = m.state_detail;
        message.effort = m.effort;
        message.metrics = m.metrics;
        auto id = insert_message_row(row, repaired(message), m.created_at);
        if (!id) return id.status();
        new_ids[m.id] = *id;
    }
    for (const ToolCall& call : record.tool_calls) {
        auto tool = connection_->cached(sql::kInsertToolCall);
        if (!tool) return tool.status();
        status = (*tool)
                     ->bind(1, new_ids.at(call.message_id))
                     .bind(2, repair_utf8(call.tool_name))
                     .bind(3, repair_utf8(call.arguments))
                     .bind(4, to_string(call.approval))
                     .bind(5, repaired_opt(call.result))
                     .bind(6, repaired_opt(call.error))
                     .bind(7, call.started_at)
                     .bind(8, call.finished_at)
                     .bind(9, call.duration_ms)
                     .run();
        if (!status.ok()) return status;
    }
    if (c.active_leaf) {
        auto leaf = connection_->cached(sql::kSetActiveLeaf);
        if (!leaf) return leaf.status();
        return (*leaf)->bind(1, row).bind(2, new_ids.at(*c.active_leaf)).run();
    }
    return Status::success();
}

Result<std::vector<std::string>> HistoryStore::import_conversations(
    const std::vector<ConversationRecord>& records) {
    for (size_t i = 0; i < records.size(); ++i) {
        Status status = check_record(records[i], i);
        if (!status.ok()) return status;
    }
    std::vector<std::string> ids;
    Status status = transaction([&]() -> Status {
        // Ids first, in file order: a uuid already in the history (or twice in the file) gets a
        // new one, and the first conversation to claim a uuid keeps it.
        std::set<std::string> used;
        for (const ConversationRecord& record : records) {
            std::string uuid = repair_utf8(record.conversation.id);
            bool taken = uuid.empty() || used.count(uuid) > 0;
            if (!taken) {
                auto exists = connection_->cached(sql::kUuidExists);
                if (!exists) return exists.status();
                auto row = (*exists)->bind(1, uuid).step();
                if (!row) return row.status();
                taken = *row;
            }
            if (taken) uuid = new_uuid();
            used.insert(uuid);
            ids.push_back(uuid);
        }
        // Rows last to first: the sidebar breaks ties between equal timestamps by newest row
        // first, so an exported history (written in sidebar order) lists in the same order
        // after its import.
        for (size_t i = records.size(); i-- > 0;) {
            Status inserted = insert_record(records[i], ids[i]);
            if (!inserted.ok()) {
                return Status(inserted.code(), "importing conversation '" +
                                                   records[i].conversation.title +
                                                   "': " + inserted.message());
            }
        }
        return Status::success();
    });
    if (!status.ok()) return status;
    return ids;
}

}  // namespace ponder::core
