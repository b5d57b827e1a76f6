// AVX2 + FMA dot kernels. Compiled for baseline x86-64 like the rest of the program: only these
// functions carry the target attribute, and dot.cpp calls them only after cpuid said yes.
#if defined(__x86_64__)

#include <immintrin.h>

#include <cmath>

#include "engine/cpu/dot.h"

#define PONDER_AVX2 __attribute__((target("avx2,fma")))

namespace ponder::cpu::detail {

namespace {

// Software prefetch distance for MXFP4 rows. Decoding a block takes long enough that the
// out-of-order window covers only a few cache lines ahead; without this a single core reads
// packed experts at a third of the memory bandwidth (measured: 2.9 vs 7 GB/s).
constexpr std::int64_t mxfp4_prefetch_bytes = 2048;

PONDER_AVX2 inline float horizontal_sum(__m256 v) {
    const __m128 quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
    return _mm_cvtss_f32(_mm_add_ss(pair, _mm_movehdup_ps(pair)));
}

// Eight bf16 values widened to f32: bf16 is the top half of an f32.
PONDER_AVX2 inline __m256 load_bf16x8(const bf16* p) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(raw), 16));
}

template <int Batch>
PONDER_AVX2 void bf16_rows_batch(const bf16* w, const float* x, std::int64_t x_stride,
                                 std::int64_t n, float* out) {
    // Two accumulators per vector hide the FMA latency when Batch is 1.
    __m256 acc0[Batch];
    __m256 acc1[Batch];
#pragma GCC unroll 4
    for (int b = 0; b < Batch; ++b)
        acc0[b] = acc1[b] = _mm256_setzero_ps();
    std::int64_t k = 0;
    for (; k + 16 <= n; k += 16) {
        const __m256 w0 = load_bf16x8(w + k);
        const __m256 w1 = load_bf16x8(w + k + 8);
#pragma GCC unroll 4
        for (int b = 0; b < Batch; ++b) {
            const float* xb = x + b * x_stride + k;
            acc0[b] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xb), acc0[b]);
            acc1[b] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xb + 8), acc1[b]);
        }
    }
    for (int b = 0; b < Batch; ++b) {
        float sum = horizontal_sum(_mm256_add_ps(acc0[b], acc1[b]));
        for (std::int64_t t = k; t < n; ++t)
            sum += bf16_to_f32(w[t]) * x[b * x_stride + t];
        out[b] = sum;
    }
}

PONDER_AVX2 void bf16_rows(const bf16* w, const float* x, std::int64_t x_stride, int batch,
                           std::int64_t n, float* out) {
    switch (batch) {
        case 1:
            return bf16_rows_batch<1>(w, x, x_stride, n, out);
        case 2:
            return bf16_rows_batch<2>(w, x, x_stride, n, out);
        case 3:
            return bf16_rows_batch<3>(w, x, x_stride, n, out);
        default:
            return bf16_rows_batch<4>(w, x, x_stride, n, out);
    }
}

// 2^(s-128): the E8M0 scale with the 1/2 that undoes the doubled integer table below.
struct HalfScales {
    float value[256];
    HalfScales() {
        for (int s = 0; s < 256; ++s)
            value[s] = std::ldexp(0.5f, s - 127);
    }
};
const HalfScales half_scales;

template <int Batch>
PONDER_AVX2 void mxfp4_rows_batch(const std::uint8_t* blocks, const std::uint8_t* scales,
                                  const float* x, std::int64_t x_stride, std::int64_t n_blocks,
                                  float* out) {
    // E2M1 values times two are small integers, so one byte shuffle decodes 16 nibbles.
    const __m128i doubled_values =
        _mm_setr_epi8(0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12);
    const __m128i low_nibbles = _mm_set1_epi8(0x0f);
    __m256 acc[Batch];
#pragma GCC unroll 4
    for (int b = 0; b < Batch; ++b)
        acc[b] = _mm256_setzero_ps();
    for (std::int64_t g = 0; g < n_blocks; ++g) {
        _mm_prefetch(reinterpret_cast<const char*>(blocks + g * 16 + mxfp4_prefetch_bytes),
                     _MM_HINT_T0);
        const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks + g * 16));
        const __m128i even = _mm_shuffle_epi8(doubled_values, _mm_and_si128(packed, low_nibbles));
        const __m128i odd =
            _mm_shuffle_epi8(doubled_values, _mm_and_si128(_mm_srli_epi16(packed, 4), low_nibbles));
        const __m128i first16 = _mm_unpacklo_epi8(even, odd);  // elements 0..15 in order
        const __m128i last16 = _mm_unpackhi_epi8(even, odd);   // elements 16..31
        const __m256 w0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(first16));
        const __m256 w1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(first16, 8)));
        const __m256 w2 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(last16));
        const __m256 w3 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(last16, 8)));
        const __m256 scale = _mm256_set1_ps(half_scales.value[scales[g]]);
#pragma GCC unroll 4
        for (int b = 0; b < Batch; ++b) {
            const float* xg = x + b * x_stride + g * 32;
            __m256 block = _mm256_mul_ps(w0, _mm256_loadu_ps(xg));
            block = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xg + 8), block);
            block = _mm256_fmadd_ps(w2, _mm256_loadu_ps(xg + 16), block);
            block = _mm256_fmadd_ps(w3, _mm256_loadu_ps(xg + 24), block);
            acc[b] = _mm256_fmadd_ps(block, scale, acc[b]);
        }
    }
    for (int b = 0; b < Batch; ++b)
        out[b] = horizontal_sum(acc[b]);
}

PONDER_AVX2 void mxfp4_rows(const std::uint8_t* blocks, const std::uint8_t* scales, const float* x,
                            std::int64_t x_stride, int batch, std::int64_t n_blocks, float* out) {
    switch (batch) {
        case 1:
            return mxfp4_rows_batch<1>(blocks, scales, x, x_stride, n_blocks, out);
        case 2:
            return mxfp4_rows_batch<2>(blocks, scales, x, x_stride, n_blocks, out);
        case 3:
            return mxfp4_rows_batch<3>(blocks, scales, x, x_stride, n_blocks, out);
        default:
            return mxfp4_rows_batch<4>(blocks, scales, x, x_stride, n_blocks, out);
    }
}

PONDER_AVX2 float f32_dot(const float* a, const float* b, std::int64_t n) {
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    std::int64_t k = 0;
    for (; k + 16 <= n; k += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(b + k + 8), acc1);
    }
    float sum = horizontal_sum(_mm256_add_ps(acc0, acc1));
    for (; k < n; ++k)
        sum += a[k] * b[k];
    return sum;
}

PONDER_AVX2 void f32_axpy(float alpha, const float* x, float* y, std::int64_t n) {
    const __m256 a = _mm256_set1_ps(alpha);
    std::int64_t k = 0;
    for (; k + 8 <= n; k += 8) {
        _mm256_storeu_ps(y + k, _mm256_fmadd_ps(a, _mm256_loadu_ps(x + k), _mm256_loadu_ps(y + k)));
    }
    for (; k < n; ++k)
        y[k] += alpha * x[k];
}

const DotKernels kernels = {bf16_rows, mxfp4_rows, f32_dot, f32_axpy};

}  // namespace

const DotKernels& avx2_dot_kernels() {
    return kernels;
}

}  // namespace ponder::cpu::detail

#endif  // __x86_64__
