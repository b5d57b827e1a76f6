// The tokenizer: text <-> token ids with tiktoken semantics (o200k_harmony for gpt-oss,
// docs/gpt-oss.md §5), plus the added/special tokens of the model's own files. Special-token ids
// always come from the files and are looked up by their text (`token_id("<|start|>")`), so a
// model with its own small vocabulary works through the same code.
//
// Loaders: engine/tokenizer/tiktoken_file.h (.tiktoken rank files), hf_tokenizer_json.h
// (tokenizer.json), o200k_harmony.h (the shipped vocabulary and the per-model choice).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/status.h"
#include "engine/tokenizer/bpe.h"
#include "engine/tokenizer/pretokenizer.h"

namespace ponder {

using TokenId = std::int32_t;

// A token matched as a whole in text before pre-tokenisation, e.g. "<|start|>".
struct AddedToken {
    std::string text;
    TokenId id = 0;
    // true: recognised only by encode_with_special() (all harmony tokens);
    // false: recognised by both encoders (Hugging Face "added" tokens that are not special).
    bool special = true;
};

// Immutable once built: every const member is safe to call from many threads at once.
// Move-only, because the tables are megabytes; share one instance (e.g. through the Model).
class Tokenizer {
  public:
    // `ranked_bytes`: the BPE vocabulary, byte string -> rank (= token id). Every single byte must
    // be present; byte strings and ids must be unique; ids in [0, 2^24). `added` tokens need
    // distinct texts, and ids not used by the vocabulary unless that entry has the same bytes.
    // `split_pattern`: the pre-tokenisation regex. `source` names the file(s) in messages.
    static Result<Tokenizer> create(std::vector<std::pair<std::string, TokenId>> ranked_bytes,
                                    std::vector<AddedToken> added, std::string_view split_pattern,
                                    std::string source);

    Tokenizer(Tokenizer&&) noexcept = default;
    Tokenizer& operator=(Tokenizer&&) noexcept = default;
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    // Ordinary encoding: special-token text such as "<|start|>" is encoded as plain text (what
    // user-typed text and every rendered text piece need). Appends to `out`. Never fails: bytes
    // that are not UTF-8 are encoded byte-wise, so decode(encode(x)) == x for any bytes.
    void encode(std::string_view text, std::vector<TokenId>& out) const;
    std::vector<TokenId> encode(std::string_view text) const;

    // Encoding that turns the text of every added token (special or not) into its single id.
    void encode_with_special(std::string_view text, std::vector<TokenId>& out) const;
    std::vector<TokenId> encode_with_special(std::string_view text) const;

    // The id of an added token by its text ("<|start|>" -> 200006 for gpt-oss); nullopt if the
    // tokenizer has no such token.
    std::optional<TokenId> token_id(std::string_view added_token_text) const;
    bool is_added(TokenId id) const;
    bool is_special(TokenId id) const;

    // The bytes of one token (an added token's bytes are its text); nullopt for an unknown id.
    std::optional<std::string_view> token_bytes(TokenId id) const;
    // The bytes of a token sequence. Fails with invalid_argument naming the first unknown id.
    Result<std::string> decode(std::span<const TokenId> ids) const;

    // One past the largest id (201088 for gpt-oss's .tiktoken default, 200019 for its
    // tokenizer.json); some ids below it may be unused.
    TokenId id_limit() const { return static_cast<TokenId>(slots_.size()); }
    std::size_t vocabulary_size() const { return ranks_.size(); }
    const std::vector<AddedToken>& added_tokens() const { return added_; }
    const PreTokenizer& pre_tokenizer() const { return pre_tokenizer_; }
    // Where the tokenizer came from, for messages ("…/tokenizer.json").
    const std::string& source() const { return source_; }

  private:
    enum class Kind : std::uint8_t { unused, vocabulary, added, special };  // special: added too
    struct Slot {
        std::uint32_t offset = 0;  // into bytes_
        std::uint32_t length = 0;
        Kind kind = Kind::unused;
    };
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    explicit Tokenizer(PreTokenizer pre_tokenizer) : pre_tokenizer_(std::move(pre_tokenizer)) {}
    void encode_splitting_added(std::string_view text, bool include_special,
                                std::vector<TokenId>& out) const;

    RankTable ranks_;
    PreTokenizer pre_tokenizer_;
    std::vector<Slot> slots_;  // [id_limit]
    std::string bytes_;        // every token's bytes, back to back
    std::vector<AddedToken> added_;
    std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> added_by_text_;
    std::vector<std::size_t> added_lengths_;  // distinct added-token text lengths, longest first
    std::array<bool, 256> added_first_byte_{};
    bool has_plain_added_ = false;  // any added token with special == false
    std::string source_;
};

}  // namespace ponder
