// Token ids -> displayable text while a model generates. One character may span tokens (most
// emoji and many CJK characters do), so text is released only when its characters are complete.
#pragma once

#include <string>

#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/utf8.h"

namespace ponder {

// The concatenated output of push() calls and flush() equals utf8_lossy(decode(ids)) for known
// ids; an unknown id counts as one ill-formed byte (one U+FFFD). Borrows the tokenizer, which must
// outlive it. Not thread-safe; one per generation stream.
class StreamingDetokenizer {
  public:
    explicit StreamingDetokenizer(const Tokenizer& tokenizer) : tokenizer_(&tokenizer) {}

    // Appends the text that `id` completes to `out` (possibly nothing).
    void push(TokenId id, std::string& out);
    std::string push(TokenId id) {
        std::string out;
        push(id, out);
        return out;
    }
    // Ends the stream: an incomplete trailing character becomes U+FFFD. Ready for a new stream.
    void flush(std::string& out) { decoder_.finish(out); }
    std::string flush() {
        std::string out;
        flush(out);
        return out;
    }
    bool has_pending() const { return decoder_.has_pending(); }
    void reset() { decoder_.reset(); }

  private:
    const Tokenizer* tokenizer_;
    Utf8StreamDecoder decoder_;
};

}  // namespace ponder
