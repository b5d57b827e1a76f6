#include "app/core/chat/transcript.h"

#include <cstdio>
#include <unordered_map>

#include "app/core/storage/conversation_tree.h"

namespace ponder::core {
namespace {

std::string call_status(const ToolCall& call) {
    if (call.approval == ToolApproval::denied) return "denied";
    if (call.error) return "failed";
    if (call.finished_at) return "done";
    if (call.started_at) return "running";
    return "pending";
}

void append_paragraph(std::string& to, const std::string& text) {
    if (!to.empty() && !text.empty()) to += "\n\n";
    to += text;
}

}  // namespace

std::vector<TranscriptRow> build_transcript(const ConversationRecord& record,
                                            const std::vector<MessageId>& path) {
    std::unordered_map<MessageId, const Message*> messages;
    for (const Message& message : record.messages)
        messages[message.id] = &message;
    std::unordered_map<MessageId, const ToolCall*> calls;  // by the calling message
    for (const ToolCall& call : record.tool_calls)
        calls[call.message_id] = &call;
    const ConversationTree tree(record.messages);

    std::vector<TranscriptRow> rows;
    auto set_siblings = [&](TranscriptRow& row) {
        if (auto siblings = tree.siblings(row.first_message)) {
            row.sibling_index = siblings->index;
            row.sibling_count = siblings->ids.size();
        }
    };
    for (MessageId id : path) {
        auto found = messages.find(id);
        if (found == messages.end()) continue;
        const Message& message = *found->second;
        if (message.role == MessageRole::user) {
            TranscriptRow row;
            row.kind = TranscriptRow::Kind::user;
            row.first_message = row.last_message = id;
            row.text = message.text;
            row.state = message.state;
            set_siblings(row);
            rows.push_back(std::move(row));
            continue;
        }
        if (message.role == MessageRole::system || message.role == MessageRole::developer) continue;
        if (rows.empty() || rows.back().kind != TranscriptRow::Kind::answer) {
            TranscriptRow row;
            row.kind = TranscriptRow::Kind::answer;
            row.first_message = id;
            set_siblings(row);
            rows.push_back(std::move(row));
        }
        TranscriptRow& answer = rows.back();
        answer.last_message = id;
        answer.state = message.state;
        answer.state_detail = message.state_detail;
        if (message.effort) answer.effort = message.effort;

        if (message.role == MessageRole::tool) {
            // The result of the latest call to this tool that has none yet.
            for (auto it = answer.tool_calls.rbegin(); it != answer.tool_calls.rend(); ++it) {
                if (it->tool == message.author_name && it->result.empty()) {
                    it->result = message.text;
                    break;
                }
            }
            continue;
        }
        if (!message.recipient.empty() && message.recipient != "assistant") {
            TranscriptToolCall call;
            call.call_message = id;
            call.tool = message.recipient;
            call.arguments = message.text;
            call.status = "pending";
            if (auto stored = calls.find(id); stored != calls.end()) {
                const ToolCall& row = *stored->second;
                call.row = row.id;
                call.status = call_status(row);
                call.error = row.error.value_or("");
                call.duration_ms = row.duration_ms.value_or(0);
            }
            answer.tool_calls.push_back(std::move(call));
            continue;
        }
        if (message.channel == "analysis") {
            append_paragraph(answer.reasoning, message.text);
            answer.reasoning_tokens += message.metrics.completion_tokens.value_or(0);
        } else if (message.state == MessageState::error && message.channel.empty()) {
            // Malformed output: shown as part of the answer so nothing is hidden.
            append_paragraph(answer.text, message.text);
        } else {
            append_paragraph(answer.text, message.text);
        }
        if (!message.metrics.empty() && message.channel == "final") {
            answer.metrics = message.metrics;
            if (message.metrics.reasoning_tokens)
                answer.reasoning_tokens = *message.metrics.reasoning_tokens;
            if (message.metrics.reasoning_ms) answer.reasoning_ms = *message.metrics.reasoning_ms;
        }
    }
    return rows;
}

std::string answer_footer(const TranscriptRow& row) {
    std::string footer;
    auto add = [&](const std::string& part) {
        if (!footer.empty()) footer += " · ";
        footer += part;
    };
    if (row.effort) add(std::string(to_string(*row.effort)) + " effort");
    if (row.metrics.completion_tokens)
        add(std::to_string(*row.metrics.completion_tokens) + " tokens");
    char buffer[64];
    if (row.metrics.tokens_per_second) {
        std::snprintf(buffer, sizeof(buffer), "%.1f tok/s", *row.metrics.tokens_per_second);
        add(buffer);
    }
    if (row.metrics.ttft_ms && row.metrics.tokens_per_second && row.metrics.completion_tokens &&
        *row.metrics.tokens_per_second > 0) {
        const double seconds =
            static_cast<double>(*row.metrics.ttft_ms) / 1000.0 +
            static_cast<double>(*row.metrics.completion_tokens) / *row.metrics.tokens_per_second;
        std::snprintf(buffer, sizeof(buffer), "%.1f s", seconds);
        add(buffer);
    }
    return footer;
}

}  // namespace ponder::core
