#include "engine/cpu/kv_cache.h"

#include <algorithm>
#include <cassert>
#include <new>
#include <string>

namespace ponder::cpu {

LayerKvCache::LayerKvCache(std::int64_t width, std::int64_t ring_capacity)
    : width_(width), ring_capacity_(ring_capacity) {}

Status LayerKvCache::reserve(std::int64_t new_end) {
    const std::int64_t slots = is_ring() ? ring_capacity_ : new_end;
    const auto needed = static_cast<size_t>(slots * width_);
    if (keys_.size() >= needed) return Status::success();
    try {
        // Grow geometrically so a long conversation reallocates O(log n) times.
        const size_t target = is_ring() ? needed : std::max(needed, keys_.size() * 3 / 2);
        keys_.resize(target);
        values_.resize(target);
    } catch (const std::bad_alloc&) {
        return Status(StatusCode::out_of_memory, "KV cache for " + std::to_string(new_end) +
                                                     " positions does not fit in memory");
    }
    return Status::success();
}

void LayerKvCache::append(const float* key, const float* value) {
    assert(static_cast<size_t>((slot(end_) + 1) * width_) <= keys_.size());
    std::copy(key, key + width_, keys_.data() + slot(end_) * width_);
    std::copy(value, value + width_, values_.data() + slot(end_) * width_);
    ++end_;
    if (is_ring()) begin_ = std::max(begin_, end_ - ring_capacity_);
}

void LayerKvCache::truncate(std::int64_t n) {
    end_ = std::min(end_, n);
    begin_ = std::min(begin_, end_);
}

void LayerKvCache::restart_at(std::int64_t position) {
    assert(is_ring());
    begin_ = end_ = position;
}

}  // namespace ponder::cpu
