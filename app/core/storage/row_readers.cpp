#include "app/core/storage/row_readers.h"

#include <nlohmann/json.hpp>

namespace ponder::core {
namespace {

Status damaged(const std::string& what) {
    return Status(StatusCode::io_error,
                  "the history database is damaged or was edited by hand: " + what);
}

template <typename Enum>
Result<Enum> parse_column(const Statement& row, int column,
                          std::optional<Enum> (*parse)(std::string_view), const char* name) {
    const std::string text = row.column_text(column);
    if (auto value = parse(text)) return *value;
    return damaged(std::string("unknown ") + name + " '" + text + "'");
}

}  // namespace

std::string encode_tool_list(const std::vector<std::string>& tools) {
    return nlohmann::json(tools).dump();
}

Statement& bind_settings(Statement& statement, int first, const ConversationSettings& settings) {
    const SamplingSettings& s = settings.sampling;
    return statement.bind(first, settings.model)
        .bind(first + 1, to_string(settings.effort))
        .bind(first + 2, settings.developer_instructions)
        .bind(first + 3, s.temperature)
        .bind(first + 4, s.top_p)
        .bind(first + 5, s.top_k)
        .bind(first + 6, s.min_p)
        .bind(first + 7, s.seed)
        .bind(first + 8, s.max_output_tokens)
        .bind(first + 9, to_string(settings.context_policy))
        .bind(first + 10, encode_tool_list(settings.enabled_tools))
        .bind(first + 11, settings.tool_folder);
}

Result<Conversation> read_conversation(const Statement& row) {
    Conversation c;
    c.id = row.column_text(0);
    c.title = row.column_text(1);
    c.created_at = row.column_int(2);
    c.updated_at = row.column_int(3);
    c.pinned = row.column_int(4) != 0;
    c.deleted_at = row.column_opt_int(5);
    ConversationSettings& s = c.settings;
    s.model = row.column_text(6);
    auto effort = parse_column(row, 7, parse_reasoning_effort, "reasoning effort");
    if (!effort) return effort.status();
    s.effort = *effort;
    s.developer_instructions = row.column_text(8);
    s.sampling.temperature = row.column_double(9);
    s.sampling.top_p = row.column_double(10);
    s.sampling.top_k = row.column_int(11);
    s.sampling.min_p = row.column_double(12);
    s.sampling.seed = row.column_opt_int(13);
    s.sampling.max_output_tokens = row.column_int(14);
    auto policy = parse_column(row, 15, parse_context_policy, "context policy");
    if (!policy) return policy.status();
    s.context_policy = *policy;
    const auto tools = nlohmann::json::parse(row.column_text(16), nullptr, false);
    if (!tools.is_array()) return damaged("enabled_tools of conversation " + c.id);
    for (const auto& tool : tools) {
        if (!tool.is_string()) return damaged("enabled_tools of conversation " + c.id);
        s.enabled_tools.push_back(tool.get<std::string>());
    }
    c.active_leaf = row.column_opt_int(17);
    s.tool_folder = row.column_text(18);
    return c;
}

Result<Message> read_message(const Statement& row) {
    Message m;
    m.id = row.column_int(0);
    m.parent_id = row.column_opt_int(1);
    auto role = parse_column(row, 2, parse_message_role, "role");
    if (!role) return role.status();
    m.role = *role;
    m.author_name = row.column_text(3);
    m.channel = row.column_text(4);
    m.recipient = row.column_text(5);
    m.content_type = row.column_text(6);
    m.text = row.column_text(7);
    auto state = parse_column(row, 8, parse_message_state, "message state");
    if (!state) return state.status();
    m.state = *state;
    m.state_detail = row.column_text(9);
    m.created_at = row.column_int(10);
    if (!row.is_null(11)) {
        auto effort = parse_column(row, 11, parse_reasoning_effort, "reasoning effort");
        if (!effort) return effort.status();
        m.effort = *effort;
    }
    m.metrics.prompt_tokens = row.column_opt_int(12);
    m.metrics.completion_tokens = row.column_opt_int(13);
    m.metrics.reasoning_tokens = row.column_opt_int(14);
    m.metrics.ttft_ms = row.column_opt_int(15);
    m.metrics.reasoning_ms = row.column_opt_int(16);
    m.metrics.tokens_per_second = row.column_opt_double(17);
    return m;
}

Result<ToolCall> read_tool_call(const Statement& row) {
    ToolCall t;
    t.id = row.column_int(0);
    t.message_id = row.column_int(1);
    t.tool_name = row.column_text(2);
    t.arguments = row.column_text(3);
    auto approval = parse_column(row, 4, parse_tool_approval, "tool approval");
    if (!approval) return approval.status();
    t.approval = *approval;
    t.result = row.column_opt_text(5);
    t.error = row.column_opt_text(6);
    t.started_at = row.column_opt_int(7);
    t.finished_at = row.column_opt_int(8);
    t.duration_ms = row.column_opt_int(9);
    return t;
}

}  // namespace ponder::core
