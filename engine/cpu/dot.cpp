// The portable dot kernels and the run-time choice between them and the AVX2 ones.
#include "engine/cpu/dot.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "engine/numeric/mxfp4.h"

namespace ponder::cpu {

namespace {

void scalar_bf16_rows(const bf16* w, const float* x, std::int64_t x_stride, int batch,
                      std::int64_t n, float* out) {
    for (int b = 0; b < batch; ++b) {
        const float* xb = x + b * x_stride;
        float sum = 0.0f;
        for (std::int64_t k = 0; k < n; ++k)
            sum += bf16_to_f32(w[k]) * xb[k];
        out[b] = sum;
    }
}

void scalar_mxfp4_rows(const std::uint8_t* blocks, const std::uint8_t* scales, const float* x,
                       std::int64_t x_stride, int batch, std::int64_t n_blocks, float* out) {
    for (int b = 0; b < batch; ++b) {
        const float* xb = x + b * x_stride;
        float sum = 0.0f;
        for (std::int64_t g = 0; g < n_blocks; ++g) {
            const std::uint8_t* block = blocks + g * 16;
            const float* xg = xb + g * 32;
            float block_sum = 0.0f;
            for (int j = 0; j < 16; ++j) {
                block_sum += fp4_e2m1_values[block[j] & 0x0f] * xg[2 * j];
                block_sum += fp4_e2m1_values[block[j] >> 4] * xg[2 * j + 1];
            }
            // The block's scale once per block: it is a power of two, so this equals scaling
            // each element up to rounding of the partial sums.
            sum += block_sum * std::ldexp(1.0f, static_cast<int>(scales[g]) - 127);
        }
        out[b] = sum;
    }
}

void scalar_mxfp4_order_x(const float* x, std::int64_t n, float* out) {
    std::copy(x, x + n, out);  // natural order
}

float scalar_f32_dot(const float* a, const float* b, std::int64_t n) {
    float sum = 0.0f;
    for (std::int64_t k = 0; k < n; ++k)
        sum += a[k] * b[k];
    return sum;
}

void scalar_f32_axpy(float alpha, const float* x, float* y, std::int64_t n) {
    for (std::int64_t k = 0; k < n; ++k)
        y[k] += alpha * x[k];
}

const DotKernels scalar_kernels = {scalar_bf16_rows, scalar_mxfp4_rows, scalar_mxfp4_order_x,
                                   scalar_f32_dot, scalar_f32_axpy};

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

}  // namespace

const char* simd_level_name(SimdLevel level) {
    return level == SimdLevel::avx2 ? "avx2+fma" : "scalar";
}

SimdLevel detected_simd_level() {
    static const SimdLevel level = [] {
        const char* forced = std::getenv("PONDER_SIMD");
        if (forced != nullptr && std::strcmp(forced, "scalar") == 0) return SimdLevel::scalar;
        return cpu_has_avx2_fma() ? SimdLevel::avx2 : SimdLevel::scalar;
    }();
    return level;
}

const DotKernels& dot_kernels(SimdLevel level) {
#if defined(__x86_64__)
    if (level == SimdLevel::avx2) return detail::avx2_dot_kernels();
#endif
    return scalar_kernels;
}

const DotKernels& best_dot_kernels() {
    static const DotKernels& kernels = dot_kernels(detected_simd_level());
    return kernels;
}

}  // namespace ponder::cpu
