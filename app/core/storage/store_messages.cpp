// HistoryStore: adding and loading messages, and remembering which branch is shown.
#include "app/core/storage/conversation_tree.h"
#include "app/core/storage/history_store.h"
#include "app/core/storage/record_checks.h"
#include "app/core/storage/row_readers.h"
#include "app/core/storage/sql_statements.h"
#include "app/core/storage/sqlite_db.h"
#include "app/core/storage/timestamps.h"

namespace ponder::core {
namespace {

Status unknown_message(MessageId id) {
    return Status(StatusCode::invalid_argument, "no message with id " + std::to_string(id));
}

// The conversation row that message `id` belongs to.
Result<std::int64_t> owner_of(Connection& db, MessageId id) {
    auto statement = db.cached(sql::kMessageConversation);
    if (!statement) return statement.status();
    auto row = (*statement)->bind(1, id).step();
    if (!row) return row.status();
    if (!*row) return unknown_message(id);
    return (*statement)->column_int(0);
}

}  // namespace

Result<MessageId> HistoryStore::insert_message_row(std::int64_t conversation_row,
                                                   const NewMessage& m, Timestamp created_at) {
    auto statement = connection_->cached(sql::kInsertMessage);
    if (!statement) return statement.status();
    Statement& s = **statement;
    s.bind(1, conversation_row)
        .bind(2, m.parent)
        .bind(3, to_string(m.role))
        .bind_text_or_null(4, m.author_name)
        .bind_text_or_null(5, m.channel)
        .bind_text_or_null(6, m.recipient)
        .bind_text_or_null(7, m.content_type)
        .bind(8, m.text)
        .bind(9, to_string(m.state))
        .bind(10, m.state_detail)
        .bind(11, created_at)
        .bind(13, m.metrics.prompt_tokens)
        .bind(14, m.metrics.completion_tokens)
        .bind(15, m.metrics.reasoning_tokens)
        .bind(16, m.metrics.ttft_ms)
        .bind(17, m.metrics.reasoning_ms)
        .bind(18, m.metrics.tokens_per_second);
    if (m.effort) {
        s.bind(12, to_string(*m.effort));
    } else {
        s.bind_null(12);
    }
    Status status = s.run();
    if (!status.ok()) return status;
    return sqlite3_last_insert_rowid(connection_->handle());
}

Result<Message> HistoryStore::add_message(std::string_view conversation_id,
                                          const NewMessage& message, bool streaming) {
    if (streaming != (message.state == MessageState::generating)) {
        return Status(StatusCode::invalid_argument,
                      streaming ? "start_stream needs a message in state 'generating'"
                                : "append_message takes finished messages; stream a "
                                  "'generating' one with start_stream");
    }
    const NewMessage clean = repaired(message);
    Status valid = check_metrics(clean.metrics);
    if (!valid.ok()) return valid;
    const Timestamp created_at = clean.created_at.value_or(now_ms());
    MessageId id = 0;
    Status status = transaction([&]() -> Status {
        auto conversation = conversation_row(conversation_id, /*allow_trash=*/false);
        if (!conversation) return conversation.status();
        if (clean.parent) {
            auto owner = owner_of(*connection_, *clean.parent);
            if (!owner) return owner.status();
            if (*owner != *conversation) {
                return Status(StatusCode::invalid_argument, "parent message " +
                                                                std::to_string(*clean.parent) +
                                                                " belongs to another conversation");
            }
        }
        auto inserted = insert_message_row(*conversation, clean, created_at);
        if (!inserted) return inserted.status();
        id = *inserted;
        auto touch = connection_->cached(sql::kTouchConversation);
        if (!touch) return touch.status();
        return (*touch)->bind(1, *conversation).bind(2, id).bind(3, created_at).run();
    });
    if (!status.ok()) return status;
    Message stored;
    stored.id = id;
    stored.parent_id = clean.parent;
    stored.role = clean.role;
    stored.author_name = clean.author_name;
    stored.channel = clean.channel;
    stored.recipient = clean.recipient;
    stored.content_type = clean.content_type;
    stored.text = clean.text;
    stored.state = clean.state;
    stored.state_detail = clean.state_detail;
    stored.created_at = created_at;
    stored.effort = clean.effort;
    stored.metrics = clean.metrics;
    return stored;
}

Result<Message> HistoryStore::append_message(std::string_view conversation_id,
                                             const NewMessage& message) {
    return add_message(conversation_id, message, /*streaming=*/false);
}

Result<Message> HistoryStore::message(MessageId id) {
    auto statement = connection_->cached(sql::kSelectMessage);
    if (!statement) return statement.status();
    auto row = (*statement)->bind(1, id).step();
    if (!row) return row.status();
    if (!*row) return unknown_message(id);
    return read_message(**statement);
}

Result<ConversationRecord> HistoryStore::load_conversation(std::string_view id) {
    ConversationRecord record;
    // One read transaction, so the conversation, its messages and tool calls match each other
    // even while another connection writes.
    const bool own_transaction = sqlite3_get_autocommit(connection_->handle()) != 0;
    Status status = own_transaction ? connection_->exec("BEGIN") : Status::success();
    if (!status.ok()) return status;
    status = [&]() -> Status {
        auto conversation = this->conversation(id);
        if (!conversation) return conversation.status();
        record.conversation = std::move(*conversation);
        auto row = conversation_row(id, /*allow_trash=*/true);
        if (!row) return row.status();

        auto messages = connection_->cached(sql::kSelectMessages);
        if (!messages) return messages.status();
        (*messages)->bind(1, *row);
        for (;;) {
            auto more = (*messages)->step();
            if (!more) return more.status();
            if (!*more) break;
            auto message = read_message(**messages);
            if (!message) return message.status();
            record.messages.push_back(std::move(*message));
        }
        auto calls = connection_->cached(sql::kSelectToolCalls);
        if (!calls) return calls.status();
        (*calls)->bind(1, *row);
        for (;;) {
            auto more = (*calls)->step();
            if (!more) return more.status();
            if (!*more) break;
            auto call = read_tool_call(**calls);
            if (!call) return call.status();
            record.tool_calls.push_back(std::move(*call));
        }
        return Status::success();
    }();
    if (own_transaction) (void)connection_->exec("COMMIT");
    if (!status.ok()) return status;
    return record;
}

Result<MessageId> HistoryStore::select_branch(std::string_view conversation_id,
                                              MessageId message_id) {
    MessageId leaf = message_id;
    Status status = transaction([&]() -> Status {
        auto conversation = conversation_row(conversation_id, /*allow_trash=*/true);
        if (!conversation) return conversation.status();
        auto owner = owner_of(*connection_, message_id);
        if (!owner) return owner.status();
        if (*owner != *conversation) {
            return Status(StatusCode::invalid_argument, "message " + std::to_string(message_id) +
                                                            " is not in conversation '" +
                                                            std::string(conversation_id) + "'");
        }
        // Walk down through the newest child, as ConversationTree::newest_leaf does in memory.
        for (;;) {
            auto child = connection_->cached(sql::kNewestChild);
            if (!child) return child.status();
            auto row = (*child)->bind(1, leaf).step();
            if (!row) return row.status();
            if (!*row) break;
            leaf = (*child)->column_int(0);
        }
        auto update = connection_->cached(sql::kSetActiveLeaf);
        if (!update) return update.status();
        return (*update)->bind(1, *conversation).bind(2, leaf).run();
    });
    if (!status.ok()) return status;
    return leaf;
}

}  // namespace ponder::core
