// Conversations as JSON files: the ponder.conversation v1 shape of docs/conversation-json.md for
// one conversation, and ponder.history v1 ({"format", "version", "conversations": [...]}) for a
// whole history. Lossless: every branch (parent_id), reasoning, tool call, timing and setting
// survives export -> import -> export unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/core/storage/history_types.h"
#include "engine/status.h"

namespace ponder::core {

inline constexpr const char* kConversationFormat = "ponder.conversation";
inline constexpr const char* kHistoryFormat = "ponder.history";
inline constexpr int kConversationJsonVersion = 1;

// Message and tool-call ids in the file are numbered 1, 2, ... per conversation in creation order
// (database row ids mean nothing elsewhere); parent_id, message_id and active_leaf_id use them.
// Pretty-printed with two-space indent, keys in the documented order, ending in a newline.
std::string conversation_to_json(const ConversationRecord& record);
std::string history_to_json(const std::vector<ConversationRecord>& records);

// Reads either format (one conversation gives one record). Validates the shape and the tree:
// errors name the JSON path and say what was expected, e.g.
// "$.conversations[2].messages[5].role: expected one of system, developer, user, assistant,
// tool, got a string \"robot\"". Unknown keys are ignored; a newer version is refused.
// Message ids in the records are the file's ids (HistoryStore::import_conversations renumbers
// them).
Result<std::vector<ConversationRecord>> read_conversations_json(std::string_view text);

}  // namespace ponder::core
