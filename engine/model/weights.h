// Views of a loaded checkpoint's tensors, bound by name and checked against the config
// (docs/gpt-oss.md §2-3). Pointers point into memory-mapped files: no copy of the weights exists.
// Both checkpoint layouts bind to this one struct; in the original/ layout q, k and v point at
// row slices of the packed qkv tensor (rows are contiguous, so no repacking is needed).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/numeric/bf16.h"

namespace ponder {

// MXFP4 expert weights, packed as in the checkpoint (docs/gpt-oss.md §3): for expert e, output row
// r and input index k, the value is FP4[nibble(blocks[e][r][k/32][(k%32)/2])] *
// 2^(scales[e][r][k/32]-127), low nibble = even k.
struct Mxfp4Tensor {
    const std::uint8_t* blocks = nullptr;  // [experts, rows, cols/32, 16]
    const std::uint8_t* scales = nullptr;  // [experts, rows, cols/32]
    std::int64_t experts = 0;
    std::int64_t rows = 0;  // output features
    std::int64_t cols = 0;  // input features (contraction), a multiple of 32
};

struct LayerWeights {
    const bf16* attn_norm = nullptr;      // [H]
    const bf16* q_weight = nullptr;       // [n_heads*d, H]
    const bf16* q_bias = nullptr;         // [n_heads*d]
    const bf16* k_weight = nullptr;       // [n_kv*d, H]
    const bf16* k_bias = nullptr;         // [n_kv*d]
    const bf16* v_weight = nullptr;       // [n_kv*d, H]
    const bf16* v_bias = nullptr;         // [n_kv*d]
    const bf16* o_weight = nullptr;       // [H, n_heads*d]
    const bf16* o_bias = nullptr;         // [H]
    const bf16* sinks = nullptr;          // [n_heads], raw logits (not scaled by 1/sqrt(d))
    const bf16* mlp_norm = nullptr;       // [H]
    const bf16* router_weight = nullptr;  // [E, H]
    const bf16* router_bias = nullptr;    // [E]
    Mxfp4Tensor gate_up;                  // rows = 2I, interleaved: even rows gate, odd rows up
    const bf16* gate_up_bias = nullptr;   // [E, 2I]
    Mxfp4Tensor down;                     // rows = H, cols = I
    const bf16* down_bias = nullptr;      // [E, H]
};

struct ModelWeights {
    const bf16* embedding = nullptr;    // [vocab, H]
    std::vector<LayerWeights> layers;   // [num_layers]
    const bf16* final_norm = nullptr;   // [H]
    const bf16* unembedding = nullptr;  // [vocab, H], not tied to the embedding
};

}  // namespace ponder
