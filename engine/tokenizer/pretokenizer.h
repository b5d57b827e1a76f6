// Pre-tokenisation: the regex that cuts text into pieces before BPE runs inside each piece
// (docs/gpt-oss.md §5.1). PCRE2 in UTF + UCP mode gives the real Unicode categories (\p{L}, \p{M},
// \p{N}) and the `\s+(?!\S)` look-ahead; JIT-compiled where the platform allows.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ponder {

class PreTokenizer {
  public:
    // The o200k_base / o200k_harmony split pattern.
    static std::string_view o200k_pattern();
    // The GPT-2 pattern, used by tokenizer.json files whose ByteLevel pre-tokenizer has use_regex.
    static std::string_view gpt2_pattern();

    // Compiles `pattern` (tiktoken / Hugging Face syntax). Fails with invalid_argument and PCRE2's
    // message when the pattern does not compile.
    static Result<PreTokenizer> compile(std::string_view pattern);

    const std::string& pattern() const;

    // Walks the pieces of one text. Every byte of the text lands in exactly one piece, in order:
    // bytes no alternative matches (ill-formed UTF-8) become pieces of their own, so encoding
    // never loses input. Borrows the text and the PreTokenizer; one cursor per thread.
    class Cursor {
      public:
        ~Cursor();
        Cursor(Cursor&&) noexcept;
        Cursor& operator=(Cursor&&) = delete;
        // Sets `piece` to the next piece; false at the end of the text.
        bool next(std::string_view& piece);

      private:
        friend class PreTokenizer;
        struct State;
        explicit Cursor(std::unique_ptr<State> state);
        std::unique_ptr<State> state_;
    };

    Cursor pieces(std::string_view text) const;

    struct Compiled;  // PCRE2 code; shared, immutable, safe to use from many threads

  private:
    explicit PreTokenizer(std::shared_ptr<const Compiled> compiled)
        : compiled_(std::move(compiled)) {}
    std::shared_ptr<const Compiled> compiled_;
};

// Rewrites `\s` / `\S` (outside character classes) and `\s` (inside them) as the Unicode
// White_Space set. tiktoken's regex engine means exactly White_Space by `\s`; PCRE2's UCP `\s`
// also matches U+180E, which left alone would split Mongolian text differently.
std::string rewrite_whitespace_escapes(std::string_view pattern);

}  // namespace ponder
