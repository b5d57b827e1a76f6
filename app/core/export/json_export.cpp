// Records -> ponder.conversation / ponder.history JSON.
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "app/core/export/conversation_json.h"
#include "app/core/storage/timestamps.h"

namespace ponder::core {
namespace {

// Insertion-ordered, so files read in the documented order (format first, messages last).
using Json = nlohmann::ordered_json;

Json text_or_null(const std::string& text) {
    return text.empty() ? Json(nullptr) : Json(text);
}

template <typename T>
Json value_or_null(const std::optional<T>& value) {
    return value ? Json(*value) : Json(nullptr);
}

Json time_or_null(const std::optional<Timestamp>& time) {
    return time ? Json(format_iso8601(*time)) : Json(nullptr);
}

bool is_builtin_tool(const std::string& name) {
    return name == "browser" || name == "python";
}

Json metrics_json(const MessageMetrics& m) {
    if (m.empty()) return nullptr;
    Json out = Json::object();
    out["prompt_tokens"] = value_or_null(m.prompt_tokens);
    out["completion_tokens"] = value_or_null(m.completion_tokens);
    out["reasoning_tokens"] = value_or_null(m.reasoning_tokens);
    out["ttft_ms"] = value_or_null(m.ttft_ms);
    out["reasoning_ms"] = value_or_null(m.reasoning_ms);
    out["tokens_per_second"] = value_or_null(m.tokens_per_second);
    return out;
}

Json conversation_json(const ConversationRecord& record) {
    const Conversation& c = record.conversation;
    const ConversationSettings& s = c.settings;
    std::unordered_map<MessageId, std::int64_t> file_id;  // database id -> 1, 2, ...
    for (const Message& m : record.messages) {
        file_id.emplace(m.id, static_cast<std::int64_t>(file_id.size()) + 1);
    }
    const auto mapped = [&](const std::optional<MessageId>& id) -> Json {
        if (!id || !file_id.count(*id)) return nullptr;
        return file_id.at(*id);
    };

    Json out = Json::object();
    out["format"] = kConversationFormat;
    out["version"] = kConversationJsonVersion;
    out["id"] = c.id;
    out["title"] = c.title;
    out["created_at"] = format_iso8601(c.created_at);
    out["updated_at"] = format_iso8601(c.updated_at);
    out["pinned"] = c.pinned;
    out["model"] = s.model;
    out["sampling"] = Json{{"temperature", s.sampling.temperature},
                           {"top_p", s.sampling.top_p},
                           {"top_k", s.sampling.top_k},
                           {"min_p", s.sampling.min_p},
                           {"seed", value_or_null(s.sampling.seed)},
                           {"max_output_tokens", s.sampling.max_output_tokens}};
    out["context_policy"] = std::string(to_string(s.context_policy));
    out["enabled_tools"] = s.enabled_tools;
    Json system = Json::object();
    system["reasoning_effort"] = std::string(to_string(s.effort));
    Json builtin = Json::array();
    for (const std::string& tool : s.enabled_tools) {
        if (is_builtin_tool(tool)) builtin.push_back(tool);
    }
    if (!builtin.empty()) system["builtin_tools"] = builtin;
    out["system"] = system;
    if (!s.developer_instructions.empty()) {
        out["developer"] = Json{{"instructions", s.developer_instructions}};
    }
    out["active_leaf_id"] = mapped(c.active_leaf);

    Json messages = Json::array();
    for (const Message& m : record.messages) {
        Json message = Json::object();
        message["id"] = file_id.at(m.id);
        message["parent_id"] = mapped(m.parent_id);
        message["role"] = std::string(to_string(m.role));
        message["name"] = text_or_null(m.author_name);
        message["recipient"] = text_or_null(m.recipient);
        message["channel"] = text_or_null(m.channel);
        message["content_type"] = text_or_null(m.content_type);
        message["text"] = m.text;
        message["state"] = std::string(to_string(m.state));
        message["state_detail"] = text_or_null(m.state_detail);
        message["created_at"] = format_iso8601(m.created_at);
        message["effort"] = m.effort ? Json(std::string(to_string(*m.effort))) : Json(nullptr);
        message["metrics"] = metrics_json(m.metrics);
        messages.push_back(std::move(message));
    }
    out["messages"] = std::move(messages);

    Json calls = Json::array();
    std::int64_t next_call = 1;
    for (const ToolCall& t : record.tool_calls) {
        Json call = Json::object();
        call["id"] = next_call++;
        call["message_id"] = mapped(t.message_id);
        call["tool"] = t.tool_name;
        call["arguments"] = t.arguments;
        call["approval"] = std::string(to_string(t.approval));
        call["result"] = value_or_null(t.result);
        call["error"] = value_or_null(t.error);
        call["started_at"] = time_or_null(t.started_at);
        call["finished_at"] = time_or_null(t.finished_at);
        call["duration_ms"] = value_or_null(t.duration_ms);
        calls.push_back(std::move(call));
    }
    out["tool_calls"] = std::move(calls);
    return out;
}

// The text is valid UTF-8 (the store repairs it on the way in); "replace" keeps export working
// even for a hand-edited database.
std::string dump(const Json& json) {
    return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string conversation_to_json(const ConversationRecord& record) {
    return dump(conversation_json(record));
}

std::string history_to_json(const std::vector<ConversationRecord>& records) {
    Json out = Json::object();
    out["format"] = kHistoryFormat;
    out["version"] = kConversationJsonVersion;
    Json conversations = Json::array();
    for (const ConversationRecord& record : records) {
        conversations.push_back(conversation_json(record));
    }
    out["conversations"] = std::move(conversations);
    return dump(out);
}

}  // namespace ponder::core
