// Matrix products of f32 activations with checkpoint weights, spread over the thread pool by
// output rows. Weights are [out, in] (y = W x + b), read in place from the mapped checkpoint.
// Each weight row is loaded once per group of up to four tokens (dot.h), so a prefill batch
// costs little more memory traffic than one decoded token.
#pragma once

#include <cstdint>
#include <span>

#include "engine/cpu/dot.h"
#include "engine/cpu/thread_pool.h"
#include "engine/model/weights.h"

namespace ponder::cpu {

// One bf16 linear layer's share of a fused product: out[b * out_stride + r] = W[r] . x[b] +
// bias[r].
struct Bf16Linear {
    const bf16* weight = nullptr;  // [rows, cols]
    const bf16* bias = nullptr;    // [rows], or null for none
    std::int64_t rows = 0;
    float* out = nullptr;  // [batch, out_stride]
    std::int64_t out_stride = 0;
};

// Applies every linear in `linears` (all with `cols` inputs) to x [batch, cols] in one parallel
// pass, so q, k and v (or several small matrices) share one synchronisation.
void f32_bf16w_matmul(ThreadPool& pool, const DotKernels& dot, std::span<const Bf16Linear> linears,
                      const float* x, std::int64_t batch, std::int64_t cols);

// One expert's share of an MXFP4 product: out[b * rows + r] = W_e[r] . x[b] + bias_e[r] for the
// `batch` token rows of x routed to expert e.
struct ExpertJob {
    std::int64_t expert = 0;
    const float* x = nullptr;  // [batch, cols]
    std::int64_t batch = 0;
    float* out = nullptr;  // [batch, rows]
};

// Runs every job against `weight` (bias [experts, rows] bf16) in one parallel pass over
// (job, row) pairs.
void f32_mxfp4w_matmul(ThreadPool& pool, const DotKernels& dot, const Mxfp4Tensor& weight,
                       const bf16* bias, std::span<const ExpertJob> jobs);

}  // namespace ponder::cpu
