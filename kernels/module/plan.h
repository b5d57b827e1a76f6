// The CUDA module's memory plan and KV-ring arithmetic: where every tensor, activation and cache
// lives in the module's three device allocations (weights, scratch, one per session), and which
// positions a sliding ring still holds. Plain C++ with no CUDA headers, so the same numbers that
// size the allocations are unit-tested on machines without a GPU (tests/unit/kernels) and used by
// ponder_cuda_api::plan_memory before anything is allocated.
//
// Allocation shape (all offsets 256-byte aligned):
//   weights  one arena: embedding, per layer (norms, packed q/k/v, o, sinks, router, experts in
//            the MMA tile layout), final norm, unembedding, RoPE table
//   scratch  one per model, shared by its sessions (forward passes are serialised): the
//            activations of one prefill chunk of up to `chunk` tokens, the decode step's
//            buffers, logits rows and the sampler's workspace
//   session  per session: K and V of every layer (full layers: max_tokens slots; sliding layers:
//            a ring) and the decode graph's device scalars (position, token, draw counter)
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ponder::kernels::module {

inline constexpr int kDefaultPrefillChunk = 1024;
inline constexpr int kLogitsRows = 32;  // rows per unembedding GEMM when all logits are wanted
inline constexpr int kMaxDecodeSplits = 128;
inline constexpr int kKeysPerSplitTarget = 512;  // full-layer decode attention: keys per split
                                                 // at the session's capacity
inline constexpr int kRouterSplits = 4;          // column slices of the decode router mat-vec
inline constexpr std::size_t kAlignment = 256;

inline std::size_t align_up(std::size_t bytes) {
    return (bytes + kAlignment - 1) / kAlignment * kAlignment;
}

// The model's shape as the device code sees it (validated elsewhere: check_gpt_oss_shapes).
struct ModelShape {
    std::int64_t vocab = 0;
    std::int64_t hidden = 0;
    std::int64_t q_heads = 0;
    std::int64_t kv_heads = 0;
    std::int64_t experts = 0;
    std::int64_t intermediate = 0;
    std::int64_t window = 0;
    std::vector<bool> sliding;  // [layers]

    std::int64_t layers() const { return static_cast<std::int64_t>(sliding.size()); }
    std::int64_t q_width() const { return q_heads * 64; }
    std::int64_t kv_width() const { return kv_heads * 64; }
    std::int64_t qkv_rows() const { return q_width() + 2 * kv_width(); }
    bool any_sliding() const;
};

// Byte offsets into the weight arena.
struct LayerOffsets {
    std::size_t attn_norm, qkv_weight, qkv_bias, o_weight, o_bias, sinks, mlp_norm;
    std::size_t router_weight, router_bias;
    std::size_t gate_up_blocks, gate_up_scales, gate_up_bias;
    std::size_t down_blocks, down_scales, down_bias;
};

struct WeightLayout {
    std::size_t embedding = 0, final_norm = 0, unembedding = 0, rope_inv_freq = 0;
    std::vector<LayerOffsets> layers;
    std::size_t total = 0;
};

WeightLayout plan_weights(const ModelShape& shape);

// Sizes of the kernels' own workspaces (from the launchers: moe_grouped_scratch_bytes,
// sdpa_decode_partials_bytes, sample_workspace_bytes), passed in so this file needs no CUDA.
struct KernelWorkspaces {
    std::size_t moe_grouped = 0;    // for `chunk` tokens
    std::size_t sdpa_partials = 0;  // for kMaxDecodeSplits
    std::size_t sampler = 0;
};

struct ScratchLayout {
    int chunk = 0;              // most tokens of one prefill step
    std::size_t tokens;         // i32 [chunk]
    std::size_t x;              // f32 [chunk, H] residual stream
    std::size_t t;              // bf16 [chunk, H] normalised activations
    std::size_t qkv;            // f32 [chunk, qkv_rows] q/k/v GEMM output
    std::size_t q;              // bf16 [chunk, q_heads, 64]
    std::size_t attn;           // bf16 [chunk, q_heads, 64]
    std::size_t delta;          // f32 [chunk, H] o_proj output
    std::size_t router;         // f32 [max(chunk, kRouterSplits), E]
    std::size_t expert_idx;     // i32 [chunk, 4]
    std::size_t expert_weight;  // f32 [chunk, 4]
    std::size_t moe_grouped;    // the grouped MoE workspace
    std::size_t moe_act;        // f16 [4, I] decode SwiGLU output
    std::size_t partials;       // decode attention splits
    std::size_t logits;         // f32 [kLogitsRows, vocab]
    std::size_t sampler;        // sampler workspace
    std::size_t total = 0;
};

ScratchLayout plan_scratch(const ModelShape& shape, int chunk, const KernelWorkspaces& sizes);

// Slots of a sliding layer's ring: the window, plus room for a whole prefill chunk (its keys are
// written before its queries read the window behind them: capacity >= window + chunk - 1), plus
// `retain` positions so that truncating back by that much keeps every window intact.
std::int64_t ring_capacity(std::int64_t window, std::int64_t retain, int chunk);

// Decode attention splits of a full layer whose cache holds `capacity` positions: enough that a
// split covers about kKeysPerSplitTarget keys at full depth (the grid is fixed when the decode
// step is captured; splits past the current key range exit at once).
int full_layer_decode_splits(std::int64_t capacity);
inline constexpr int kSlidingDecodeSplits = 2;  // 128 keys = 2 tiles of 64

struct SessionLayout {
    std::vector<std::int64_t> capacity;  // [layers] slots per KV head
    std::vector<std::size_t> k, v;       // [layers] offsets of [kv_heads, capacity, 64] bf16
    std::size_t state = 0;               // 256 bytes: i32 position, i32 token, u64 draw counter
    std::size_t total = 0;
    int full_splits = 1;
};

SessionLayout plan_session(const ModelShape& shape, std::int64_t max_tokens, std::int64_t retain,
                           int chunk);

// What a sliding ring still holds. Position p lives in slot p % capacity; writing positions up to
// `end` (exclusive) destroys positions below end - capacity. `lo` is the lowest position whose
// slot has not been overwritten since it was written.
struct RingState {
    std::int64_t lo = 0;

    void wrote_until(std::int64_t end, std::int64_t capacity) {
        if (end - capacity > lo) lo = end - capacity;
    }
    // Length a session of `length` positions keeps when truncated to n (<= length): n when the
    // window before n (positions [n - window + 1, n)) is still in the ring, else 0, because a
    // sliding layer's keys at any earlier position depend on windows that are gone.
    std::int64_t keep_after_truncate(std::int64_t n, std::int64_t window) const {
        if (n <= 0) return 0;
        const std::int64_t needed = n - window + 1 > 0 ? n - window + 1 : 0;
        return needed >= lo ? n : 0;
    }
};

// Bytes of device memory one model and one session need, for the fit check before loading:
// weights + scratch + session + `reserve` (cuBLAS workspace, graph and upload staging, slack).
inline constexpr std::size_t kReserveBytes = std::size_t{256} << 20;

}  // namespace ponder::kernels::module
