// Scaled dot-product attention with learned sinks and an optional sliding window
// (docs/gpt-oss.md §4.6), over one layer's KV cache.
#pragma once

#include <cstdint>

#include "engine/cpu/dot.h"
#include "engine/cpu/kv_cache.h"
#include "engine/cpu/thread_pool.h"
#include "engine/numeric/bf16.h"

namespace ponder::cpu {

struct AttentionShape {
    std::int64_t num_heads = 0;     // query heads
    std::int64_t num_kv_heads = 0;  // query head h reads KV head h / (num_heads / num_kv_heads)
    std::int64_t head_dim = 0;
    std::int64_t window = 0;  // keys j with i - window < j <= i; 0 = every j <= i
};

// For token b of the batch at position first_position + b and each query head h:
//   s_j = q_h . k_j / sqrt(head_dim) over the allowed keys j held by `cache`,
//   p_j = exp(s_j) / (exp(sink_h) + sum_j exp(s_j)),  out_h = sum_j p_j v_j.
// The sink is a raw logit (not scaled) with no value. q [batch, num_heads * head_dim] is already
// rotated; the batch's own keys must already be in the cache. out has q's shape.
void f32_sdpa_sink_window(ThreadPool& pool, const DotKernels& dot, const AttentionShape& shape,
                          const float* q, std::int64_t first_position, std::int64_t batch,
                          const LayerKvCache& cache, const bf16* sinks, float* out);

}  // namespace ponder::cpu
