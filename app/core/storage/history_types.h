// The records of the chat history: conversations, messages (a branch tree) and tool calls, as
// plain values. The HistoryStore reads and writes them; export/import converts them to files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponder::core {

// Milliseconds since the Unix epoch, UTC. Stored as an integer so ordering and arithmetic are
// exact.
using Timestamp = std::int64_t;
// A message's row id: unique in one database, assigned by the store, never reused after purge.
using MessageId = std::int64_t;
using ToolCallId = std::int64_t;

enum class ReasoningEffort { low, medium, high };
enum class ContextPolicy { error, drop_oldest };  // what a turn does when the context is full
enum class MessageRole { system, developer, user, assistant, tool };
// `generating` while tokens stream in; `stopped` when the user pressed Stop or the app closed
// before the answer finished (state_detail says which); `error` when generation failed.
enum class MessageState { complete, stopped, error, generating };
enum class ToolApproval { pending, approved_once, approved_always, denied };

// The names used in the database and in exported files ("low", "drop_oldest", ...).
std::string_view to_string(ReasoningEffort effort);
std::string_view to_string(ContextPolicy policy);
std::string_view to_string(MessageRole role);
std::string_view to_string(MessageState state);
std::string_view to_string(ToolApproval approval);
// The inverse; nullopt for an unknown name.
std::optional<ReasoningEffort> parse_reasoning_effort(std::string_view text);
std::optional<ContextPolicy> parse_context_policy(std::string_view text);
std::optional<MessageRole> parse_message_role(std::string_view text);
std::optional<MessageState> parse_message_state(std::string_view text);
std::optional<ToolApproval> parse_tool_approval(std::string_view text);

// Sampler settings of one conversation. gpt-oss is meant to be sampled at temperature 1, top_p 1.
struct SamplingSettings {
    double temperature = 1.0;
    double top_p = 1.0;
    std::int64_t top_k = 0;              // 0: off
    double min_p = 0.0;                  // 0: off
    std::optional<std::int64_t> seed;    // none: a fresh seed per answer
    std::int64_t max_output_tokens = 0;  // 0: until the context is full
    bool operator==(const SamplingSettings&) const = default;
};

// Everything that shapes the prompt of a conversation; travels with the conversation (export).
struct ConversationSettings {
    std::string model;  // the model folder name used last, e.g. "gpt-oss-20b"
    ReasoningEffort effort = ReasoningEffort::medium;
    std::string developer_instructions;
    SamplingSettings sampling;
    ContextPolicy context_policy = ContextPolicy::error;
    std::vector<std::string> enabled_tools;  // e.g. {"python", "functions.get_temp"}
    bool operator==(const ConversationSettings&) const = default;
};

struct Conversation {
    std::string id;  // stable UUID (text), never reused
    std::string title;
    Timestamp created_at = 0;
    Timestamp updated_at = 0;  // last change to the title, settings or messages
    bool pinned = false;
    std::optional<Timestamp> deleted_at;  // set while in the trash (soft delete, restorable)
    ConversationSettings settings;
    std::optional<MessageId> active_leaf;  // the last message of the branch the user sees
    bool operator==(const Conversation&) const = default;
};

// Measurements of one generated answer; unset where not measured.
struct MessageMetrics {
    std::optional<std::int64_t> prompt_tokens;
    std::optional<std::int64_t> completion_tokens;
    std::optional<std::int64_t> reasoning_tokens;
    std::optional<std::int64_t> ttft_ms;       // time to first token
    std::optional<std::int64_t> reasoning_ms;  // time spent on the analysis channel
    std::optional<double> tokens_per_second;
    bool empty() const;
    bool operator==(const MessageMetrics&) const = default;
};

// One harmony message. An empty author_name/channel/recipient/content_type means "none" (NULL).
struct Message {
    MessageId id = 0;
    std::optional<MessageId> parent_id;  // none: a root. Siblings share a parent (regenerate, edit)
    MessageRole role = MessageRole::user;
    std::string author_name;   // for role tool: the tool, e.g. "functions.get_temp"
    std::string channel;       // analysis | commentary | final
    std::string recipient;     // e.g. "functions.get_temp" on a tool call
    std::string content_type;  // e.g. "<|constrain|>json"
    std::string text;          // valid UTF-8 (the store repairs invalid input)
    MessageState state = MessageState::complete;
    std::string state_detail;  // why stopped/error: the error message, or "interrupted"
    Timestamp created_at = 0;
    std::optional<ReasoningEffort> effort;  // assistant: the effort this answer was generated with
    MessageMetrics metrics;
    bool operator==(const Message&) const = default;
};

// A new message for HistoryStore::append_message / start_stream. `parent` must be a message of
// the same conversation (or none for a first message); created_at none means "now".
struct NewMessage {
    std::optional<MessageId> parent;
    MessageRole role = MessageRole::user;
    std::string author_name;
    std::string channel;
    std::string recipient;
    std::string content_type;
    std::string text;
    MessageState state = MessageState::complete;
    std::string state_detail;
    std::optional<Timestamp> created_at;
    std::optional<ReasoningEffort> effort;
    MessageMetrics metrics;
};

// A tool call made by an assistant message, with the user's approval and the complete result.
struct ToolCall {
    ToolCallId id = 0;
    MessageId message_id = 0;  // the assistant message that made the call
    std::string tool_name;     // e.g. "functions.get_temp", "python"
    std::string arguments;     // as the model wrote it (usually JSON; kept even when malformed)
    ToolApproval approval = ToolApproval::pending;
    std::optional<std::string> result;  // the complete output, once finished
    std::optional<std::string> error;   // why the call failed (denied, crashed, interrupted, ...)
    std::optional<Timestamp> started_at;
    std::optional<Timestamp> finished_at;
    std::optional<std::int64_t> duration_ms;
    bool operator==(const ToolCall&) const = default;
};

// A whole conversation as loaded from the store, or as read from an export file.
struct ConversationRecord {
    Conversation conversation;
    std::vector<Message> messages;     // creation order (ascending id)
    std::vector<ToolCall> tool_calls;  // creation order
};

}  // namespace ponder::core
