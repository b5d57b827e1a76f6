#include "app/core/storage/history_types.h"

#include <array>
#include <utility>

namespace ponder::core {
namespace {

// One table per enum keeps the names and their order in one place for both directions.
template <typename Enum, size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Names<ReasoningEffort, 3> effort_names{{
    {ReasoningEffort::low, "low"},
    {ReasoningEffort::medium, "medium"},
    {ReasoningEffort::high, "high"},
}};
constexpr Names<ContextPolicy, 2> policy_names{{
    {ContextPolicy::error, "error"},
    {ContextPolicy::drop_oldest, "drop_oldest"},
}};
constexpr Names<MessageRole, 5> role_names{{
    {MessageRole::system, "system"},
    {MessageRole::developer, "developer"},
    {MessageRole::user, "user"},
    {MessageRole::assistant, "assistant"},
    {MessageRole::tool, "tool"},
}};
constexpr Names<MessageState, 4> state_names{{
    {MessageState::complete, "complete"},
    {MessageState::stopped, "stopped"},
    {MessageState::error, "error"},
    {MessageState::generating, "generating"},
}};
constexpr Names<ToolApproval, 4> approval_names{{
    {ToolApproval::pending, "pending"},
    {ToolApproval::approved_once, "approved_once"},
    {ToolApproval::approved_always, "approved_always"},
    {ToolApproval::denied, "denied"},
}};

template <typename Enum, size_t N>
std::string_view name_of(const Names<Enum, N>& names, Enum value) {
    for (const auto& [candidate, name] : names) {
        if (candidate == value) return name;
    }
    return "?";
}

template <typename Enum, size_t N>
std::optional<Enum> value_of(const Names<Enum, N>& names, std::string_view text) {
    for (const auto& [candidate, name] : names) {
        if (name == text) return candidate;
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(ReasoningEffort effort) {
    return name_of(effort_names, effort);
}
std::string_view to_string(ContextPolicy policy) {
    return name_of(policy_names, policy);
}
std::string_view to_string(MessageRole role) {
    return name_of(role_names, role);
}
std::string_view to_string(MessageState state) {
    return name_of(state_names, state);
}
std::string_view to_string(ToolApproval approval) {
    return name_of(approval_names, approval);
}

std::optional<ReasoningEffort> parse_reasoning_effort(std::string_view text) {
    return value_of(effort_names, text);
}
std::optional<ContextPolicy> parse_context_policy(std::string_view text) {
    return value_of(policy_names, text);
}
std::optional<MessageRole> parse_message_role(std::string_view text) {
    return value_of(role_names, text);
}
std::optional<MessageState> parse_message_state(std::string_view text) {
    return value_of(state_names, text);
}
std::optional<ToolApproval> parse_tool_approval(std::string_view text) {
    return value_of(approval_names, text);
}

bool MessageMetrics::empty() const {
    return *this == MessageMetrics{};
}

}  // namespace ponder::core
