// Rows of the history tables -> records. Each reader expects the column list of its SELECT in
// sql_statements.h, starting at column 0. A value that the schema's CHECKs should have made
// impossible (an unknown role, malformed enabled_tools) means the file was damaged or edited by
// hand: the reader reports it instead of guessing.
#pragma once

#include "app/core/storage/history_types.h"
#include "app/core/storage/sqlite_db.h"

namespace ponder::core {

Result<Conversation> read_conversation(const Statement& row);
Result<Message> read_message(const Statement& row);
Result<ToolCall> read_tool_call(const Statement& row);

// enabled_tools as stored: a JSON array of names.
std::string encode_tool_list(const std::vector<std::string>& tools);

// The other way: binds a conversation's twelve settings columns (model ... tool_folder), in the
// order every statement in sql_statements.h lists them, from parameter `first` on.
Statement& bind_settings(Statement& statement, int first, const ConversationSettings& settings);

}  // namespace ponder::core
