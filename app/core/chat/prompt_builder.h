// Builds the harmony conversation a turn sends to the model from what the history stores
// (docs/architecture.md §6): the system message carries the conversation's reasoning effort,
// today's date and the model's identity; the developer message its instructions and enabled
// function tools; then the messages of the visible branch, each with its stored role, channel and
// recipient.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/core/storage/history_types.h"
#include "engine/harmony/conversation.h"

namespace ponder::core {

// What the model folder says about itself (ponder.json next to config.json, optional).
struct ModelIdentity {
    std::string display_name;      // e.g. "gpt-oss-20b"; the folder name when not given
    std::string model_identity;    // first line of the system message; harmony's default when empty
    std::string knowledge_cutoff;  // "2024-06" when empty
    std::string description;       // shown to the user (e.g. what a demo model can do)
    // What a new conversation with this model samples with ("recommended_sampling"): gpt-oss's
    // temperature 1 and top-p 1 unless the folder says otherwise. The tiny demo model asks for
    // greedy decoding, the way it was evaluated: at temperature 1 it answered "What is 23 + 19?"
    // wrong in 2 of 7 runs.
    SamplingSettings recommended_sampling;
};

struct PromptInputs {
    ConversationSettings settings;
    std::vector<Message> path;  // the visible branch, root first
    ModelIdentity identity;
    std::string current_date;                           // "YYYY-MM-DD"; the user's local date
    std::vector<harmony::FunctionTool> function_tools;  // the enabled tools' definitions
};

// Stored messages that are not part of the prompt: answers that failed (state error) and the
// one still being generated. Stopped answers stay: the user saw them, and so does the model.
bool belongs_in_prompt(const Message& message);

harmony::ReasoningEffort to_harmony(ReasoningEffort effort);
std::optional<harmony::Role> to_harmony(MessageRole role);

// The harmony conversation for the next assistant turn.
harmony::Conversation build_prompt_conversation(const PromptInputs& inputs);

// Today's date in the local time zone, "YYYY-MM-DD".
std::string local_date_today();

}  // namespace ponder::core
