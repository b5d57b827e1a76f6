#include "app/core/export/export_text.h"

#include <cstdio>

#include "app/core/storage/conversation_tree.h"
#include "app/core/storage/timestamps.h"

namespace ponder::core {
namespace {

// Shortest readable form: 1 -> "1", 0.7 -> "0.7", 0.95 -> "0.95".
std::string number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
    return buffer;
}

std::string seconds(std::int64_t ms) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, ms < 10'000 ? "%.2f s" : "%.1f s", double(ms) / 1000.0);
    return buffer;
}

std::string readable_time(Timestamp time) {
    // "2026-11-28T09:00:00Z" -> "2026-11-28 09:00 UTC"
    const std::string iso = format_iso8601(time);
    return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

void join(std::string& out, const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += " · ";
    out += part;
}

}  // namespace

std::string display_title(const Conversation& conversation) {
    return conversation.title.empty() ? "Untitled conversation" : conversation.title;
}

std::vector<std::pair<std::string, std::string>> metadata_rows(const Conversation& c) {
    const ConversationSettings& s = c.settings;
    const SamplingSettings& p = s.sampling;
    std::string sampling = "temperature " + number(p.temperature) + ", top-p " + number(p.top_p);
    sampling += p.top_k > 0 ? ", top-k " + std::to_string(p.top_k) : ", top-k off";
    sampling += p.min_p > 0 ? ", min-p " + number(p.min_p) : ", min-p off";
    sampling += p.seed ? ", seed " + std::to_string(*p.seed) : ", random seed";
    sampling += p.max_output_tokens > 0
                    ? ", at most " + std::to_string(p.max_output_tokens) + " tokens per answer"
                    : ", no answer length limit";
    std::string tools;
    for (const std::string& tool : s.enabled_tools)
        tools += (tools.empty() ? "" : ", ") + tool;
    std::vector<std::pair<std::string, std::string>> rows = {
        {"Model", s.model.empty() ? "(not recorded)" : s.model},
        {"Reasoning effort", std::string(to_string(s.effort))},
        {"Sampling", sampling},
        {"When the context is full", s.context_policy == ContextPolicy::error
                                         ? "stop with an error"
                                         : "drop the oldest messages"},
        {"Tools", tools.empty() ? "none" : tools},
        {"Created", readable_time(c.created_at)},
        {"Updated", readable_time(c.updated_at)},
        {"Conversation id", c.id},
    };
    return rows;
}

std::string answer_summary(const Message& m) {
    std::string out;
    if (m.effort) join(out, std::string(to_string(*m.effort)) + " effort");
    const MessageMetrics& x = m.metrics;
    if (x.completion_tokens) {
        std::string tokens = std::to_string(*x.completion_tokens) + " tokens";
        if (x.reasoning_tokens)
            tokens += " (" + std::to_string(*x.reasoning_tokens) + " reasoning)";
        join(out, tokens);
    }
    if (x.tokens_per_second) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.1f tokens/s", *x.tokens_per_second);
        join(out, buffer);
    }
    if (x.ttft_ms) join(out, "first token after " + seconds(*x.ttft_ms));
    if (x.reasoning_ms) join(out, "thought for " + seconds(*x.reasoning_ms));
    if (x.prompt_tokens) join(out, std::to_string(*x.prompt_tokens) + " prompt tokens");
    return out;
}

std::string state_note(const Message& m) {
    switch (m.state) {
        case MessageState::complete:
            return "";
        case MessageState::generating:
            return "still generating when exported";
        case MessageState::stopped:
            return m.state_detail == "interrupted" ? "interrupted before it finished" : "stopped";
        case MessageState::error:
            return m.state_detail.empty() ? "error" : "error: " + m.state_detail;
    }
    return "";
}

bool is_reasoning(const Message& m) {
    return m.role == MessageRole::assistant && m.channel == "analysis";
}

std::vector<const Message*> visible_messages(const ConversationRecord& record,
                                             const ExportOptions& options) {
    std::unordered_map<MessageId, const Message*> by_id;
    for (const Message& m : record.messages)
        by_id[m.id] = &m;
    const ConversationTree tree(record.messages);
    std::vector<const Message*> shown;
    for (MessageId id : tree.active_path(record.conversation.active_leaf)) {
        const Message* m = by_id.at(id);
        if (!options.reasoning && is_reasoning(*m)) continue;
        const bool tool_traffic = m->role == MessageRole::tool ||
                                  (m->role == MessageRole::assistant && !m->recipient.empty());
        if (!options.tool_calls && tool_traffic) continue;
        shown.push_back(m);
    }
    return shown;
}

std::vector<const ToolCall*> calls_of(const ConversationRecord& record, const Message& message) {
    std::vector<const ToolCall*> calls;
    for (const ToolCall& call : record.tool_calls) {
        if (call.message_id == message.id) calls.push_back(&call);
    }
    return calls;
}

bool has_result_message(const ConversationRecord& record, const Message& call_message) {
    for (const Message& m : record.messages) {
        if (m.role == MessageRole::tool && m.parent_id == call_message.id) return true;
    }
    return false;
}

std::string tool_call_summary(const ToolCall& call) {
    std::string out;
    switch (call.approval) {
        case ToolApproval::pending:
            out = "not approved yet";
            break;
        case ToolApproval::approved_once:
            out = "approved once";
            break;
        case ToolApproval::approved_always:
            out = "always allowed";
            break;
        case ToolApproval::denied:
            out = "denied";
            break;
    }
    if (call.duration_ms) join(out, std::to_string(*call.duration_ms) + " ms");
    if (call.error) join(out, "error: " + *call.error);
    return out;
}

}  // namespace ponder::core
