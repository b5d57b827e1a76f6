// Renders a Conversation into the exact harmony prompt gpt-oss was trained on
// (docs/gpt-oss.md §6.1-6.6), as token ids for the model or as text for people and tests. Both
// forms come from one walk over the conversation, so decode(render_tokens(c)) == render_text(c).
//
// Rules worth knowing: each text piece (role, " to=R", channel name, content type, content) is
// encoded separately and the format tokens are inserted as single ids; an assistant message with a
// recipient ends in <|call|>, every other message in <|end|> (so a final answer generated with
// <|return|> is stored and re-rendered with <|end|>); the system message gets the "Calls to these
// tools…" line only when the developer message defines function tools.
#pragma once

#include <string>
#include <vector>

#include "engine/harmony/conversation.h"
#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder::harmony {

struct RenderOptions {
    // When the last assistant message is on the final channel, leave out every analysis message
    // that comes before the first final-channel message (harmony's rule, docs/gpt-oss.md §6.6): a
    // finished turn's chain of thought is not shown to the model again; a tool-call chain in
    // progress keeps it.
    bool auto_drop_analysis = true;
};

// The history alone. Fails with invalid_argument when a tool message has no name.
Result<std::string> render_text(const Conversation& conversation,
                                const RenderOptions& options = {});
Result<std::vector<TokenId>> render_tokens(const Tokenizer& tokenizer,
                                           const Conversation& conversation,
                                           const RenderOptions& options = {});

// The prompt for generating the next assistant turn: the history + "<|start|>assistant".
// The token form also fails with bad_model when the tokenizer lacks a harmony format token.
Result<std::string> render_prompt_text(const Conversation& conversation,
                                       const RenderOptions& options = {});
Result<std::vector<TokenId>> render_prompt_tokens(const Tokenizer& tokenizer,
                                                  const Conversation& conversation,
                                                  const RenderOptions& options = {});

// The system and developer message texts (between <|message|> and <|end|>), exposed for tests
// and for showing the user what the model is told.
std::string system_message_text(const SystemContent& system, bool has_function_tools);
std::string developer_message_text(const DeveloperContent& developer);

}  // namespace ponder::harmony
