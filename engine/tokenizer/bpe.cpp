#include "engine/tokenizer/bpe.h"

#include <algorithm>
#include <cstring>
#include <queue>

namespace ponder {
namespace {

std::uint64_t head_of(std::string_view bytes) {
    std::uint64_t head = 0;
    std::memcpy(&head, bytes.data(), std::min<std::size_t>(bytes.size(), 8));
    return head;
}

// Mixes the head (already loaded) with the length and any further bytes; the splitmix64 finaliser
// spreads short keys that differ in one byte over the whole table.
std::uint64_t hash_of(std::string_view bytes, std::uint64_t head) {
    std::uint64_t h = head ^ (bytes.size() * 0x9E3779B97F4A7C15ull);
    for (std::size_t i = 8; i < bytes.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, bytes.data() + i, std::min<std::size_t>(bytes.size() - i, 8));
        h = (h ^ word) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBull;
    h ^= h >> 31;
    return h;
}

std::size_t pair_index(std::string_view bytes) {
    return std::size_t(static_cast<unsigned char>(bytes[0])) << 8 |
           static_cast<unsigned char>(bytes[1]);
}

}  // namespace

void RankTable::reserve(std::size_t count, std::size_t total_bytes) {
    arena_.reserve(total_bytes);
    std::size_t capacity = 16;
    while (capacity < count * 2)
        capacity *= 2;
    if (capacity > slots_.size()) rehash(capacity);
}

void RankTable::rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    for (const Slot& slot : old) {
        if (slot.meta == 0) continue;
        const std::size_t length = slot.meta & 0xFF;
        std::string key(reinterpret_cast<const char*>(&slot.head),
                        std::min<std::size_t>(length, 8));
        if (length > 8) key.append(arena_, slot.meta >> 8, length - 8);
        slots_[slot_of(key, slot.head)] = slot;
    }
}

// The slot holding `bytes`, or the empty slot where it would go (linear probing).
std::size_t RankTable::slot_of(std::string_view bytes, std::uint64_t head) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t index = hash_of(bytes, head) & mask;; index = (index + 1) & mask) {
        const Slot& slot = slots_[index];
        if (slot.meta == 0) return index;
        if (slot.head != head || (slot.meta & 0xFF) != bytes.size()) continue;
        if (bytes.size() <= 8 || std::memcmp(arena_.data() + (slot.meta >> 8), bytes.data() + 8,
                                             bytes.size() - 8) == 0) {
            return index;
        }
    }
}

bool RankTable::insert(std::string_view bytes, Rank rank) {
    if (bytes.empty() || bytes.size() > kMaxKeyLength ||
        arena_.size() + bytes.size() >= (1u << 24)) {
        return false;
    }
    if ((count_ + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(slots_.size() * 2, 16));
    const std::uint64_t head = head_of(bytes);
    Slot& slot = slots_[slot_of(bytes, head)];
    if (slot.meta != 0) return false;
    std::uint32_t offset = 0;
    if (bytes.size() > 8) {
        offset = static_cast<std::uint32_t>(arena_.size());
        arena_.append(bytes.substr(8));
    }
    slot = {head, rank, (offset << 8) | static_cast<std::uint32_t>(bytes.size())};
    ++count_;
    if (bytes.size() == 2) pairs_[pair_index(bytes)] = rank;
    return true;
}

Rank RankTable::find(std::string_view bytes) const {
    if (bytes.size() == 2) return pairs_[pair_index(bytes)];
    if (slots_.empty() || bytes.empty() || bytes.size() > kMaxKeyLength) return kNoRank;
    return slots_[slot_of(bytes, head_of(bytes))].rank;
}

// tiktoken's merge loop. parts[i].start is where part i begins; parts[i].rank is the rank of
// part i merged with part i+1 (kNoRank if that pair is not a token). O(n^2), fastest for short n.
void bpe_encode_piece_scan(const RankTable& ranks, std::string_view piece,
                           std::vector<std::int32_t>& out) {
    struct Part {
        std::uint32_t start;
        Rank rank;
    };
    const std::size_t n = piece.size();
    if (n == 0) return;
    // Short pieces (nearly all) keep their parts on the stack: no allocation per pre-token.
    constexpr std::size_t kInline = 64;
    Part inline_parts[kInline];
    std::vector<Part> heap_parts;
    Part* parts = inline_parts;
    if (n + 1 > kInline) {
        heap_parts.resize(n + 1);
        parts = heap_parts.data();
    }
    std::size_t count = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        parts[count++] = {static_cast<std::uint32_t>(i), ranks.find(piece.substr(i, 2))};
    }
    parts[count++] = {static_cast<std::uint32_t>(n - 1), kNoRank};
    parts[count++] = {static_cast<std::uint32_t>(n), kNoRank};

    // Rank of parts i and i+1 merged, given the current boundaries.
    auto pair_rank = [&](std::size_t i) {
        if (i + 3 >= count) return kNoRank;
        return ranks.find(piece.substr(parts[i].start, parts[i + 3].start - parts[i].start));
    };
    for (;;) {
        Rank best = kNoRank;
        std::size_t best_index = 0;
        for (std::size_t i = 0; i + 1 < count; ++i) {
            if (parts[i].rank < best) {
                best = parts[i].rank;
                best_index = i;
            }
        }
        if (best == kNoRank) break;
        if (best_index > 0) parts[best_index - 1].rank = pair_rank(best_index - 1);
        parts[best_index].rank = pair_rank(best_index);
        std::memmove(parts + best_index + 1, parts + best_index + 2,
                     (count - best_index - 2) * sizeof(Part));
        --count;
    }
    for (std::size_t i = 0; i + 1 < count; ++i) {
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
