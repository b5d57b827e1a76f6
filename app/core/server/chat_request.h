// POST /v1/chat/completions: the request body, checked field by field, and how it becomes the
// harmony prompt of the chat core (app/core/chat/prompt_builder.h), the same prompt the desktop
// app and `ponder-cli chat` build for the same conversation.
//
// OpenAI -> harmony (docs/gpt-oss.md has the format):
//   system and developer messages     -> the developer message's instructions, joined
//   user                               -> user
//   assistant content                  -> assistant, final channel
//   assistant reasoning/reasoning_content (kept only before tool calls, as gpt-oss expects)
//                                      -> assistant, analysis channel
//   assistant tool_calls[i]            -> assistant to functions.NAME, commentary channel, json
//   tool (tool_call_id)                -> tool functions.NAME (found through the call's id)
//   tools[].function                   -> the developer message's function tools
//   reasoning_effort                   -> the system message's "Reasoning: low|medium|high"
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/core/chat/prompt_builder.h"
#include "app/core/server/api_error.h"
#include "engine/harmony/conversation.h"

namespace ponder::core::server {

struct ChatCompletionRequest {
    std::string model;
    bool stream = false;
    bool include_usage_in_stream = false;    // stream_options.include_usage
    PromptInputs prompt;                     // path, instructions, tools, effort (identity: caller)
    std::optional<ReasoningEffort> effort;   // reasoning_effort; none: the model's default
    std::optional<std::int64_t> max_tokens;  // max_completion_tokens or max_tokens
    std::optional<double> temperature;
    std::optional<double> top_p;
    std::optional<std::int64_t> seed;
    std::vector<std::string> stop;  // at most 4 non-empty strings
};

// Parses and checks a request body. Every error names the field (`param`) and says what was
// expected; unknown fields are refused, as OpenAI does, so a typo is not silently ignored.
std::variant<ChatCompletionRequest, ApiError> parse_chat_request(const std::string& body);

}  // namespace ponder::core::server
