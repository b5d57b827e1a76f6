#include "engine/harmony/conversation_json.h"

#include <map>
#include <set>

namespace ponder::harmony {
namespace {

using Json = nlohmann::ordered_json;

std::string type_name(const Json& value) {
    if (value.is_number_integer()) return "integer";
    if (value.is_number()) return "number";
    return value.type_name();
}

// Reads one field, recording the first error with the field's path.
class Reader {
  public:
    bool failed() const { return !error_.empty(); }
    Status status() const { return Status(StatusCode::invalid_argument, error_); }
    void fail(const std::string& path, const std::string& what) {
        if (error_.empty()) error_ = path + ": " + what;
    }

    // Absent -> `fallback`; null -> nullopt; a string -> it.
    std::optional<std::string> optional_string(const Json& object, const char* key,
                                               const std::string& path,
                                               std::optional<std::string> fallback = std::nullopt) {
        auto it = object.find(key);
        if (it == object.end()) return fallback;
        if (it->is_null()) return std::nullopt;
        if (!it->is_string()) {
            fail(path + "." + key, "expected a string or null, got " + type_name(*it));
            return std::nullopt;
        }
        return it->get<std::string>();
    }

    // Absent or null -> empty; otherwise every element must be a string.
    std::vector<std::string> string_list(const Json& object, const char* key,
                                         const std::string& path,
                                         std::vector<std::string> fallback) {
        auto it = object.find(key);
        if (it == object.end() || it->is_null()) return fallback;
        std::vector<std::string> values;
        if (!it->is_array()) {
            fail(path + "." + key, "expected a list of strings, got " + type_name(*it));
            return values;
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            const Json& value = (*it)[i];
            if (!value.is_string()) {
                fail(path + "." + key + "[" + std::to_string(i) + "]",
                     "expected a string, got " + type_name(value));
                return values;
            }
            values.push_back(value.get<std::string>());
        }
        return values;
    }

  private:
    std::string error_;
};

std::optional<SystemContent> read_system(Reader& reader, const Json& root) {
    auto it = root.find("system");
    if (it == root.end()) return SystemContent{};
    if (it->is_null()) return std::nullopt;
    if (!it->is_object()) {
        reader.fail("system", "expected an object or null, got " + type_name(*it));
        return std::nullopt;
    }
    const Json& json = *it;
    SystemContent system;
    system.model_identity =
        reader.optional_string(json, "model_identity", "system", system.model_identity);
    system.knowledge_cutoff =
        reader.optional_string(json, "knowledge_cutoff", "system", system.knowledge_cutoff);
    system.current_date = reader.optional_string(json, "current_date", "system");
    if (auto effort = reader.optional_string(json, "reasoning_effort", "system")) {
        if (auto parsed = parse_reasoning_effort(*effort)) {
            system.reasoning_effort = *parsed;
        } else {
            reader.fail("system.reasoning_effort",
                        "expected low, medium or high, got '" + *effort + "'");
        }
    }
    system.channels = reader.string_list(json, "channels", "system", system.channels);
    for (const std::string& name : reader.string_list(json, "builtin_tools", "system", {})) {
        if (auto tool = parse_builtin_tool(name)) {
            system.builtin_tools.push_back(*tool);
        } else {
            reader.fail("system.builtin_tools",
                        "unknown built-in tool '" + name + "' (expected browser or python)");
        }
    }
    return system;
}

std::optional<DeveloperContent> read_developer(Reader& reader, const Json& root) {
    auto it = root.find("developer");
    if (it == root.end() || it->is_null()) return std::nullopt;
    if (!it->is_object()) {
        reader.fail("developer", "expected an object or null, got " + type_name(*it));
        return std::nullopt;
    }
    DeveloperContent developer;
    developer.instructions = reader.optional_string(*it, "instructions", "developer");
    auto tools = it->find("function_tools");
    if (tools != it->end() && !tools->is_null()) {
        if (!tools->is_array()) {
            reader.fail("developer.function_tools", "expected a list, got " + type_name(*tools));
            return std::nullopt;
        }
        for (std::size_t i = 0; i < tools->size(); ++i) {
            const std::string path = "developer.function_tools[" + std::to_string(i) + "]";
            const Json& json = (*tools)[i];
            if (!json.is_object()) {
                reader.fail(path, "expected an object, got " + type_name(json));
                return std::nullopt;
            }
            FunctionTool tool;
            auto name = reader.optional_string(json, "name", path);
            if (!name || name->empty()) reader.fail(path + ".name", "a function tool needs a name");
            tool.name = name.value_or("");
            tool.description = reader.optional_string(json, "description", path).value_or("");
            if (auto parameters = json.find("parameters");
                parameters != json.end() && !parameters->is_null()) {
                if (!parameters->is_object()) {
                    reader.fail(path + ".parameters",
                                "expected a JSON Schema object, got " + type_name(*parameters));
                } else {
                    tool.parameters = *parameters;
                }
            }
            developer.function_tools.push_back(std::move(tool));
        }
    }
    if (developer.empty()) return std::nullopt;
    return developer;
}

std::optional<Message> read_message(Reader& reader, const Json& json, const std::string& path) {
    if (!json.is_object()) {
        reader.fail(path, "expected an object, got " + type_name(json));
        return std::nullopt;
    }
    Message message;
    auto role = reader.optional_string(json, "role", path);
    if (!role) {
        reader.fail(path + ".role", "every message needs a role");
        return std::nullopt;
    }
    if (auto parsed = parse_role(*role)) {
        message.role = *parsed;
    } else {
        reader.fail(path + ".role",
                    "expected system, developer, user, assistant or tool, got '" + *role + "'");
        return std::nullopt;
    }
    message.name = reader.optional_string(json, "name", path);
    message.recipient = reader.optional_string(json, "recipient", path);
    message.channel = reader.optional_string(json, "channel", path);
    message.content_type = reader.optional_string(json, "content_type", path);
    message.text = reader.optional_string(json, "text", path).value_or("");
    if (message.role == Role::tool && (!message.name || message.name->empty())) {
        reader.fail(path + ".name",
                    "a tool message needs the tool's name (e.g. functions.get_temp)");
    }
    return message;
}

// The indices of the messages on the path from the root to the last message, root first.
std::vector<std::size_t> branch_path(Reader& reader, const Json& messages) {
    std::map<std::string, std::size_t> index_of;  // id (as JSON text) -> index
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const std::string path = "messages[" + std::to_string(i) + "]";
        auto id = messages[i].find("id");
        if (id == messages[i].end() || !(id->is_number_integer() || id->is_string())) {
            reader.fail(path + ".id", "messages with parent_id need an integer or string id");
            return {};
        }
        if (!index_of.emplace(id->dump(), i).second) {
            reader.fail(path + ".id", "id " + id->dump() + " is used twice");
            return {};
        }
    }
    std::vector<std::size_t> path;
    std::set<std::size_t> seen;
    for (std::size_t i = messages.size() - 1;;) {
        if (!seen.insert(i).second) {
            reader.fail("messages[" + std::to_string(i) + "].parent_id",
                        "the parent_id links form a cycle");
            return {};
        }
        path.push_back(i);
        auto parent = messages[i].find("parent_id");
        if (parent == messages[i].end() || parent->is_null()) break;
        auto found = index_of.find(parent->dump());
        if (found == index_of.end()) {
            reader.fail("messages[" + std::to_string(i) + "].parent_id",
                        "no message has id " + parent->dump());
            return {};
        }
        i = found->second;
    }
    return {path.rbegin(), path.rend()};
}

Json optional_json(const std::optional<std::string>& value) {
    return value ? Json(*value) : Json();
}

}  // namespace

Result<Conversation> conversation_from_json(const Json& document) {
    if (!document.is_object()) {
        return Status(StatusCode::invalid_argument,
                      "a conversation must be a JSON object, got " + type_name(document));
    }
    auto format = document.find("format");
    if (format == document.end() || !format->is_string() ||
        format->get<std::string>() != kConversationFormat) {
        return Status(StatusCode::invalid_argument,
                      "format: expected \"" + std::string(kConversationFormat) + "\"" +
                          (format == document.end() ? " (missing)" : ", got " + format->dump()));
    }
    auto version = document.find("version");
    if (version == document.end() || !version->is_number_integer()) {
        return Status(StatusCode::invalid_argument, "version: expected an integer");
    }
    const auto number = version->get<long long>();
    if (number > kConversationVersion) {
        return Status(StatusCode::unsupported,
                      "conversation format version " + std::to_string(number) +
                          " is newer than this Ponder understands (" +
                          std::to_string(kConversationVersion) + "); update Ponder to read it");
    }
    if (number < 1)
        return Status(StatusCode::invalid_argument,
                      "version: expected 1, got " + std::to_string(number));

    Reader reader;
    Conversation conversation;
    conversation.system = read_system(reader, document);
    conversation.developer = read_developer(reader, document);
    auto messages = document.find("messages");
    if (messages == document.end() || !messages->is_array()) {
        reader.fail("messages", "expected a list of messages");
    } else if (!messages->empty()) {
        bool tree = false;
        for (const Json& message : *messages)
            tree = tree || (message.is_object() && message.contains("parent_id"));
        std::vector<std::size_t> order;
        if (tree) {
            order = branch_path(reader, *messages);
        } else {
            for (std::size_t i = 0; i < messages->size(); ++i)
                order.push_back(i);
        }
        for (std::size_t i : order) {
            auto message =
                read_message(reader, (*messages)[i], "messages[" + std::to_string(i) + "]");
            if (message) conversation.messages.push_back(std::move(*message));
        }
    }
    if (reader.failed()) return reader.status();
    return conversation;
}

Result<Conversation> conversation_from_json_text(std::string_view text) {
    Json document;
    try {
        document = Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& error) {  // carries the byte position of the mistake
        return Status(StatusCode::invalid_argument, std::string("not valid JSON: ") + error.what());
    }
    return conversation_from_json(document);
}

Json conversation_to_json(const Conversation& conversation) {
    Json document;
    document["format"] = kConversationFormat;
    document["version"] = kConversationVersion;
    if (conversation.system) {
        const SystemContent& system = *conversation.system;
        Json json;
        json["model_identity"] = optional_json(system.model_identity);
        json["knowledge_cutoff"] = optional_json(system.knowledge_cutoff);
        json["current_date"] = optional_json(system.current_date);
        json["reasoning_effort"] = reasoning_effort_name(system.reasoning_effort);
        json["channels"] = system.channels;
        json["builtin_tools"] = Json::array();
        for (BuiltinTool tool : system.builtin_tools)
            json["builtin_tools"].push_back(builtin_tool_name(tool));
        document["system"] = std::move(json);
    } else {
        document["system"] = nullptr;
    }
    if (conversation.developer && !conversation.developer->empty()) {
        Json json;
        json["instructions"] = optional_json(conversation.developer->instructions);
        json["function_tools"] = Json::array();
        for (const FunctionTool& tool : conversation.developer->function_tools) {
            Json entry;
            entry["name"] = tool.name;
            entry["description"] = tool.description;
            entry["parameters"] = tool.parameters ? *tool.parameters : Json();
            json["function_tools"].push_back(std::move(entry));
        }
        document["developer"] = std::move(json);
    }
    document["messages"] = Json::array();
    for (const Message& message : conversation.messages) {
        Json json;
        json["role"] = role_name(message.role);
        json["name"] = optional_json(message.name);
        json["recipient"] = optional_json(message.recipient);
        json["channel"] = optional_json(message.channel);
        json["content_type"] = optional_json(message.content_type);
        json["text"] = message.text;
        document["messages"].push_back(std::move(json));
    }
    return document;
}

}  // namespace ponder::harmony
