// Dot products of weight rows with f32 activations: the inner loops of every matmul. Each kernel
// reads one weight row once and applies it to up to `max_dot_batch` activation vectors, so a
// prefill batch pays for a weight row's memory traffic and decoding once per four tokens.
//
// Two implementations with the same contract: portable scalar code and AVX2+FMA, chosen at run
// time from what the CPU reports (the binary itself targets baseline x86-64). They sum in
// different orders, so results agree to rounding, not bit for bit.
#pragma once

#include <cstdint>

#include "engine/numeric/bf16.h"

namespace ponder::cpu {

inline constexpr int max_dot_batch = 4;

enum class SimdLevel { scalar, avx2 };

const char* simd_level_name(SimdLevel level);  // "scalar" / "avx2+fma"

// The best level this CPU supports (cpuid), unless PONDER_SIMD=scalar is set in the environment.
SimdLevel detected_simd_level();

struct DotKernels {
    // out[b] = sum_k w[k] * x[b * x_stride + k] for b < batch (1..max_dot_batch), k < n.
    void (*bf16_rows)(const bf16* w, const float* x, std::int64_t x_stride, int batch,
                      std::int64_t n, float* out);

    // The same for one MXFP4 row (docs/gpt-oss.md §3): `blocks` [n_blocks, 16] packed nibbles
    // (low nibble = even element), `scales` [n_blocks] E8M0 exponents (2^(s-127)); the row has
    // n_blocks * 32 elements. x must be in the kernel's order: see mxfp4_order_x.
    void (*mxfp4_rows)(const std::uint8_t* blocks, const std::uint8_t* scales, const float* x,
                       std::int64_t x_stride, int batch, std::int64_t n_blocks, float* out);

    // Writes x [n] (a multiple of 32) in the element order mxfp4_rows reads within each block of
    // 32. Decoding nibbles straight into the lanes where they land, instead of shuffling them
    // back into order, saves a quarter of the AVX2 kernel's work; x is reordered once per
    // product and reused by every row.
    void (*mxfp4_order_x)(const float* x, std::int64_t n, float* out);

    // sum_k a[k] * b[k] in f32 (attention scores).
    float (*f32_dot)(const float* a, const float* b, std::int64_t n);

    // y[k] += alpha * x[k] (attention's weighted sum of values).
    void (*f32_axpy)(float alpha, const float* x, float* y, std::int64_t n);
};

// The kernels of one level; `level` must not exceed what the CPU supports.
const DotKernels& dot_kernels(SimdLevel level);

// The kernels of detected_simd_level(), chosen once.
const DotKernels& best_dot_kernels();

namespace detail {
const DotKernels& avx2_dot_kernels();  // only call when the CPU has AVX2 and FMA
}

}  // namespace ponder::cpu
