// HistoryStore: creating, listing, changing, trashing and purging conversations.
#include "app/core/storage/history_store.h"
#include "app/core/storage/record_checks.h"
#include "app/core/storage/row_readers.h"
#include "app/core/storage/sql_statements.h"
#include "app/core/storage/sqlite_db.h"
#include "app/core/storage/timestamps.h"
#include "app/core/storage/utf8.h"
#include "app/core/storage/uuid.h"

namespace ponder::core {
namespace {

Status unknown_conversation(std::string_view id) {
    return Status(StatusCode::invalid_argument,
                  "no conversation with id '" + std::string(id) + "'");
}

// Runs an UPDATE/DELETE keyed by conversation id and reports an unknown id.
Status update_one(Connection& db, const char* sql, std::string_view id,
                  const std::function<void(Statement&)>& bind_rest) {
    auto statement = db.cached(sql);
    if (!statement) return statement.status();
    (*statement)->bind(1, id);
    bind_rest(**statement);
    Status status = (*statement)->run();
    if (!status.ok()) return status;
    if (sqlite3_changes64(db.handle()) == 0) return unknown_conversation(id);
    return Status::success();
}

}  // namespace

Result<std::int64_t> HistoryStore::conversation_row(std::string_view id, bool allow_trash) {
    auto statement = connection_->cached(sql::kConversationRowId);
    if (!statement) return statement.status();
    auto row = (*statement)->bind(1, id).step();
    if (!row) return row.status();
    if (!*row) return unknown_conversation(id);
    if (!allow_trash && !(*statement)->is_null(1)) {
        return Status(StatusCode::invalid_argument,
                      "conversation '" + std::string(id) + "' is in the trash; restore it first");
    }
    return (*statement)->column_int(0);
}

Result<Conversation> HistoryStore::create_conversation(std::string_view title,
                                                       const ConversationSettings& settings) {
    const ConversationSettings clean = repaired(settings);
    Status valid = check_settings(clean);
    if (!valid.ok()) return valid;
    Conversation conversation;
    conversation.id = new_uuid();
    conversation.title = repair_utf8(title);
    conversation.created_at = conversation.updated_at = now_ms();
    conversation.settings = clean;
    auto statement = connection_->cached(sql::kInsertConversation);
    if (!statement) return statement.status();
    (*statement)
        ->bind(1, conversation.id)
        .bind(2, conversation.title)
        .bind(3, conversation.created_at)
        .bind(4, conversation.updated_at)
        .bind(5, false)
        .bind_null(6);
    Status status = bind_settings(**statement, 7, clean).run();
    if (!status.ok()) return status;
    return conversation;
}

Result<Conversation> HistoryStore::conversation(std::string_view id) {
    auto statement = connection_->cached(sql::kSelectConversation);
    if (!statement) return statement.status();
    auto row = (*statement)->bind(1, id).step();
    if (!row) return row.status();
    if (!*row) return unknown_conversation(id);
    return read_conversation(**statement);
}

Result<std::vector<Conversation>> HistoryStore::list_conversations(const ListOptions& options) {
    if (options.limit < 0 || options.offset < 0) {
        return Status(StatusCode::invalid_argument, "list limit and offset must be >= 0");
    }
    auto statement = connection_->cached(options.trash ? sql::kListTrash : sql::kListConversations);
    if (!statement) return statement.status();
    (*statement)->bind(1, options.limit).bind(2, options.offset);
    std::vector<Conversation> page;
    for (;;) {
        auto row = (*statement)->step();
        if (!row) return row.status();
        if (!*row) break;
        auto conversation = read_conversation(**statement);
        if (!conversation) return conversation.status();
        page.push_back(std::move(*conversation));
    }
    return page;
}

Result<std::int64_t> HistoryStore::count_conversations() {
    auto statement = connection_->cached(sql::kCountConversations);
    if (!statement) return statement.status();
    auto row = (*statement)->step();
    if (!row) return row.status();
    return (*statement)->column_int(0);
}

Status HistoryStore::rename_conversation(std::string_view id, std::string_view title) {
    const std::string clean = repair_utf8(title);
    return update_one(*connection_, sql::kRenameConversation, id,
                      [&](Statement& s) { s.bind(2, clean); });
}

Status HistoryStore::set_pinned(std::string_view id, bool pinned) {
    return update_one(*connection_, sql::kSetPinned, id, [&](Statement& s) { s.bind(2, pinned); });
}

Status HistoryStore::update_settings(std::string_view id, const ConversationSettings& settings) {
    const ConversationSettings clean = repaired(settings);
    Status valid = check_settings(clean);
    if (!valid.ok()) return valid;
    return update_one(*connection_, sql::kUpdateSettings, id,
                      [&](Statement& s) { bind_settings(s, 2, clean); });
}

Status HistoryStore::delete_conversation(std::string_view id) {
    auto row = conversation_row(id, /*allow_trash=*/true);
    if (!row) return row.status();
    auto statement = connection_->cached(sql::kSoftDelete);
    if (!statement) return statement.status();
    // Already in the trash: nothing changes, so the first deletion time is kept.
    return (*statement)->bind(1, id).bind(2, now_ms()).run();
}

Status HistoryStore::restore_conversation(std::string_view id) {
    return update_one(*connection_, sql::kRestore, id, [](Statement&) {});
}

namespace {

// After rows are deleted: rewrite the search indexes without the deleted tokens and empty the
// WAL, so that nothing of the deleted text stays in either file (secure_delete zeroes the freed
// pages themselves). A reader elsewhere can keep the WAL from truncating; the next checkpoint
// then finishes the job, and purge still succeeds.
Status scrub_after_purge(Connection& db) {
    for (const char* sql : {sql::kOptimizeMessageSearch, sql::kOptimizeTitleSearch}) {
        auto statement = db.cached(sql);
        if (!statement) return statement.status();
        Status status = (*statement)->run();
        if (!status.ok()) return status;
    }
    return Status::success();
}

}  // namespace

Status HistoryStore::purge_conversation(std::string_view id) {
    Status status = transaction([&]() -> Status {
        Status deleted = update_one(*connection_, sql::kPurgeConversation, id, [](Statement&) {});
        if (!deleted.ok()) return deleted;
        return scrub_after_purge(*connection_);
    });
    if (!status.ok()) return status;
    (void)checkpoint();
    return Status::success();
}

Result<std::int64_t> HistoryStore::purge_trash(Timestamp deleted_before) {
    // The app purges at every start: a read first, so that an empty trash costs no write.
    {
        auto due = connection_->cached(sql::kTrashToPurge);
        if (!due) return due.status();
        auto row = (*due)->bind(1, deleted_before).step();
        if (!row) return row.status();
        if (!*row || (*due)->column_int(0) == 0) return std::int64_t{0};
    }
    std::int64_t purged = 0;
    Status status = transaction([&]() -> Status {
        auto statement = connection_->cached(sql::kPurgeTrash);
        if (!statement) return statement.status();
        Status run = (*statement)->bind(1, deleted_before).run();
        if (!run.ok()) return run;
        purged = sqlite3_changes64(connection_->handle());
        return purged > 0 ? scrub_after_purge(*connection_) : Status::success();
    });
    if (!status.ok()) return status;
    if (purged > 0) (void)checkpoint();
    return purged;
}

Result<bool> HistoryStore::discard_if_empty(std::string_view id) {
    auto row = conversation_row(id, /*allow_trash=*/true);
    if (!row) return row.status();
    auto statement = connection_->cached(sql::kDeleteIfEmpty);
    if (!statement) return statement.status();
    Status status = (*statement)->bind(1, *row).run();
    if (!status.ok()) return status;
    return sqlite3_changes64(connection_->handle()) > 0;
}

}  // namespace ponder::core
