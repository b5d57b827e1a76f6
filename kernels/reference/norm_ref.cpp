#include <cmath>

#include "kernels/reference/numeric.h"
#include "kernels/reference/reference.h"

namespace ponder::kernels::ref {

void embedding(const std::int32_t* tokens, int num_tokens, const bf16_bits* table, int hidden,
               int vocab, float* x) {
    for (int t = 0; t < num_tokens; ++t) {
        const std::int32_t id = tokens[t];
        const bool valid = id >= 0 && id < vocab;
        for (int i = 0; i < hidden; ++i) {
            x[static_cast<std::size_t>(t) * hidden + i] =
                valid ? bf16_to_f32(table[static_cast<std::size_t>(id) * hidden + i]) : 0.0f;
        }
    }
}

void rmsnorm_residual(float* x, const float* delta, const bf16_bits* delta_bias,
                      const bf16_bits* weight, int num_tokens, int hidden, float eps,
                      bf16_bits* out) {
    for (int t = 0; t < num_tokens; ++t) {
        float* row = x + static_cast<std::size_t>(t) * hidden;
        if (delta != nullptr) {
            const float* d = delta + static_cast<std::size_t>(t) * hidden;
            for (int i = 0; i < hidden; ++i) {
                const float add = delta_bias ? d[i] + bf16_to_f32(delta_bias[i]) : d[i];
                row[i] += add;
            }
        }
        double sum_sq = 0.0;
        for (int i = 0; i < hidden; ++i)
            sum_sq += static_cast<double>(row[i]) * row[i];
        const double inv_rms = 1.0 / std::sqrt(sum_sq / hidden + eps);
        for (int i = 0; i < hidden; ++i) {
            out[static_cast<std::size_t>(t) * hidden + i] =
                f32_to_bf16(static_cast<float>(row[i] * inv_rms * bf16_to_f32(weight[i])));
        }
    }
}

}  // namespace ponder::kernels::ref
