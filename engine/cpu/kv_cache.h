// Cached keys (after RoPE) and values of one attention layer (docs/gpt-oss.md §4.9), in f32.
// A full-attention layer keeps every position; a sliding layer keeps a ring of `capacity`
// positions, at least its window, so its memory does not grow with the conversation.
// Positions are absolute; the cache holds the contiguous range [begin(), end()).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/status.h"

namespace ponder::cpu {

class LayerKvCache {
  public:
    // `width` floats per position for K and for V (kv_heads * head_dim); `ring_capacity` 0
    // keeps every position.
    LayerKvCache(std::int64_t width, std::int64_t ring_capacity);

    bool is_ring() const { return ring_capacity_ > 0; }
    std::int64_t ring_capacity() const { return ring_capacity_; }
    std::int64_t begin() const { return begin_; }
    std::int64_t end() const { return end_; }

    // Room for positions up to `new_end` (a full cache grows; a ring never does).
    Status reserve(std::int64_t new_end);

    // Writes position end() (the next one) and advances; a full ring drops its oldest position.
    void append(const float* key, const float* value);

    // Forgets positions >= n.
    void truncate(std::int64_t n);

    // Empties a ring and restarts it at `position` (the caller will recompute from there).
    void restart_at(std::int64_t position);

    // [width] floats of position `position`, which must be in [begin(), end()).
    const float* key(std::int64_t position) const { return keys_.data() + slot(position) * width_; }
    const float* value(std::int64_t position) const {
        return values_.data() + slot(position) * width_;
    }

    std::int64_t bytes() const {
        return static_cast<std::int64_t>((keys_.capacity() + values_.capacity()) * sizeof(float));
    }

  private:
    std::int64_t slot(std::int64_t position) const {
        return is_ring() ? position % ring_capacity_ : position;
    }

    std::int64_t width_;
    std::int64_t ring_capacity_;
    std::int64_t begin_ = 0;
    std::int64_t end_ = 0;
    std::vector<float> keys_;    // [slots, width]
    std::vector<float> values_;  // [slots, width]
};

}  // namespace ponder::cpu
