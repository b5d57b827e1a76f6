// Conversation <-> the JSON shape of docs/conversation-json.md (format "ponder.conversation",
// version 1), shared by `ponder-cli render --conversation` and history export/import. Reading takes
// the fields the renderer needs and ignores the rest (ids, titles, metrics are app/core's); a
// newer version, a wrong type or an unknown role/effort/tool is refused with a message that names
// the field, e.g. "messages[2].channel: expected a string or null, got number".
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "engine/harmony/conversation.h"
#include "engine/status.h"

namespace ponder::harmony {

inline constexpr std::string_view kConversationFormat = "ponder.conversation";
inline constexpr int kConversationVersion = 1;

// A parsed document. With "parent_id" keys on the messages (an exported branch tree) the
// conversation is the path from the root to the last message; without them, the list in order.
// A "system" of null means no system message; an absent one means the default system message.
Result<Conversation> conversation_from_json(const nlohmann::ordered_json& document);

// Parses JSON text first (invalid_argument on a syntax error, with its position).
Result<Conversation> conversation_from_json_text(std::string_view text);

// format, version, system, developer (when not empty) and messages, with null for unset fields.
// conversation_from_json(conversation_to_json(c)) == c for any c whose developer is not empty().
nlohmann::ordered_json conversation_to_json(const Conversation& conversation);

}  // namespace ponder::harmony
