#include "engine/tokenizer/tokenizer.h"

#include <algorithm>

namespace ponder {
namespace {

constexpr TokenId kMaxTokenId = TokenId(1) << 24;  // refuses absurd ids before allocating for them

}  // namespace

Result<Tokenizer> Tokenizer::create(std::vector<std::pair<std::string, TokenId>> ranked_bytes,
                                    std::vector<AddedToken> added, std::string_view split_pattern,
                                    std::string source) {
    auto pre_tokenizer = PreTokenizer::compile(split_pattern);
    if (!pre_tokenizer) {
        return Status(StatusCode::bad_model, source + ": " + pre_tokenizer.status().message());
    }
    Tokenizer tokenizer(std::move(*pre_tokenizer));
    tokenizer.source_ = std::move(source);
    const std::string& where = tokenizer.source_;

    TokenId limit = 0;
    std::size_t total_bytes = 0;
    for (const auto& [bytes, id] : ranked_bytes) {
        if (id < 0 || id >= kMaxTokenId) {
            return Status(StatusCode::bad_model,
                          where + ": token id " + std::to_string(id) + " is outside [0, 2^24)");
        }
        if (bytes.size() > RankTable::kMaxKeyLength) {
            return Status(StatusCode::bad_model,
                          where + ": token " + std::to_string(id) + " is longer than 255 bytes");
        }
        if (bytes.empty()) {
            return Status(StatusCode::bad_model,
                          where + ": token " + std::to_string(id) + " has no bytes");
        }
        limit = std::max(limit, id + 1);
        total_bytes += bytes.size();
    }
    for (const AddedToken& token : added) {
        if (token.id < 0 || token.id >= kMaxTokenId || token.text.empty()) {
            return Status(StatusCode::bad_model,
                          where + ": added token '" + token.text + "' has id " +
                              std::to_string(token.id) +
                              " (expected a non-empty text and an id in [0, 2^24))");
        }
        limit = std::max(limit, token.id + 1);
        total_bytes += token.text.size();
    }

    tokenizer.slots_.assign(static_cast<std::size_t>(limit), Slot{});
    tokenizer.bytes_.reserve(total_bytes);
    tokenizer.ranks_.reserve(ranked_bytes.size(), total_bytes);
    for (const auto& [bytes, id] : ranked_bytes) {
        Slot& slot = tokenizer.slots_[static_cast<std::size_t>(id)];
        if (slot.kind != Kind::unused) {
            return Status(StatusCode::bad_model,
                          where + ": token id " + std::to_string(id) + " appears twice");
        }
        if (!tokenizer.ranks_.insert(bytes, static_cast<Rank>(id))) {
            return Status(StatusCode::bad_model, where + ": the bytes of token " +
                                                     std::to_string(id) + " appear under two ids");
        }
        slot = {static_cast<std::uint32_t>(tokenizer.bytes_.size()),
                static_cast<std::uint32_t>(bytes.size()), Kind::vocabulary};
        tokenizer.bytes_ += bytes;
    }
    // BPE starts from single bytes; a missing one would leave text that cannot be encoded.
    for (int byte = 0; byte < 256; ++byte) {
        if (tokenizer.ranks_.find(std::string(1, static_cast<char>(byte))) == kNoRank) {
            return Status(StatusCode::bad_model,
                          where + ": the vocabulary has no token for byte 0x" +
                              "0123456789ABCDEF"[byte >> 4] + "0123456789ABCDEF"[byte & 15] +
                              " (byte-level BPE needs all 256)");
        }
    }
    for (AddedToken& token : added) {
        Slot& slot = tokenizer.slots_[static_cast<std::size_t>(token.id)];
        const Kind kind = token.special ? Kind::special : Kind::added;
        if (slot.kind == Kind::vocabulary) {
            // Hugging Face lets an added token reuse a vocabulary entry with the same bytes.
            const std::string_view existing(tokenizer.bytes_.data() + slot.offset, slot.length);
            if (existing != token.text) {
                return Status(StatusCode::bad_model,
                              where + ": added token '" + token.text + "' has id " +
                                  std::to_string(token.id) +
                                  ", which the vocabulary uses for other bytes");
            }
            slot.kind = kind;
        } else if (slot.kind != Kind::unused) {
            return Status(StatusCode::bad_model, where + ": token id " + std::to_string(token.id) +
                                                     " is given to two added tokens");
        } else {
            slot = {static_cast<std::uint32_t>(tokenizer.bytes_.size()),
                    static_cast<std::uint32_t>(token.text.size()), kind};
            tokenizer.bytes_ += token.text;
        }
        if (!tokenizer.added_by_text_.emplace(token.text, token.id).second) {
            return Status(StatusCode::bad_model,
                          where + ": added token '" + token.text + "' appears twice");
        }
        tokenizer.added_first_byte_[static_cast<unsigned char>(token.text[0])] = true;
        if (std::find(tokenizer.added_lengths_.begin(), tokenizer.added_lengths_.end(),
                      token.text.size()) == tokenizer.added_lengths_.end()) {
            tokenizer.added_lengths_.push_back(token.text.size());
        }
        tokenizer.has_plain_added_ = tokenizer.has_plain_added_ || !token.special;
    }
    std::sort(tokenizer.added_lengths_.rbegin(), tokenizer.added_lengths_.rend());
    tokenizer.added_ = std::move(added);
    return tokenizer;
}

void Tokenizer::encode(std::string_view text, std::vector<TokenId>& out) const {
    if (has_plain_added_) {
        encode_splitting_added(text, /*include_special=*/false, out);
        return;
    }
    auto cursor = pre_tokenizer_.pieces(text);
    std::string_view piece;
    while (cursor.next(piece))
        bpe_encode_piece(ranks_, piece, out);
}

std::vector<TokenId> Tokenizer::encode(std::string_view text) const {
    std::vector<TokenId> out;
    out.reserve(text.size() / 3 + 1);
    encode(text, out);
    return out;
}

void Tokenizer::encode_with_special(std::string_view text, std::vector<TokenId>& out) const {
    encode_splitting_added(text, /*include_special=*/true, out);
}

std::vector<TokenId> Tokenizer::encode_with_special(std::string_view text) const {
    std::vector<TokenId> out;
    out.reserve(text.size() / 3 + 1);
    encode_with_special(text, out);
    return out;
}

// Finds added tokens left to right (the longest one where several start at the same byte) and
// BPE-encodes the text between them, as tiktoken does with its allowed special tokens.
void Tokenizer::encode_splitting_added(std::string_view text, bool include_special,
                                       std::vector<TokenId>& out) const {
    auto encode_plain = [&](std::string_view plain) {
        auto cursor = pre_tokenizer_.pieces(plain);
        std::string_view piece;
        while (cursor.next(piece))
            bpe_encode_piece(ranks_, piece, out);
    };
    std::size_t segment_start = 0;
    std::size_t position = 0;
    while (position < text.size()) {
        if (!added_first_byte_[static_cast<unsigned char>(text[position])]) {
            ++position;
            continue;
        }
        bool matched = false;
        for (std::size_t length : added_lengths_) {
            if (position + length > text.size()) continue;
            auto it = added_by_text_.find(text.substr(position, length));
            if (it == added_by_text_.end()) continue;
            if (!include_special &&
                slots_[static_cast<std::size_t>(it->second)].kind == Kind::special)
                continue;
            if (position > segment_start)
                encode_plain(text.substr(segment_start, position - segment_start));
            out.push_back(it->second);
            position += length;
            segment_start = position;
            matched = true;
            break;
        }
        if (!matched) ++position;
    }
    if (segment_start < text.size()) encode_plain(text.substr(segment_start));
}

std::optional<TokenId> Tokenizer::token_id(std::string_view added_token_text) const {
    auto it = added_by_text_.find(added_token_text);
    if (it == added_by_text_.end()) return std::nullopt;
    return it->second;
}

bool Tokenizer::is_added(TokenId id) const {
    return id >= 0 && id < id_limit() && slots_[static_cast<std::size_t>(id)].kind >= Kind::added;
}

bool Tokenizer::is_special(TokenId id) const {
    return id >= 0 && id < id_limit() && slots_[static_cast<std::size_t>(id)].kind == Kind::special;
}

std::optional<std::string_view> Tokenizer::token_bytes(TokenId id) const {
    if (id < 0 || id >= id_limit()) return std::nullopt;
    const Slot& slot = slots_[static_cast<std::size_t>(id)];
    if (slot.kind == Kind::unused) return std::nullopt;
    return std::string_view(bytes_.data() + slot.offset, slot.length);
}

Result<std::string> Tokenizer::decode(std::span<const TokenId> ids) const {
    std::string out;
    out.reserve(ids.size() * 4);
    for (TokenId id : ids) {
        auto bytes = token_bytes(id);
        if (!bytes) {
            return Status(
                StatusCode::invalid_argument,
                "token id " + std::to_string(id) + " is not in the vocabulary of " + source_);
        }
        out += *bytes;
    }
    return out;
}

}  // namespace ponder
