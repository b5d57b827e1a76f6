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

// The same for bf16 rows, which need less work per byte and so a shorter distance (measured
// +35% single-threaded streaming at 1 KiB; 4 KiB gains less).
constexpr std::int64_t bf16_prefetch_bytes = 1024;

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
        _mm_prefetch(reinterpret_cast<const char*>(w + k) + bf16_prefetch_bytes, _MM_HINT_T0);
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

// 2^(s-127) for every E8M0 scale byte.
struct Scales {
    float value[256];
    Scales() {
        for (int s = 0; s < 256; ++s)
            value[s] = std::ldexp(1.0f, s - 127);
    }
};
const Scales e8m0_scales;

// Where each element of a block of 32 lands after decode_block: lane p holds element
// block_order[p]. mxfp4_order_x puts x in this order so no shuffle back is needed.
constexpr int block_order[32] = {0,  4,  8,  12, 1,  5,  9,  13, 2,  6,  10, 14, 3,  7,  11, 15,
                                 16, 20, 24, 28, 17, 21, 25, 29, 18, 22, 26, 30, 19, 23, 27, 31};

struct DecodedBlock {
    __m256 w[4];  // the 32 values of a block (unscaled), in block_order
};

// E2M1 values are exactly representable in bf16, and a bf16 is the top half of an f32: two
// byte lookups (low and high byte of the bf16) per nibble give the f32 bit patterns directly,
// with no integer-to-float conversion.
PONDER_AVX2 inline DecodedBlock decode_block(const std::uint8_t* block) {
    const __m256i bf16_low_bytes = _mm256_setr_epi8(
        0, 0, char(0x80), char(0xC0), 0, 0x40, char(0x80), char(0xC0), 0, 0, char(0x80), char(0xC0),
        0, 0x40, char(0x80), char(0xC0), 0, 0, char(0x80), char(0xC0), 0, 0x40, char(0x80),
        char(0xC0), 0, 0, char(0x80), char(0xC0), 0, 0x40, char(0x80), char(0xC0));
    const __m256i bf16_high_bytes =
        _mm256_setr_epi8(0, 0x3F, 0x3F, 0x3F, 0x40, 0x40, 0x40, 0x40, char(0x80), char(0xBF),
                         char(0xBF), char(0xBF), char(0xC0), char(0xC0), char(0xC0), char(0xC0), 0,
                         0x3F, 0x3F, 0x3F, 0x40, 0x40, 0x40, 0x40, char(0x80), char(0xBF),
                         char(0xBF), char(0xBF), char(0xC0), char(0xC0), char(0xC0), char(0xC0));
    // Lane 0 gets the low nibbles (even elements), lane 1 the high nibbles (odd elements).
    const __m256i packed =
        _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block)));
    const __m256i nibbles =
        _mm256_and_si256(_mm256_srlv_epi32(packed, _mm256_setr_epi32(0, 0, 0, 0, 4, 4, 4, 4)),
                         _mm256_set1_epi8(0x0f));
    const __m256i low = _mm256_shuffle_epi8(bf16_low_bytes, nibbles);
    const __m256i high = _mm256_shuffle_epi8(bf16_high_bytes, nibbles);
    const __m256i first = _mm256_unpacklo_epi8(low, high);   // bf16 of bytes 0..7's nibbles
    const __m256i second = _mm256_unpackhi_epi8(low, high);  // bytes 8..15
    const __m256i top_half = _mm256_set1_epi32(static_cast<int>(0xFFFF0000u));
    DecodedBlock decoded;
    decoded.w[0] = _mm256_castsi256_ps(_mm256_slli_epi32(first, 16));
    decoded.w[1] = _mm256_castsi256_ps(_mm256_and_si256(first, top_half));
    decoded.w[2] = _mm256_castsi256_ps(_mm256_slli_epi32(second, 16));
    decoded.w[3] = _mm256_castsi256_ps(_mm256_and_si256(second, top_half));
    return decoded;
}

PONDER_AVX2 inline __m256 block_dot(const DecodedBlock& d, const float* x) {
    __m256 sum = _mm256_mul_ps(d.w[0], _mm256_loadu_ps(x));
    sum = _mm256_fmadd_ps(d.w[1], _mm256_loadu_ps(x + 8), sum);
    sum = _mm256_fmadd_ps(d.w[2], _mm256_loadu_ps(x + 16), sum);
    return _mm256_fmadd_ps(d.w[3], _mm256_loadu_ps(x + 24), sum);
}

template <int Batch>
PONDER_AVX2 void mxfp4_rows_batch(const std::uint8_t* blocks, const std::uint8_t* scales,
                                  const float* x, std::int64_t x_stride, std::int64_t n_blocks,
                                  float* out) {
    // Even and odd blocks accumulate separately, halving the loop-carried FMA chain.
    __m256 acc[2][Batch];
#pragma GCC unroll 4
    for (int b = 0; b < Batch; ++b)
        acc[0][b] = acc[1][b] = _mm256_setzero_ps();
    for (std::int64_t g = 0; g < n_blocks; ++g) {
        _mm_prefetch(reinterpret_cast<const char*>(blocks + g * 16 + mxfp4_prefetch_bytes),
                     _MM_HINT_T0);
        const DecodedBlock decoded = decode_block(blocks + g * 16);
        const __m256 scale = _mm256_broadcast_ss(&e8m0_scales.value[scales[g]]);
        __m256* a = acc[g & 1];
#pragma GCC unroll 4
        for (int b = 0; b < Batch; ++b) {
            a[b] = _mm256_fmadd_ps(block_dot(decoded, x + b * x_stride + g * 32), scale, a[b]);
        }
    }
#pragma GCC unroll 4
    for (int b = 0; b < Batch; ++b)
        out[b] = horizontal_sum(_mm256_add_ps(acc[0][b], acc[1][b]));
}

void mxfp4_order_x(const float* x, std::int64_t n, float* out) {
    for (std::int64_t g = 0; g < n; g += 32) {
        for (int p = 0; p < 32; ++p)
            out[g + p] = x[g + block_order[p]];
    }
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

const DotKernels kernels = {bf16_rows, mxfp4_rows, mxfp4_order_x, f32_dot, f32_axpy};

}  // namespace

const DotKernels& avx2_dot_kernels() {
    return kernels;
}

}  // namespace ponder::cpu::detail

#endif  // __x86_64__
