#include "engine/harmony/conversation.h"

#include <array>

namespace ponder::harmony {
namespace {

constexpr std::array<std::string_view, 5> kRoleNames = {"system", "developer", "user", "assistant",
                                                        "tool"};
constexpr std::array<std::string_view, 3> kEffortNames = {"low", "medium", "high"};
constexpr std::array<std::string_view, 2> kBuiltinToolNames = {"browser", "python"};

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view name) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == name) return static_cast<Enum>(i);
    }
    return std::nullopt;
}

}  // namespace

std::string_view role_name(Role role) {
    return kRoleNames[static_cast<std::size_t>(role)];
}
std::optional<Role> parse_role(std::string_view name) {
    return parse_name<Role>(kRoleNames, name);
}

std::string_view reasoning_effort_name(ReasoningEffort effort) {
    return kEffortNames[static_cast<std::size_t>(effort)];
}
std::optional<ReasoningEffort> parse_reasoning_effort(std::string_view name) {
    return parse_name<ReasoningEffort>(kEffortNames, name);
}

std::string_view builtin_tool_name(BuiltinTool tool) {
    return kBuiltinToolNames[static_cast<std::size_t>(tool)];
}
std::optional<BuiltinTool> parse_builtin_tool(std::string_view name) {
    return parse_name<BuiltinTool>(kBuiltinToolNames, name);
}

Message Message::user(std::string text) {
    Message message;
    message.role = Role::user;
    message.text = std::move(text);
    return message;
}

Message Message::assistant(std::string channel, std::string text) {
    Message message;
    message.role = Role::assistant;
    message.channel = std::move(channel);
    message.text = std::move(text);
    return message;
}

Message Message::tool_call(std::string recipient, std::string arguments) {
    Message message;
    message.role = Role::assistant;
    message.recipient = std::move(recipient);
    message.channel = "commentary";
    message.content_type = "<|constrain|>json";
    message.text = std::move(arguments);
    return message;
}

Message Message::tool_result(std::string tool_name, std::string output) {
    Message message;
    message.role = Role::tool;
    message.name = std::move(tool_name);
    message.recipient = "assistant";
    message.channel = "commentary";
    message.text = std::move(output);
    return message;
}

}  // namespace ponder::harmony
