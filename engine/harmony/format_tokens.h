// The special tokens that structure harmony text, and their ids in a given tokenizer. The ids are
// looked up by name from the tokenizer's own files (gpt-oss: <|start|> = 200006, ...), never
// hard-coded, so a model with a different vocabulary renders and parses through the same code.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder::harmony {

enum class FormatToken { start, end, message, channel, constrain, return_, call };
inline constexpr std::size_t kFormatTokenCount = 7;

// "<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|constrain|>", "<|return|>", "<|call|>".
std::string_view format_token_text(FormatToken token);

class FormatTokenIds {
  public:
    // Fails with bad_model naming the first format token the tokenizer lacks.
    static Result<FormatTokenIds> lookup(const Tokenizer& tokenizer);

    TokenId id(FormatToken token) const { return ids_[static_cast<std::size_t>(token)]; }
    // Which format token `id` is, if any.
    std::optional<FormatToken> classify(TokenId id) const;
    // Generation stops here (docs/gpt-oss.md §6.5): <|return|> ends the answer, <|call|> a tool
    // call. <|end|> is not a stop token: the model continues with the next message.
    std::array<TokenId, 2> stop_tokens() const {
        return {id(FormatToken::return_), id(FormatToken::call)};
    }

  private:
    std::array<TokenId, kFormatTokenCount> ids_{};
};

}  // namespace ponder::harmony
