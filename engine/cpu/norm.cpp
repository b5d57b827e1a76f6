#include "engine/cpu/norm.h"

#include <cmath>

namespace ponder::cpu {

void rms_norm(const float* x, const bf16* scale, double eps, std::int64_t rows, std::int64_t width,
              float* y) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* in = x + r * width;
        float* out = y + r * width;
        // The mean of squares in float64: one pass per token, and it keeps the normaliser exact.
        double sum_squares = 0.0;
        for (std::int64_t i = 0; i < width; ++i)
            sum_squares += double(in[i]) * double(in[i]);
        const float inv_rms =
            static_cast<float>(1.0 / std::sqrt(sum_squares / static_cast<double>(width) + eps));
        for (std::int64_t i = 0; i < width; ++i)
            out[i] = in[i] * inv_rms * bf16_to_f32(scale[i]);
    }
}

}  // namespace ponder::cpu
