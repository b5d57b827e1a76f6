#include "app/core/server/chat_request.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace ponder::core::server {
namespace {

using nlohmann::json;

// Fields a client may send. Those Ponder cannot honour but OpenAI clients send with neutral
// values by default (n, penalties, logprobs) are accepted only with those values.
const std::set<std::string>& known_fields() {
    static const std::set<std::string> fields = {"model",
                                                 "messages",
                                                 "stream",
                                                 "stream_options",
                                                 "tools",
                                                 "tool_choice",
                                                 "reasoning_effort",
                                                 "max_tokens",
                                                 "max_completion_tokens",
                                                 "temperature",
                                                 "top_p",
                                                 "seed",
                                                 "stop",
                                                 "n",
                                                 "user",
                                                 "parallel_tool_calls",
                                                 "frequency_penalty",
                                                 "presence_penalty",
                                                 "logprobs",
                                                 "store",
                                                 "metadata"};
    return fields;
}

std::string type_name(const json& value) {
    return value.is_number_integer() ? "an integer" : std::string("a ") + value.type_name();
}

ApiError wrong_type(const std::string& param, const json& value, const std::string& expected) {
    return ApiError::bad_field(param,
                               "'" + param + "' must be " + expected + ", not " + type_name(value));
}

// Text of a message's content: a string, or an array of {"type": "text", "text": ...} parts.
std::variant<std::string, ApiError> content_text(const json& content, const std::string& param) {
    if (content.is_string()) return content.get<std::string>();
    if (content.is_null()) return std::string();
    if (!content.is_array()) {
        return wrong_type(param, content, "a string or an array of text parts");
    }
    std::string text;
    for (size_t i = 0; i < content.size(); ++i) {
        const json& part = content[i];
        const std::string where = param + "[" + std::to_string(i) + "]";
        if (!part.is_object() || !part.contains("type") || !part["type"].is_string()) {
            return ApiError::bad_field(where, "'" + where + "' must be an object with a 'type'");
        }
        if (part["type"] != "text") {
            return ApiError::bad_field(where + ".type", "'" + where + ".type' is '" +
                                                            part["type"].get<std::string>() +
                                                            "': this model reads text only");
        }
        if (!part.contains("text") || !part["text"].is_string()) {
            return ApiError::bad_field(where + ".text", "'" + where + ".text' must be a string");
        }
        text += part["text"].get<std::string>();
    }
    return text;
}

Message prompt_message(MessageRole role, std::string channel, std::string text) {
    Message message;
    message.role = role;
    message.channel = std::move(channel);
    message.text = std::move(text);
    return message;
}

struct MessagesParser {
    ChatCompletionRequest& request;
    std::map<std::string, std::string> tool_of_call;  // tool_call_id -> "functions.NAME"
    std::string instructions;

    std::optional<ApiError> parse(const json& messages) {
        if (!messages.is_array()) return wrong_type("messages", messages, "an array");
        if (messages.empty()) {
            return ApiError::bad_field("messages", "'messages' must hold at least one message");
        }
        for (size_t i = 0; i < messages.size(); ++i) {
            if (auto error = parse_one(messages[i], "messages[" + std::to_string(i) + "]")) {
                return error;
            }
        }
        request.prompt.settings.developer_instructions = instructions;
        return std::nullopt;
    }

    std::optional<ApiError> parse_one(const json& message, const std::string& where) {
        if (!message.is_object()) return wrong_type(where, message, "an object");
        if (!message.contains("role") || !message["role"].is_string()) {
            return ApiError::bad_field(where + ".role", "'" + where + ".role' must be a string");
        }
        const std::string role = message["role"].get<std::string>();
        std::string text;
        if (message.contains("content")) {
            auto parsed = content_text(message["content"], where + ".content");
            if (auto* error = std::get_if<ApiError>(&parsed)) return *error;
            text = std::get<std::string>(parsed);
        }
        if (role == "system" || role == "developer") {
            if (!instructions.empty()) instructions += "\n\n";
            instructions += text;
            return std::nullopt;
        }
        if (role == "user") {
            request.prompt.path.push_back(prompt_message(MessageRole::user, "", text));
            return std::nullopt;
        }
        if (role == "assistant") return parse_assistant(message, where, text);
        if (role == "tool") {
            if (!message.contains("tool_call_id") || !message["tool_call_id"].is_string()) {
                return ApiError::bad_field(where + ".tool_call_id",
                                           "'" + where + ".tool_call_id' must be a string");
            }
            auto call = tool_of_call.find(message["tool_call_id"].get<std::string>());
            if (call == tool_of_call.end()) {
                return ApiError::bad_field(where + ".tool_call_id",
                                           "'" + where +
                                               ".tool_call_id' names no tool call of an earlier "
                                               "assistant message");
            }
            Message result = prompt_message(MessageRole::tool, "commentary", text);
            result.author_name = call->second;
            result.recipient = "assistant";
            request.prompt.path.push_back(std::move(result));
            return std::nullopt;
        }
        return ApiError::bad_field(where + ".role",
                                   "'" + where + ".role' is '" + role +
                                       "'; it must be system, developer, user, assistant or tool");
    }

    std::optional<ApiError> parse_assistant(const json& message, const std::string& where,
                                            const std::string& text) {
        const bool has_calls = message.contains("tool_calls") && !message["tool_calls"].is_null();
        // The chain of thought before a tool call belongs in the prompt (spec: a tool-call chain
        // in progress keeps it); the renderer drops it once a final answer follows.
        for (const char* field : {"reasoning_content", "reasoning"}) {
            if (!message.contains(field) || message[field].is_null()) continue;
            if (!message[field].is_string()) {
                return wrong_type(where + "." + field, message[field], "a string");
            }
            if (!message[field].get<std::string>().empty()) {
                request.prompt.path.push_back(prompt_message(MessageRole::assistant, "analysis",
                                                             message[field].get<std::string>()));
                break;
            }
        }
        if (!text.empty()) {
            // Text next to a tool call is a preamble, which gpt-oss writes on commentary.
            request.prompt.path.push_back(
                prompt_message(MessageRole::assistant, has_calls ? "commentary" : "final", text));
        }
        if (!has_calls) return std::nullopt;
        const json& calls = message["tool_calls"];
        if (!calls.is_array()) return wrong_type(where + ".tool_calls", calls, "an array");
        for (size_t i = 0; i < calls.size(); ++i) {
            const std::string at = where + ".tool_calls[" + std::to_string(i) + "]";
            const json& call = calls[i];
            if (!call.is_object()) return wrong_type(at, call, "an object");
            if (!call.contains("id") || !call["id"].is_string()) {
                return ApiError::bad_field(at + ".id", "'" + at + ".id' must be a string");
            }
            if (!call.contains("function") || !call["function"].is_object()) {
                return ApiError::bad_field(at + ".function",
                                           "'" + at + ".function' must be an object");
            }
            const json& function = call["function"];
            if (!function.contains("name") || !function["name"].is_string()) {
                return ApiError::bad_field(at + ".function.name",
                                           "'" + at + ".function.name' must be a string");
            }
            if (!function.contains("arguments") || !function["arguments"].is_string()) {
                return ApiError::bad_field(at + ".function.arguments",
                                           "'" + at + ".function.arguments' must be a string");
            }
            Message harmony_call = prompt_message(MessageRole::assistant, "commentary",
                                                  function["arguments"].get<std::string>());
            harmony_call.recipient = "functions." + function["name"].get<std::string>();
            harmony_call.content_type = "<|constrain|>json";
            tool_of_call[call["id"].get<std::string>()] = harmony_call.recipient;
            request.prompt.path.push_back(std::move(harmony_call));
        }
        return std::nullopt;
    }
};

std::variant<std::vector<harmony::FunctionTool>, ApiError> parse_tools(const json& tools) {
    if (!tools.is_array()) return wrong_type("tools", tools, "an array");
    std::vector<harmony::FunctionTool> parsed;
    for (size_t i = 0; i < tools.size(); ++i) {
        const std::string at = "tools[" + std::to_string(i) + "]";
        const json& tool = tools[i];
        if (!tool.is_object()) return wrong_type(at, tool, "an object");
        if (!tool.contains("type") || tool["type"] != "function") {
            return ApiError::bad_field(at + ".type", "'" + at + ".type' must be 'function'");
        }
        if (!tool.contains("function") || !tool["function"].is_object()) {
            return ApiError::bad_field(at + ".function", "'" + at + ".function' must be an object");
        }
        const json& function = tool["function"];
        if (!function.contains("name") || !function["name"].is_string() ||
            function["name"].get<std::string>().empty()) {
            return ApiError::bad_field(at + ".function.name",
                                       "'" + at + ".function.name' must be a non-empty string");
        }
        harmony::FunctionTool definition;
        definition.name = function["name"].get<std::string>();
        for (const char c : definition.name) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
                return ApiError::bad_field(
                    at + ".function.name",
                    "'" + at + ".function.name' may hold only letters, digits, '_' and '-'");
            }
        }
        if (function.contains("description") && !function["description"].is_null()) {
            if (!function["description"].is_string()) {
                return wrong_type(at + ".function.description", function["description"],
                                  "a string");
            }
            definition.description = function["description"].get<std::string>();
        }
        if (function.contains("parameters") && !function["parameters"].is_null()) {
            if (!function["parameters"].is_object()) {
                return wrong_type(at + ".function.parameters", function["parameters"],
                                  "a JSON Schema object");
            }
            definition.parameters = harmony::JsonSchema::parse(function["parameters"].dump());
        }
        parsed.push_back(std::move(definition));
    }
    return parsed;
}

// tool_choice: "auto" (default), "none" (the tools are not shown to the model), "required" or
// {"type": "function", "function": {"name": N}} (harmony has no way to force a call: the
// developer instructions ask for one, and a named choice shows only that tool).
std::optional<ApiError> apply_tool_choice(const json& choice, ChatCompletionRequest& request) {
    auto& tools = request.prompt.function_tools;
    auto& instructions = request.prompt.settings.developer_instructions;
    auto ask = [&](const std::string& line) {
        instructions += (instructions.empty() ? "" : "\n\n") + line;
    };
    if (choice.is_string()) {
        const std::string mode = choice.get<std::string>();
        if (mode == "auto") return std::nullopt;
        if (mode == "none") {
            tools.clear();
            return std::nullopt;
        }
        if (mode == "required") {
            if (tools.empty()) {
                return ApiError::bad_field("tool_choice",
                                           "'tool_choice' is 'required' but no tools are given");
            }
            ask("Call one of the functions before you answer.");
            return std::nullopt;
        }
        return ApiError::bad_field("tool_choice",
                                   "'tool_choice' must be none, auto, required or a function");
    }
    if (!choice.is_object() || !choice.contains("function") || !choice["function"].is_object() ||
        !choice["function"].contains("name") || !choice["function"]["name"].is_string()) {
        return ApiError::bad_field(
            "tool_choice",
            "'tool_choice' must be none, auto, required or {\"type\": \"function\", "
            "\"function\": {\"name\": ...}}");
    }
    const std::string name = choice["function"]["name"].get<std::string>();
    auto named = std::find_if(tools.begin(), tools.end(),
                              [&](const harmony::FunctionTool& t) { return t.name == name; });
    if (named == tools.end()) {
        return ApiError::bad_field("tool_choice.function.name",
                                   "'tool_choice.function.name' names no tool in 'tools': " + name);
    }
    tools = {*named};
    ask("Call the function " + name + " before you answer.");
    return std::nullopt;
}

std::optional<ApiError> parse_number(const json& body, const char* field, double low, double high,
                                     std::optional<double>& out) {
    if (!body.contains(field) || body[field].is_null()) return std::nullopt;
    const json& value = body[field];
    if (!value.is_number()) return wrong_type(field, value, "a number");
    const double number = value.get<double>();
    if (!std::isfinite(number) || number < low || number > high) {
        return ApiError::bad_field(field, "'" + std::string(field) + "' must be between " +
                                              nlohmann::json(low).dump() + " and " +
                                              nlohmann::json(high).dump());
    }
    out = number;
    return std::nullopt;
}

std::optional<ApiError> parse_integer(const json& body, const char* field, std::int64_t low,
                                      std::optional<std::int64_t>& out) {
    if (!body.contains(field) || body[field].is_null()) return std::nullopt;
    const json& value = body[field];
    if (!value.is_number_integer()) return wrong_type(field, value, "an integer");
    const std::int64_t number = value.get<std::int64_t>();
    if (number < low || (value.is_number_unsigned() && value.get<std::uint64_t>() > INT64_MAX)) {
        return ApiError::bad_field(
            field, "'" + std::string(field) + "' must be at least " + std::to_string(low));
    }
    out = number;
    return std::nullopt;
}

std::optional<ApiError> parse_options(const json& body, ChatCompletionRequest& request) {
    if (body.contains("stream") && !body["stream"].is_null()) {
        if (!body["stream"].is_boolean()) return wrong_type("stream", body["stream"], "a boolean");
        request.stream = body["stream"].get<bool>();
    }
    if (body.contains("stream_options") && !body["stream_options"].is_null()) {
        const json& options = body["stream_options"];
        if (!options.is_object()) return wrong_type("stream_options", options, "an object");
        for (const auto& [key, value] : options.items()) {
            if (key != "include_usage") {
                return ApiError::bad_field("stream_options." + key,
                                           "unknown field 'stream_options." + key + "'");
            }
            if (!value.is_boolean()) {
                return wrong_type("stream_options.include_usage", value, "a boolean");
            }
            request.include_usage_in_stream = value.get<bool>();
        }
    }
    if (body.contains("reasoning_effort") && !body["reasoning_effort"].is_null()) {
        const json& value = body["reasoning_effort"];
        std::optional<ReasoningEffort> effort;
        if (value.is_string()) effort = parse_reasoning_effort(value.get<std::string>());
        if (!effort) {
            return ApiError::bad_field("reasoning_effort",
                                       "'reasoning_effort' must be low, medium or high");
        }
        request.effort = effort;
    }
    for (const char* field : {"max_completion_tokens", "max_tokens"}) {
        std::optional<std::int64_t> limit;
        if (auto error = parse_integer(body, field, 1, limit)) return error;
        if (limit && !request.max_tokens) request.max_tokens = limit;
    }
    if (auto error = parse_number(body, "temperature", 0.0, 2.0, request.temperature)) return error;
    if (auto error = parse_number(body, "top_p", 0.0, 1.0, request.top_p)) return error;
    if (request.top_p && *request.top_p == 0.0) {
        return ApiError::bad_field("top_p", "'top_p' must be greater than 0");
    }
    if (auto error = parse_integer(body, "seed", INT64_MIN, request.seed)) return error;
    if (body.contains("stop") && !body["stop"].is_null()) {
        const json& stop = body["stop"];
        if (stop.is_string()) {
            request.stop.push_back(stop.get<std::string>());
        } else if (stop.is_array() && stop.size() <= 4) {
            for (const json& item : stop) {
                if (!item.is_string()) return wrong_type("stop", item, "a string in the array");
                request.stop.push_back(item.get<std::string>());
            }
        } else {
            return ApiError::bad_field("stop", "'stop' must be a string or up to 4 strings");
        }
        for (const std::string& text : request.stop) {
            if (text.empty())
                return ApiError::bad_field("stop", "'stop' strings must not be empty");
        }
    }
    // Accepted only with the values that change nothing.
    if (body.contains("n") && !body["n"].is_null() && body["n"] != 1) {
        return ApiError::bad_field("n", "'n' must be 1: one answer per request");
    }
    for (const char* penalty : {"frequency_penalty", "presence_penalty"}) {
        if (body.contains(penalty) && !body[penalty].is_null() &&
            (!body[penalty].is_number() || body[penalty].get<double>() != 0.0)) {
            return ApiError::bad_field(penalty,
                                       "'" + std::string(penalty) + "' is not supported (use 0)");
        }
    }
    if (body.contains("logprobs") && !body["logprobs"].is_null() && body["logprobs"] != false) {
        return ApiError::bad_field("logprobs", "'logprobs' is not supported");
    }
    for (const char* flag : {"parallel_tool_calls", "store"}) {
        if (body.contains(flag) && !body[flag].is_null() && !body[flag].is_boolean()) {
            return wrong_type(flag, body[flag], "a boolean");
        }
    }
    if (body.contains("user") && !body["user"].is_null() && !body["user"].is_string()) {
        return wrong_type("user", body["user"], "a string");
    }
    return std::nullopt;
}

}  // namespace

std::variant<ChatCompletionRequest, ApiError> parse_chat_request(const std::string& body_text) {
    const json body = json::parse(body_text, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
        ApiError error;
        error.message = "the request body is not valid JSON";
        return error;
    }
    if (!body.is_object()) {
        ApiError error;
        error.message = "the request body must be a JSON object";
        return error;
    }
    for (const auto& [key, value] : body.items()) {
        if (!known_fields().count(key)) {
            return ApiError::bad_field(key, "unknown field '" + key + "'");
        }
    }
    ChatCompletionRequest request;
    if (!body.contains("model") || !body["model"].is_string()) {
        return ApiError::bad_field("model", "'model' must be a string (GET /v1/models lists it)");
    }
    request.model = body["model"].get<std::string>();
    if (!body.contains("messages")) {
        return ApiError::bad_field("messages", "'messages' is required");
    }
    MessagesParser messages{request, {}, {}};
    if (auto error = messages.parse(body["messages"])) return *error;
    if (request.prompt.path.empty()) {
        return ApiError::bad_field("messages", "'messages' holds no user message");
    }
    if (body.contains("tools") && !body["tools"].is_null()) {
        auto tools = parse_tools(body["tools"]);
        if (auto* error = std::get_if<ApiError>(&tools)) return *error;
        request.prompt.function_tools = std::get<0>(std::move(tools));
    }
    if (body.contains("tool_choice") && !body["tool_choice"].is_null()) {
        if (auto error = apply_tool_choice(body["tool_choice"], request)) return *error;
    }
    if (auto error = parse_options(body, request)) return *error;
    return request;
}

}  // namespace ponder::core::server
