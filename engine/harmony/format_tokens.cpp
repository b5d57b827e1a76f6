#include "engine/harmony/format_tokens.h"

namespace ponder::harmony {
namespace {

constexpr std::array<std::string_view, kFormatTokenCount> kTexts = {
    "<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|constrain|>", "<|return|>", "<|call|>",
};

}  // namespace

std::string_view format_token_text(FormatToken token) {
    return kTexts[static_cast<std::size_t>(token)];
}

Result<FormatTokenIds> FormatTokenIds::lookup(const Tokenizer& tokenizer) {
    FormatTokenIds ids;
    for (std::size_t i = 0; i < kFormatTokenCount; ++i) {
        auto id = tokenizer.token_id(kTexts[i]);
        if (!id) {
            return Status(StatusCode::bad_model, tokenizer.source() + " has no " +
                                                     std::string(kTexts[i]) +
                                                     " token, which the harmony chat format needs");
        }
        ids.ids_[i] = *id;
    }
    return ids;
}

std::optional<FormatToken> FormatTokenIds::classify(TokenId id) const {
    for (std::size_t i = 0; i < kFormatTokenCount; ++i) {
        if (ids_[i] == id) return static_cast<FormatToken>(i);
    }
    return std::nullopt;
}

}  // namespace ponder::harmony
