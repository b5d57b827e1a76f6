// The visible branch of a conversation as people read it: each user message is one row, and
// everything the assistant did in reply (reasoning, tool calls and their results, the answer)
// is one answer row. Qt-free so the grouping is tested without a window; the desktop app's
// message model shows these rows and the CLI's `history show` prints them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/core/storage/history_types.h"

namespace ponder::core {

struct TranscriptToolCall {
    MessageId call_message = 0;     // the assistant message that called
    std::optional<ToolCallId> row;  // the stored call (approval, timing), when recorded
    std::string tool;               // e.g. "functions.calculator"
    std::string arguments;
    std::string status;  // "pending", "running", "done", "failed", "denied"
    std::string result;  // as the model read it
    std::string error;
    std::int64_t duration_ms = 0;
};

struct TranscriptRow {
    enum class Kind { user, answer };
    Kind kind = Kind::user;
    MessageId first_message = 0;  // user: the message; answer: its first message (sibling anchor)
    MessageId last_message = 0;
    std::string text;       // user text, or the answer (final channel)
    std::string reasoning;  // answer: the analysis channel, messages joined by blank lines
    std::int64_t reasoning_tokens = 0;
    std::int64_t reasoning_ms = 0;
    std::vector<TranscriptToolCall> tool_calls;
    MessageState state = MessageState::complete;  // answer: of its last message
    std::string state_detail;
    std::optional<ReasoningEffort> effort;
    MessageMetrics metrics;         // answer: of the message carrying the turn's totals
    std::size_t sibling_index = 0;  // position among alternatives (regenerate / edit)
    std::size_t sibling_count = 1;
};

// Rows of the branch `path` (root first) of `record`.
std::vector<TranscriptRow> build_transcript(const ConversationRecord& record,
                                            const std::vector<MessageId>& path);

// "high effort · 212 tokens · 38.5 tok/s · 5.2 s" (parts that are unknown are left out).
std::string answer_footer(const TranscriptRow& row);

}  // namespace ponder::core
