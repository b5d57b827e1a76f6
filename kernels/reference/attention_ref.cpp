#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/reference/numeric.h"
#include "kernels/reference/reference.h"

namespace ponder::kernels::ref {

void rope_pair(float x0, float x1, int pos, float inv_freq, float attention_factor, float* out0,
               float* out1) {
    const float angle = static_cast<float>(pos) * inv_freq;  // f32 product, as the references do
    const double c = static_cast<double>(attention_factor) * std::cos(static_cast<double>(angle));
    const double s = static_cast<double>(attention_factor) * std::sin(static_cast<double>(angle));
    *out0 = static_cast<float>(x0 * c - x1 * s);
    *out1 = static_cast<float>(x1 * c + x0 * s);
}

void qkv_bias_rope_cache(const float* qkv, const bf16_bits* bias, int num_tokens, int pos0,
                         int num_kv_heads, const float* inv_freq, float attention_factor,
                         bf16_bits* q, const HostKvCache& cache) {
    const int num_q_heads = num_kv_heads * kQueriesPerKvHead;
    const int heads = num_q_heads + 2 * num_kv_heads;
    const int rows = heads * kHeadDim;
    for (int t = 0; t < num_tokens; ++t) {
        const int pos = pos0 + t;
        const int slot = pos % cache.capacity;
        for (int head = 0; head < heads; ++head) {
            for (int i = 0; i < kRopePairs; ++i) {
                const int r0 = head * kHeadDim + i;
                const int r1 = r0 + kRopePairs;
                const float* row = qkv + static_cast<std::size_t>(t) * rows;
                float v0 = row[r0] + bf16_to_f32(bias[r0]);
                float v1 = row[r1] + bf16_to_f32(bias[r1]);
                if (head < num_q_heads + num_kv_heads) {
                    rope_pair(v0, v1, pos, inv_freq[i], attention_factor, &v0, &v1);
                }
                bf16_bits* dst;
                if (head < num_q_heads) {
                    dst = q + (static_cast<std::size_t>(t) * num_q_heads + head) * kHeadDim;
                } else {
                    const bool is_k = head < num_q_heads + num_kv_heads;
                    const int kv = head - num_q_heads - (is_k ? 0 : num_kv_heads);
                    dst = (is_k ? cache.k : cache.v) +
                          (static_cast<std::size_t>(kv) * cache.capacity + slot) * kHeadDim;
                }
                dst[i] = f32_to_bf16(v0);
                dst[i + kRopePairs] = f32_to_bf16(v1);
            }
        }
    }
}

void sdpa_sink_window(const bf16_bits* q, const HostKvCache& cache, const bf16_bits* sinks,
                      int num_tokens, int num_kv_heads, int pos0, float scale, float* out) {
    const int num_q_heads = num_kv_heads * kQueriesPerKvHead;
    std::vector<double> scores;
    for (int t = 0; t < num_tokens; ++t) {
        const int pos = pos0 + t;
        // Keys in the window that the ring still holds once the whole chunk is written (for one
        // token: pos - capacity + 1, the decode kernel's bound).
        const int lo = std::max(cache.window > 0 ? std::max(0, pos - cache.window + 1) : 0,
                                pos0 + num_tokens - cache.capacity);
        for (int h = 0; h < num_q_heads; ++h) {
            const int kv = h / kQueriesPerKvHead;
            const bf16_bits* qh = q + (static_cast<std::size_t>(t) * num_q_heads + h) * kHeadDim;
            const double sink = bf16_to_f32(sinks[h]);
            scores.assign(pos - lo + 1, 0.0);
            double max_score = sink;
            for (int j = lo; j <= pos; ++j) {
                const bf16_bits* kj =
                    cache.k +
                    (static_cast<std::size_t>(kv) * cache.capacity + j % cache.capacity) * kHeadDim;
                double dot = 0.0;
                for (int d = 0; d < kHeadDim; ++d) {
                    dot += static_cast<double>(bf16_to_f32(qh[d])) * bf16_to_f32(kj[d]);
                }
                scores[j - lo] = dot * scale;
                max_score = std::max(max_score, scores[j - lo]);
            }
            double denominator = std::exp(sink - max_score);
            double acc[kHeadDim] = {};
            for (int j = lo; j <= pos; ++j) {
                const double p = std::exp(scores[j - lo] - max_score);
                denominator += p;
                const bf16_bits* vj =
                    cache.v +
                    (static_cast<std::size_t>(kv) * cache.capacity + j % cache.capacity) * kHeadDim;
                for (int d = 0; d < kHeadDim; ++d)
                    acc[d] += p * bf16_to_f32(vj[d]);
            }
            float* oh = out + (static_cast<std::size_t>(t) * num_q_heads + h) * kHeadDim;
            for (int d = 0; d < kHeadDim; ++d)
                oh[d] = static_cast<float>(acc[d] / denominator);
        }
    }
}

}  // namespace ponder::kernels::ref
