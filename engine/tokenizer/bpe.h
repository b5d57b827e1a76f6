// Byte-pair encoding with tiktoken semantics (docs/gpt-oss.md §5.1): inside one pre-token, keep
// merging the adjacent pair whose concatenation has the lowest rank (leftmost on ties) until no
// adjacent pair is in the vocabulary. A rank is the token id.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

using Rank = std::uint32_t;
inline constexpr Rank kNoRank = std::numeric_limits<Rank>::max();

// Byte string -> rank, built once at load and read-only afterwards (safe to share between
// threads). Encoding looks up several keys per pre-token and the table is megabytes, so a lookup
// is built to touch one cache line: open addressing over 16-byte slots that hold the key's first
// 8 bytes, its length and its rank; only keys longer than 8 bytes compare the rest in the arena.
class RankTable {
  public:
    static constexpr std::size_t kMaxKeyLength = 255;  // o200k's longest token has 128 bytes

    void reserve(std::size_t count, std::size_t total_bytes);
    // Adds `bytes` (1..kMaxKeyLength bytes) with `rank`; false (and no change) if `bytes` is
    // already present or has an unsupported length.
    bool insert(std::string_view bytes, Rank rank);
    // The rank of `bytes`, or kNoRank.
    Rank find(std::string_view bytes) const;
    std::size_t size() const { return count_; }

  private:
    struct Slot {
        std::uint64_t head = 0;  // first 8 key bytes, zero-padded
        Rank rank = kNoRank;
        std::uint32_t meta = 0;  // (arena offset << 8) | length; 0 = empty slot
    };
    void rehash(std::size_t capacity);
    std::size_t slot_of(std::string_view bytes, std::uint64_t head) const;

    std::string arena_;        // keys longer than 8 bytes, back to back
    std::vector<Slot> slots_;  // power-of-two size, at most half full
    std::size_t count_ = 0;
    // Every 2-byte key's rank, indexed by the two bytes (256 KiB, stays in cache): BPE starts by
    // looking up each adjacent byte pair of a piece, most of which are not tokens.
    std::vector<Rank> pairs_ = std::vector<Rank>(1 << 16, kNoRank);
};

// Appends the tokens of `piece` to `out`. Every single byte of `piece` must have a rank (the
// loaders check that all 256 bytes do). Uses a quadratic scan for short pieces and a heap for
// long ones (a megabyte without spaces must not take minutes); both give identical tokens.
void bpe_encode_piece(const RankTable& ranks, std::string_view piece,
                      std::vector<std::int32_t>& out);

// The two strategies, exposed so tests can check they agree.
void bpe_encode_piece_scan(const RankTable& ranks, std::string_view piece,
                           std::vector<std::int32_t>& out);
void bpe_encode_piece_heap(const RankTable& ranks, std::string_view piece,
                           std::vector<std::int32_t>& out);

}  // namespace ponder
