// The mixture-of-experts block's pieces (docs/gpt-oss.md §4.7): top-k routing on raw router
// logits followed by a softmax over the k chosen, and the clamped SwiGLU between the two MXFP4
// expert matrices.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/cpu/dot.h"
#include "engine/cpu/thread_pool.h"
#include "engine/model/weights.h"

namespace ponder::cpu {

// For each of `batch` rows of router logits [batch, num_experts]: the k largest logits, largest
// first (equal logits: the lower expert index first, as Metal's kernel), and their softmax.
// experts/weights are [batch, k]. A NaN logit counts as -inf, so the k ids are always valid and
// distinct, as the CUDA router's; logits equal to the top one weigh exp(0) = 1 even when infinite.
void route_top_k(const float* logits, std::int64_t batch, std::int64_t num_experts, std::int64_t k,
                 std::int32_t* experts, float* weights);

// gate_up [rows, 2 * intermediate] with gate at even and up at odd columns ->
// out [rows, intermediate] = g * sigmoid(alpha * g) * (u + 1), g = min(gate, limit),
// u = clamp(up, -limit, limit).
void swiglu_clamped(const float* gate_up, std::int64_t rows, std::int64_t intermediate, float limit,
                    float alpha, float* out);

// Scratch of one MoE block call, reused across layers and calls (grows to the largest batch).
struct MoeScratch {
    std::vector<float> router_logits;   // [batch, experts]
    std::vector<std::int32_t> experts;  // [batch, k]
    std::vector<float> weights;         // [batch, k]
    std::vector<std::int64_t>
        slot_row;                   // [batch, k]: row of that (token, slot) in the buffers below
    std::vector<float> expert_in;   // [batch * k, hidden], grouped by expert
    std::vector<float> gate_up;     // [batch * k, 2 * intermediate]
    std::vector<float> activated;   // [batch * k, intermediate]
    std::vector<float> expert_out;  // [batch * k, hidden]
};

struct MoeShape {
    std::int64_t hidden = 0;
    std::int64_t intermediate = 0;
    std::int64_t num_experts = 0;
    std::int64_t experts_per_token = 0;
    float swiglu_limit = 7.0f;
    float swiglu_alpha = 1.702f;
};

// out [batch, hidden] = sum over each token's k experts of weight * (W2 swiglu(W1 t + b1) + b2).
// Tokens routed to the same expert share one pass over its weights. A token's contributions are
// summed in slot order, so its result does not depend on what else is in the batch.
void moe_block(ThreadPool& pool, const DotKernels& dot, const MoeShape& shape,
               const LayerWeights& layer, const float* t, std::int64_t batch, MoeScratch& scratch,
               float* out);

}  // namespace ponder::cpu
