// What the readable exports (Markdown, HTML) say about a conversation, as plain text: the
// metadata header, the one-line summary under an answer, and which messages are shown. Each
// exporter escapes these for its own format.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/core/storage/history_types.h"

namespace ponder::core {

struct ExportOptions {
    bool reasoning = true;   // include analysis-channel messages (the chain of thought)
    bool tool_calls = true;  // include tool calls and their results
};

// The title, or "Untitled conversation".
std::string display_title(const Conversation& conversation);

// ("Model", "gpt-oss-20b"), ("Reasoning effort", "high"), ("Sampling", "temperature 1, ..."), ...
std::vector<std::pair<std::string, std::string>> metadata_rows(const Conversation& conversation);

// "high effort · 312 tokens (120 reasoning) · 45.1 tokens/s · first token after 1.20 s ·
// thought for 3.4 s"; "" when the message has neither effort nor metrics.
std::string answer_summary(const Message& message);

// "" for a complete message; "stopped", "interrupted before it finished" or "error: ...".
std::string state_note(const Message& message);

// The branch the user sees (root to active leaf), filtered by `options`.
std::vector<const Message*> visible_messages(const ConversationRecord& record,
                                             const ExportOptions& options);

// Tool calls made by `message`, in order.
std::vector<const ToolCall*> calls_of(const ConversationRecord& record, const Message& message);

// Whether a tool message answers `call_message` (is its child). When none does, exports show the
// result stored with the tool call instead.
bool has_result_message(const ConversationRecord& record, const Message& call_message);

// "approved once · 120 ms" for a tool call.
std::string tool_call_summary(const ToolCall& call);

// "analysis" reasoning, "commentary" tool preamble/call, "final" answer.
bool is_reasoning(const Message& message);

}  // namespace ponder::core
