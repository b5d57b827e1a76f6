#include "engine/tokenizer/streaming_detokenizer.h"

namespace ponder {

void StreamingDetokenizer::push(TokenId id, std::string& out) {
    if (auto bytes = tokenizer_->token_bytes(id)) {
        decoder_.push(*bytes, out);
    } else {
        // 0xFF never occurs in UTF-8: it ends a pending character and becomes one U+FFFD.
        decoder_.push("\xFF", out);
    }
}

}  // namespace ponder
