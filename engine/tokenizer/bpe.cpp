#include "engine/tokenizer/bpe.h"

#include <cstring>
#include <queue>

namespace ponder {
namespace {

// A fast 32-bit hash of short byte strings (pre-tokens average ~4 bytes): 8 bytes per step,
// mixed with multiply/xor-shift (the splitmix64 finaliser).
std::uint32_t hash_bytes(std::string_view bytes) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (bytes.size() * 0xBF58476D1CE4E5B9ull);
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    auto mix = [](std::uint64_t x) {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9ull;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBull;
        x ^= x >> 31;
        return x;
    };
    while (left >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        h = mix(h ^ word);
        p += 8;
        left -= 8;
    }
    if (left > 0) {
        std::uint64_t word = 0;
        std::memcpy(&word, p, left);
        h = mix(h ^ word);
    }
    return static_cast<std::uint32_t>(h ^ (h >> 32));
}

}  // namespace

void RankTable::reserve(std::size_t count, std::size_t total_bytes) {
    entries_.reserve(count);
    arena_.reserve(total_bytes);
    std::size_t capacity = 16;
    while (capacity < count * 2)
        capacity *= 2;
    if (capacity > slots_.size()) {
        slots_.assign(capacity, 0);
        for (std::uint32_t i = 0; i < entries_.size(); ++i) {
            const Entry& e = entries_[i];
            const std::string_view key(arena_.data() + e.offset, e.length);
            const std::uint32_t hash = hash_bytes(key);
            slots_[slot_of(key, hash)] = (std::uint64_t(hash) << 32) | (i + 1);
        }
    }
}

void RankTable::grow() {
    reserve(std::max<std::size_t>(entries_.size() * 2, 16), arena_.size());
}

// The slot holding `bytes`, or the empty slot where it would go (linear probing).
std::size_t RankTable::slot_of(std::string_view bytes, std::uint32_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const std::uint64_t value = slots_[slot];
        if (value == 0) return slot;
        if (std::uint32_t(value >> 32) != hash) continue;
        const Entry& e = entries_[std::uint32_t(value) - 1];
        if (e.length == bytes.size() &&
            std::memcmp(arena_.data() + e.offset, bytes.data(), e.length) == 0) {
            return slot;
        }
    }
}

bool RankTable::insert(std::string_view bytes, Rank rank) {
    if (slots_.empty() || (entries_.size() + 1) * 2 > slots_.size()) grow();
    const std::uint32_t hash = hash_bytes(bytes);
    const std::size_t slot = slot_of(bytes, hash);
    if (slots_[slot] != 0) return false;
    entries_.push_back({static_cast<std::uint32_t>(arena_.size()),
                        static_cast<std::uint32_t>(bytes.size()), rank});
    arena_.append(bytes);
    slots_[slot] = (std::uint64_t(hash) << 32) | entries_.size();
    return true;
}

Rank RankTable::find(std::string_view bytes) const {
    if (slots_.empty()) return kNoRank;
    const std::uint64_t value = slots_[slot_of(bytes, hash_bytes(bytes))];
    return value == 0 ? kNoRank : entries_[std::uint32_t(value) - 1].rank;
}

// tiktoken's merge loop. parts[i].start is where part i begins; parts[i].rank is the rank of
// part i merged with part i+1 (kNoRank if that pair is not a token). O(n^2), fastest for short n.
void bpe_encode_piece_scan(const RankTable& ranks, std::string_view piece,
                           std::vector<std::int32_t>& out) {
    struct Part {
        std::size_t start;
        Rank rank;
    };
    const std::size_t n = piece.size();
    if (n == 0) return;
    std::vector<Part> parts;
    parts.reserve(n + 1);
    for (std::size_t i = 0; i + 1 < n; ++i)
        parts.push_back({i, ranks.find(piece.substr(i, 2))});
    parts.push_back({n - 1, kNoRank});
    parts.push_back({n, kNoRank});

    // Rank of parts i and i+1 merged, given the current boundaries.
    auto pair_rank = [&](std::size_t i) {
        if (i + 3 >= parts.size()) return kNoRank;
        return ranks.find(piece.substr(parts[i].start, parts[i + 3].start - parts[i].start));
    };
    for (;;) {
        Rank best = kNoRank;
        std::size_t best_index = 0;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
            if (parts[i].rank < best) {
                best = parts[i].rank;
                best_index = i;
            }
        }
        if (best == kNoRank) break;
        if (best_index > 0) parts[best_index - 1].rank = pair_rank(best_index - 1);
        parts[best_index].rank = pair_rank(best_index);
        parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(best_index) + 1);
    }
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        const Rank rank =
            ranks.find(piece.substr(parts[i].start, parts[i + 1].start - parts[i].start));
        out.push_back(static_cast<std::int32_t>(rank));
    }
}

// The same merge order with a min-heap of (rank, start) and a linked list of parts: O(n log n).
// Heap entries go stale when a neighbour merges; an entry is used only if it still matches.
void bpe_encode_piece_heap(const RankTable& ranks, std::string_view piece,
                           std::vector<std::int32_t>& out) {
    const std::size_t n = piece.size();
    if (n == 0) return;
    // Part k starts at byte k until merged away; next/prev link the live parts.
    std::vector<std::size_t> next(n), prev(n);
    std::vector<Rank> rank_with_next(n, kNoRank);
    std::vector<bool> alive(n, true);
    for (std::size_t i = 0; i < n; ++i) {
        next[i] = i + 1;
        prev[i] = i == 0 ? n : i - 1;  // n = none
    }
    using Entry = std::pair<Rank, std::size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    auto recompute = [&](std::size_t i) {
        const std::size_t j = next[i];
        if (j >= n) {
            rank_with_next[i] = kNoRank;
            return;
        }
        const std::size_t end = next[j];  // n when j is the last part
        rank_with_next[i] = ranks.find(piece.substr(i, end - i));
        if (rank_with_next[i] != kNoRank) heap.push({rank_with_next[i], i});
    };
    for (std::size_t i = 0; i + 1 < n; ++i)
        recompute(i);
    while (!heap.empty()) {
        const auto [rank, i] = heap.top();
        heap.pop();
        if (!alive[i] || rank_with_next[i] != rank) continue;
        const std::size_t j = next[i];
        alive[j] = false;
        next[i] = next[j];
        if (next[j] < n) prev[next[j]] = i;
        recompute(i);
        if (prev[i] < n) recompute(prev[i]);
    }
    for (std::size_t i = 0; i < n; i = next[i]) {
        out.push_back(static_cast<std::int32_t>(ranks.find(piece.substr(i, next[i] - i))));
    }
}

void bpe_encode_piece(const RankTable& ranks, std::string_view piece,
                      std::vector<std::int32_t>& out) {
    const Rank whole = ranks.find(piece);
    if (whole != kNoRank) {
        out.push_back(static_cast<std::int32_t>(whole));
        return;
    }
    // Beyond a few hundred bytes the scan's n^2 dominates; below it the heap's allocations do.
    if (piece.size() < 256) {
        bpe_encode_piece_scan(ranks, piece, out);
    } else {
        bpe_encode_piece_heap(ranks, piece, out);
    }
}

}  // namespace ponder
