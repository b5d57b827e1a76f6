#include "engine/cpu/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ponder::cpu {

void f32_sdpa_sink_window(ThreadPool& pool, const DotKernels& dot, const AttentionShape& shape,
                          const float* q, std::int64_t first_position, std::int64_t batch,
                          const LayerKvCache& cache, const bf16* sinks, float* out) {
    const std::int64_t d = shape.head_dim;
    const std::int64_t group = shape.num_heads / shape.num_kv_heads;
    const std::int64_t q_width = shape.num_heads * d;
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));

    // One work item = one token and one KV head with its `group` query heads, so each cached
    // key and value row is loaded once for all the heads that share it.
    pool.parallel_for(batch * shape.num_kv_heads, 1, [&](std::int64_t begin, std::int64_t end) {
        thread_local std::vector<float> weights;  // [group, keys]
        for (std::int64_t item = begin; item < end; ++item) {
            const std::int64_t b = item / shape.num_kv_heads;
            const std::int64_t g = item % shape.num_kv_heads;
            const std::int64_t position = first_position + b;
            std::int64_t first_key = std::max(cache.begin(), std::int64_t{0});
            if (shape.window > 0) first_key = std::max(first_key, position - shape.window + 1);
            const std::int64_t keys = position - first_key + 1;
            weights.resize(static_cast<size_t>(group * keys));

            for (std::int64_t j = 0; j < keys; ++j) {
                const float* key = cache.key(first_key + j) + g * d;
                for (std::int64_t hh = 0; hh < group; ++hh) {
                    const float* query = q + b * q_width + (g * group + hh) * d;
                    weights[static_cast<size_t>(hh * keys + j)] =
                        dot.f32_dot(query, key, d) * scale;
                }
            }
            for (std::int64_t hh = 0; hh < group; ++hh) {
                const std::int64_t h = g * group + hh;
                float* w = weights.data() + hh * keys;
                const float sink = bf16_to_f32(sinks[h]);
                const float max_logit = std::max(sink, *std::max_element(w, w + keys));
                float denominator = std::exp(sink - max_logit);
                for (std::int64_t j = 0; j < keys; ++j) {
                    w[j] = std::exp(w[j] - max_logit);
                    denominator += w[j];
                }
                float* o = out + b * q_width + h * d;
                std::fill(o, o + d, 0.0f);
                for (std::int64_t j = 0; j < keys; ++j) {
                    dot.f32_axpy(w[j], cache.value(first_key + j) + g * d, o, d);
                }
                const float inv = 1.0f / denominator;
                for (std::int64_t i = 0; i < d; ++i)
                    o[i] *= inv;
            }
        }
    });
}

}  // namespace ponder::cpu
