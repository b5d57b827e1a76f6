// UTF-8 repair for streamed bytes. Token boundaries do not respect character boundaries (one emoji
// is often two tokens), so text shown while generating must hold back an incomplete character until
// its last byte arrives, and bytes that can never form a character become U+FFFD.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ponder {

// Turns a byte stream into valid UTF-8, chunk by chunk. The concatenated output of push() calls
// plus finish() equals utf8_lossy() of the concatenated input, however the input is split: each
// maximal ill-formed subsequence becomes one U+FFFD (the Unicode/WHATWG "maximal subpart" rule, as
// Rust's from_utf8_lossy). An incomplete character at the end of a chunk is held back, never
// replaced, until the stream ends; a byte that can no longer start or continue a character is
// replaced at once (no later byte could make it valid). Not thread-safe.
class Utf8StreamDecoder {
  public:
    // Appends the text that `bytes` completes to `out`.
    void push(std::string_view bytes, std::string& out);
    // Ends the stream: a held-back incomplete character becomes U+FFFD. The decoder is then empty.
    void finish(std::string& out);
    bool has_pending() const { return pending_size_ > 0; }
    void reset() { pending_size_ = 0; }

  private:
    std::array<char, 4> pending_{};  // bytes of the character being assembled
    std::uint8_t pending_size_ = 0;
    std::uint8_t remaining_ = 0;    // continuation bytes still expected
    std::uint8_t next_low_ = 0x80;  // allowed range of the next continuation byte
    std::uint8_t next_high_ = 0xBF;
};

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// `bytes` with every ill-formed subsequence replaced by U+FFFD.
std::string utf8_lossy(std::string_view bytes);

bool is_valid_utf8(std::string_view bytes);

// Appends the UTF-8 encoding of `code_point` (<= U+10FFFF, not a surrogate).
void append_utf8(std::string& out, char32_t code_point);

}  // namespace ponder
