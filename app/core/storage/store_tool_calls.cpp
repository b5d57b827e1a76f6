// HistoryStore: tool calls, their approval and their results.
#include "app/core/storage/history_store.h"
#include "app/core/storage/row_readers.h"
#include "app/core/storage/sql_statements.h"
#include "app/core/storage/sqlite_db.h"
#include "app/core/storage/timestamps.h"
#include "app/core/storage/utf8.h"

namespace ponder::core {
namespace {

Status unknown_tool_call(ToolCallId id) {
    return Status(StatusCode::invalid_argument, "no tool call with id " + std::to_string(id));
}

std::optional<std::string> repaired(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    return repair_utf8(*text);
}

}  // namespace

Result<ToolCall> HistoryStore::add_tool_call(MessageId message_id, std::string_view tool_name,
                                             std::string_view arguments, ToolApproval approval) {
    if (tool_name.empty()) return Status(StatusCode::invalid_argument, "tool call without a name");
    auto owner = message(message_id);
    if (!owner) return owner.status();
    ToolCall call;
    call.message_id = message_id;
    call.tool_name = repair_utf8(tool_name);
    call.arguments = repair_utf8(arguments);
    call.approval = approval;
    auto statement = connection_->cached(sql::kInsertToolCall);
    if (!statement) return statement.status();
    Status status = (*statement)
                        ->bind(1, message_id)
                        .bind(2, call.tool_name)
                        .bind(3, call.arguments)
                        .bind(4, to_string(approval))
                        .bind_null(5)
                        .bind_null(6)
                        .bind_null(7)
                        .bind_null(8)
                        .bind_null(9)
                        .run();
    if (!status.ok()) return status;
    call.id = sqlite3_last_insert_rowid(connection_->handle());
    return call;
}

Result<ToolCall> HistoryStore::tool_call(ToolCallId id) {
    auto statement = connection_->cached(sql::kSelectToolCall);
    if (!statement) return statement.status();
    auto row = (*statement)->bind(1, id).step();
    if (!row) return row.status();
    if (!*row) return unknown_tool_call(id);
    return read_tool_call(**statement);
}

namespace {

Status update_tool_call(Connection& db, const char* sql, ToolCallId id,
                        const std::function<void(Statement&)>& bind_rest) {
    auto statement = db.cached(sql);
    if (!statement) return statement.status();
    (*statement)->bind(1, id);
    bind_rest(**statement);
    Status status = (*statement)->run();
    if (!status.ok()) return status;
    if (sqlite3_changes64(db.handle()) == 0) return unknown_tool_call(id);
    return Status::success();
}

}  // namespace

namespace {

// "functions.calculator" -> "calculator": grants are kept under the bare name.
std::string bare_tool_name(std::string_view tool_name) {
    constexpr std::string_view kPrefix = "functions.";
    if (tool_name.starts_with(kPrefix)) tool_name.remove_prefix(kPrefix.size());
    return std::string(tool_name);
}

}  // namespace

Result<bool> HistoryStore::tool_always_approved(std::string_view conversation_id,
                                                std::string_view tool_name) {
    auto statement = connection_->cached(sql::kToolAlwaysApproved);
    if (!statement) return statement.status();
    auto row = (*statement)->bind(1, conversation_id).bind(2, bare_tool_name(tool_name)).step();
    if (!row) return row.status();
    return *row && (*statement)->column_int(0) != 0;
}

Status HistoryStore::grant_tool_always(std::string_view conversation_id,
                                       std::string_view tool_name) {
    const std::string bare = bare_tool_name(tool_name);
    if (bare.empty()) return Status(StatusCode::invalid_argument, "no tool to allow");
    auto row = conversation_row(conversation_id, /*allow_trash=*/false);
    if (!row) return row.status();
    auto statement = connection_->cached(sql::kGrantToolAlways);
    if (!statement) return statement.status();
    return (*statement)->bind(1, *row).bind(2, bare).bind(3, now_ms()).run();
}

Status HistoryStore::set_tool_approval(ToolCallId id, ToolApproval approval) {
    return update_tool_call(*connection_, sql::kSetToolApproval, id,
                            [&](Statement& s) { s.bind(2, to_string(approval)); });
}

Status HistoryStore::start_tool_call(ToolCallId id) {
    return update_tool_call(*connection_, sql::kStartToolCall, id,
                            [&](Statement& s) { s.bind(2, now_ms()); });
}

Status HistoryStore::finish_tool_call(ToolCallId id, std::optional<std::string> result,
                                      std::optional<std::string> error) {
    const auto clean_result = repaired(result);
    const auto clean_error = repaired(error);
    return update_tool_call(*connection_, sql::kFinishToolCall, id, [&](Statement& s) {
        s.bind(2, clean_result).bind(3, clean_error).bind(4, now_ms());
    });
}

}  // namespace ponder::core
