// The forward pass as kernel launches (docs/gpt-oss.md §4): embed -> per layer (attention block,
// MoE block) -> final norm -> unembed. Each function only enqueues on the model's stream; none
// synchronises, allocates or copies to the host, so the decode functions can be captured in a
// CUDA graph. Positions come from the device scalar `position` (token t of a chunk sits at
// *position + t).
//
// Per layer, decode (one token):
//   rmsnorm(x) -> t; q/k/v mat-vec + RoPE + cache write; split-K attention + combine -> attn;
//   o_proj mat-vec (+ bias) -> delta; x += delta, rmsnorm -> t; router mat-vec (4 column slices);
//   top-4 + softmax (+ bias); MoE gate/up + SwiGLU for the 4 experts; MoE down, weighted, += x.
// Per layer, prefill (a chunk of T tokens):
//   rmsnorm -> t; cuBLAS q/k/v GEMM -> bias + RoPE + cache write; flash attention on tensor cores;
//   cuBLAS o_proj GEMM -> delta; x += delta + o_bias, rmsnorm -> t; cuBLAS router GEMM; top-4
//   (+ bias); grouped MoE: group slots by expert, gate/up + SwiGLU tiles, down tiles, combine += x.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/module/device_model.h"

namespace ponder::kernels::module {

struct StepTarget {
    DeviceModel& model;
    const std::vector<KvCacheView>& caches;  // [layers]
    const std::int32_t* position;            // device scalar
    int full_splits = 1;                     // decode attention splits of full layers
};

// x[0..T) = embedding rows of tokens[0..T) (device ids).
Status enqueue_embedding(StepTarget& target, const std::int32_t* tokens, int num_tokens);

Status enqueue_prefill_layer(StepTarget& target, int layer, int num_tokens);
Status enqueue_decode_layer(StepTarget& target, int layer);

// t[first_row .. first_row + rows) = final RMSNorm of the same rows of x.
Status enqueue_final_norm(StepTarget& target, int first_row, int rows);

// logits[0..rows) = unembedding . t[first_row .. first_row + rows): a mat-vec for one row, a
// cuBLAS GEMM for more (rows <= kLogitsRows).
Status enqueue_unembedding(StepTarget& target, int first_row, int rows);

// The next token from logits row 0 into *token: argmax at temperature 0, else top-p.
Status enqueue_sample(StepTarget& target, const ponder_cuda_sampling& sampling, std::int32_t* token,
                      std::uint64_t* draw_counter);

}  // namespace ponder::kernels::module
