// Parsing the header of a harmony message, the text between <|start|> and <|message|>
// (docs/gpt-oss.md §6.7), leniently: models put the recipient before or after the channel, glue
// <|constrain|> to the recipient, or leave the channel out, and tool messages are authored by a
// tool name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/harmony/conversation.h"

namespace ponder::harmony {

struct ParsedHeader {
    Message header;          // role, name, recipient, channel, content type; text empty
    bool role_found = true;  // false: no known role and no word to take one from
    std::string problem;     // non-empty when part of the header could not be placed
};

// `text` is the decoded header with <|channel|> / <|constrain|> spelled out, e.g.
// "assistant<|channel|>commentary to=functions.f <|constrain|>json". `known_role` is the role the
// prompt already wrote (after "<|start|>assistant"); otherwise the first word names the author: a
// role ("user", "assistant:bob" with a name) or, for tool messages, the tool ("browser.search").
// The channel is the word after <|channel|>; of the remaining words the last is a content type
// unless it is "to=R" or the only word (a bare recipient), and a word before a content type is the
// recipient. Anything left over is reported in `problem`.
ParsedHeader parse_header(std::string_view text, std::optional<Role> known_role);

// A message the model ended (<|end|> etc.) without ever writing <|message|>: the author and channel
// come from the start of `text`, everything after them is content (harmony's non-strict parsing).
struct HeaderlessMessage {
    Message message;  // text = the recovered content
    bool role_found = true;
};
HeaderlessMessage recover_headerless_message(std::string_view text, std::optional<Role> known_role);

}  // namespace ponder::harmony
