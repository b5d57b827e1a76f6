// Byte-pair encoding with tiktoken semantics (gpt-oss-spec.md §5.1): inside one pre-token, keep
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
// threads). Open addressing over one byte arena: encoding looks up several keys per pre-token,
// so a lookup must not allocate or chase list nodes.
class RankTable {
  public:
    void reserve(std::size_t count, std::size_t total_bytes);
    // Adds `bytes` with `rank`; false (and no change) if `bytes` is already present.
    bool insert(std::string_view bytes, Rank rank);
    // The rank of `bytes`, or kNoRank.
    Rank find(std::string_view bytes) const;
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        std::uint32_t offset;  // into arena_
        std::uint32_t length;
        Rank rank;
    };
    void grow();
    std::size_t slot_of(std::string_view bytes, std::uint32_t hash) const;

    std::string arena_;  // all keys, back to back
    std::vector<Entry> entries_;
    std::vector<std::uint64_t> slots_;  // (hash << 32) | (entry index + 1); 0 = empty
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
