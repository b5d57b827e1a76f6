// A harmony conversation as typed data (docs/gpt-oss.md §6): the system message's fields, the
// developer message's instructions and function tools, and the ordinary messages with author,
// recipient, channel and content type. The renderer (renderer.h) turns it into the exact prompt;
// the stream parser (stream_parser.h) turns model output back into messages.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponder::harmony {

enum class Role { system, developer, user, assistant, tool };
std::string_view role_name(Role role);  // "system", ..., "tool"
std::optional<Role> parse_role(std::string_view name);

enum class ReasoningEffort { low, medium, high };
std::string_view reasoning_effort_name(ReasoningEffort effort);  // "low", "medium", "high"
std::optional<ReasoningEffort> parse_reasoning_effort(std::string_view name);

// Tools the model was trained to call on the analysis channel; their descriptions are fixed texts
// in the system message (builtin_tools.h).
enum class BuiltinTool { browser, python };
std::string_view builtin_tool_name(BuiltinTool tool);  // "browser", "python"
std::optional<BuiltinTool> parse_builtin_tool(std::string_view name);

// JSON Schema of a tool's arguments. Ordered: the prompt lists properties in the schema's order.
using JsonSchema = nlohmann::ordered_json;

struct FunctionTool {
    std::string name;                      // called as "functions.<name>"
    std::string description;               // one "// " comment line per line
    std::optional<JsonSchema> parameters;  // nullopt: no arguments ("type f = () => any;")
    bool operator==(const FunctionTool&) const = default;
};

inline constexpr std::string_view kDefaultModelIdentity =
    "You are ChatGPT, a large language model trained by OpenAI.";
inline constexpr std::string_view kDefaultKnowledgeCutoff = "2024-06";

// The system message. Defaults are harmony's (and what gpt-oss was trained with).
struct SystemContent {
    std::optional<std::string> model_identity = std::string(kDefaultModelIdentity);
    std::optional<std::string> knowledge_cutoff = std::string(kDefaultKnowledgeCutoff);
    std::optional<std::string> current_date;  // "YYYY-MM-DD"; nullopt: no "Current date:" line
    ReasoningEffort reasoning_effort = ReasoningEffort::medium;
    std::vector<std::string> channels = {"analysis", "commentary", "final"};  // empty: no line
    std::vector<BuiltinTool> builtin_tools;  // rendered browser first, then python
    bool operator==(const SystemContent&) const = default;
};

// The developer message: the app's or user's instructions and the function tools.
struct DeveloperContent {
    std::optional<std::string> instructions;
    std::vector<FunctionTool> function_tools;
    bool empty() const { return !instructions && function_tools.empty(); }
    bool operator==(const DeveloperContent&) const = default;
};

// One message. A tool call is an assistant message with a recipient ("functions.get_temp") on the
// commentary channel with content type "<|constrain|>json"; its result is a tool message whose
// name is the tool and whose recipient is "assistant".
struct Message {
    Role role = Role::user;
    std::optional<std::string> name;  // author name; required for Role::tool (the tool's name)
    std::optional<std::string> recipient;
    std::optional<std::string> channel;       // "analysis", "commentary", "final"
    std::optional<std::string> content_type;  // e.g. "<|constrain|>json", "code"
    std::string text;

    static Message user(std::string text);
    static Message assistant(std::string channel, std::string text);
    // An assistant call of `recipient` (e.g. "functions.get_temp") with JSON `arguments`.
    static Message tool_call(std::string recipient, std::string arguments);
    // The result of tool `tool_name` (e.g. "functions.get_temp"): authored by the tool, addressed
    // to the assistant, on the commentary channel (docs/gpt-oss.md §6.4).
    static Message tool_result(std::string tool_name, std::string output);

    bool operator==(const Message&) const = default;
};

struct Conversation {
    std::optional<SystemContent> system = SystemContent{};  // nullopt: no system message
    std::optional<DeveloperContent> developer;  // nullopt or empty(): no developer message
    std::vector<Message> messages;
    bool operator==(const Conversation&) const = default;
};

}  // namespace ponder::harmony
