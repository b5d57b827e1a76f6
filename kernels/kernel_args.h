// Argument structs of every CUDA kernel, shared by the host launchers (launchers.h) and the device
// code, so that a field means the same thing on both sides (docs/architecture.md §4). Plain C++17,
// no CUDA headers: the engine, the tests and nvcc all include it.
//
// Conventions for every struct below:
// - Pointers are device pointers unless a comment says otherwise; shapes are on the fields, row
//   major, the last index fastest.
// - bf16 and fp16 values are stored as their 16-bit patterns (bf16_bits / f16_bits).
// - "T" is the number of tokens of the chunk being processed; token t sits at absolute position
//   *pos0 + t. pos0 lives in device memory so that a captured CUDA graph replays at a new
//   position without any host write (i32_advance_position moves it on the device).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ponder::kernels {

using bf16_bits = std::uint16_t;
using f16_bits = std::uint16_t;

// The shapes the kernels are specialised for (gpt-oss-20b/120b, docs/gpt-oss.md §1). The engine
// checks a loaded config against them once, with kernels::check_gpt_oss_shapes().
inline constexpr int kHeadDim = 64;  // head_dim
inline constexpr int kRopePairs = kHeadDim / 2;
inline constexpr int kQueriesPerKvHead = 8;  // GQA group: query head h uses KV head h / 8
inline constexpr int kTopK = 4;              // experts per token
inline constexpr int kMxfp4BlockElems = 32;  // MXFP4 block along the input dimension
inline constexpr int kMaxHidden = 4096;      // largest hidden/intermediate/input width accepted
inline constexpr int kMaxMatvecCols = 8192;  // largest mat-vec input width (o_proj: 4096)

// One layer's KV cache. Position p lives in slot p % capacity, for full and sliding layers alike:
// a full layer needs capacity > every position it will see; a sliding layer needs
// capacity >= window + T - 1 for a chunk of T tokens (= window for one-token decode steps),
// because the chunk's keys are written before its queries read the window behind them.
struct KvCacheView {
    bf16_bits* k = nullptr;  // [num_kv_heads, capacity, 64] keys after RoPE
    bf16_bits* v = nullptr;  // [num_kv_heads, capacity, 64]
    int capacity = 0;        // slots per KV head
    int window = 0;          // 0: full attention (j <= i); W > 0: sliding (i - W < j <= i)
};

// --- embedding + norm (embedding_norm.cu) -----------------------------------------------------

struct EmbeddingArgs {
    const std::int32_t* tokens = nullptr;  // [T] token ids; an id outside [0, vocab) gives zeros
    const bf16_bits* table = nullptr;      // [vocab, hidden] embedding rows
    float* x = nullptr;                    // [T, hidden] residual stream, overwritten
    int num_tokens = 0;
    int hidden = 0;  // multiple of 8
    int vocab = 0;
};

// x += delta (+ delta_bias); out = x * rsqrt(mean(x^2) + eps) * weight, rounded to bf16
// (docs/gpt-oss.md §4.3: f32 statistics, scale after normalisation, bf16 result).
struct RmsnormArgs {
    float* x = nullptr;                     // [T, hidden] residual (written back when delta set)
    const float* delta = nullptr;           // [T, hidden] or nullptr: the block output to add
    const bf16_bits* delta_bias = nullptr;  // [hidden] or nullptr: a bias the GEMM left out
    const bf16_bits* weight = nullptr;      // [hidden] norm scale
    bf16_bits* out = nullptr;               // [T, hidden] normalised activations
    int num_tokens = 0;
    int hidden = 0;  // multiple of 4, <= kMaxHidden
    float eps = 1e-5f;
};

// --- dense projections (matvec.cu, gemm_cublas.cpp) ------------------------------------------

// One token: y[s][r] = sum over the s-th column slice of W[r][k] * x[k] (+ bias[r] in slice 0).
// With k_splits == 1 this is y = W x + b. k_splits > 1 spreads narrow matrices (the router: 32
// or 128 rows) over more SMs; the consumer sums the slices in order (f32_topk_softmax does).
struct MatvecArgs {
    const bf16_bits* weight = nullptr;  // [rows, cols]
    const bf16_bits* bias = nullptr;    // [rows] or nullptr
    const bf16_bits* x = nullptr;       // [cols]
    float* y = nullptr;                 // [k_splits, rows]
    int rows = 0;
    int cols = 0;      // multiple of 8, <= kMaxMatvecCols
    int k_splits = 1;  // 1..16; cols / 8 / k_splits >= 32 keeps lanes busy
};

// Many tokens (cuBLAS): y[T, rows] = x[T, cols] * W^T + beta * y. bf16 inputs, f32 output.
struct GemmArgs {
    const bf16_bits* weight = nullptr;  // [rows, cols]
    const bf16_bits* x = nullptr;       // [T, cols]
    float* y = nullptr;                 // [T, rows]
    int num_tokens = 0;
    int rows = 0;
    int cols = 0;
    float beta = 0.0f;
};

// --- q/k/v + RoPE (qkv_rope.cu) ---------------------------------------------------------------

// NeoX half-split RoPE on (d, d+32) pairs, YaRN folded into inv_freq and attention_factor
// (docs/gpt-oss.md §4.4-4.5): c = m cos(p * inv_freq[i]), s = m sin(p * inv_freq[i]).
struct RopeParams {
    const float* inv_freq = nullptr;     // [32] device, precomputed by the engine
    float attention_factor = 1.0f;       // m, multiplies cos and sin
    const std::int32_t* pos0 = nullptr;  // device scalar: position of token 0
};

// The packed projection has (num_kv_heads * 8 + 2 * num_kv_heads) * 64 output rows: q heads,
// then k heads, then v heads (docs/gpt-oss.md §4.4; HF's q/k/v weights concatenated by rows).
struct QkvRopeDecodeArgs {
    const bf16_bits* weight = nullptr;  // [qkv_rows, hidden]
    const bf16_bits* bias = nullptr;    // [qkv_rows]
    const bf16_bits* x = nullptr;       // [hidden] normalised activations of the one token
    RopeParams rope;
    bf16_bits* q = nullptr;  // [num_q_heads, 64] rotated query
    KvCacheView cache;       // receives k (rotated) and v at slot *pos0 % capacity
    int num_kv_heads = 0;
    int hidden = 0;  // multiple of 8, <= kMaxMatvecCols
};

struct QkvRopePrefillArgs {
    const float* qkv = nullptr;       // [T, qkv_rows] GEMM output without bias
    const bf16_bits* bias = nullptr;  // [qkv_rows]
    RopeParams rope;
    bf16_bits* q = nullptr;  // [T, num_q_heads, 64]
    KvCacheView cache;
    int num_tokens = 0;
    int num_kv_heads = 0;
};

// --- attention (attention_decode.cu, attention_prefill.cu) -------------------------------------

// Scaled dot-product attention with one learned sink logit per query head (unscaled, no value)
// and an optional sliding window (docs/gpt-oss.md §4.6). Query t at position *pos0 + t attends
// to keys j in [lo, *pos0 + t] read from cache slots j % capacity.
struct SdpaArgs {
    const bf16_bits* q = nullptr;        // [T, num_kv_heads * 8, 64]
    KvCacheView cache;                   // read only
    const bf16_bits* sinks = nullptr;    // [num_kv_heads * 8]
    const std::int32_t* pos0 = nullptr;  // device scalar
    bf16_bits* out = nullptr;            // [T, num_kv_heads * 8, 64]
    int num_tokens = 0;
    int num_kv_heads = 0;
    float scale = 0.125f;  // 1 / sqrt(64), applied to q.k only
};

// Decode (T == 1): the key range is cut into num_splits pieces, each block reduces one piece of one
// KV head for its 8 query heads, and a combine kernel merges the pieces and the sink.
struct SdpaDecodeArgs {
    SdpaArgs attn;
    float* partials = nullptr;  // sdpa_decode_partials_bytes(num_kv_heads, num_splits) bytes
    int num_splits = 1;         // 1..kMaxSdpaSplits; grid fixed at capture time
};
inline constexpr int kMaxSdpaSplits = 256;

// --- router (router_topk.cu) ------------------------------------------------------------------

// logits summed over num_partials slices (+ bias), top-4 by value (ties: lower expert index
// first), softmax over the 4 selected (docs/gpt-oss.md §4.7).
struct TopkSoftmaxArgs {
    const float* logits = nullptr;       // [num_partials, T, E]
    const bf16_bits* bias = nullptr;     // [E] or nullptr (already in the logits)
    std::int32_t* expert_idx = nullptr;  // [T, 4], descending logit
    float* expert_weight = nullptr;      // [T, 4], sums to 1
    int num_tokens = 0;
    int num_experts = 0;  // 32 or 128
    int num_partials = 1;
};

// --- MoE experts (mxfp4_repack.cu, moe_decode.cu, moe_grouped.cu) ------------------------------

// A checkpoint MXFP4 tensor (docs/gpt-oss.md §3): blocks [E, rows, cols/32, 16] (low nibble =
// even element) and scales [E, rows, cols/32] (2^(s-127)). u8_mxfp4_repack_mma rewrites it into
// the "MMA tile layout" the expert kernels read (mxfp4_layout.h): same bytes, reordered so that
// each lane of a warp loads its tensor-core fragments with one 16-byte load.
struct Mxfp4RepackArgs {
    const std::uint8_t* blocks = nullptr;  // [E, rows, cols/32, 16] checkpoint layout
    const std::uint8_t* scales = nullptr;  // [E, rows, cols/32]
    std::uint8_t* tile_blocks = nullptr;   // same size, MMA tile layout
    std::uint8_t* tile_scales = nullptr;   // same size, MMA tile layout
    int num_experts = 0;
    int rows = 0;                      // multiple of 16
    int cols = 0;                      // multiple of 64
    bool gate_up_interleaved = false;  // true for MLP1: pair gate row 2j with up row 2j+1
};

// One layer's experts in the MMA tile layout. H = hidden, I = intermediate.
struct Mxfp4Experts {
    const std::uint8_t* gate_up_blocks = nullptr;  // MLP1 [E, 2I, H/32, 16] tile layout
    const std::uint8_t* gate_up_scales = nullptr;  // [E, 2I, H/32] tile layout
    const bf16_bits* gate_up_bias = nullptr;       // [E, 2I], rows interleaved (even = gate)
    const std::uint8_t* down_blocks = nullptr;     // MLP2 [E, H, I/32, 16] tile layout
    const std::uint8_t* down_scales = nullptr;     // [E, H, I/32] tile layout
    const bf16_bits* down_bias = nullptr;          // [E, H]
    int num_experts = 0;                           // 32 or 128
    int hidden = 0;                                // H, multiple of 64, <= kMaxHidden
    int intermediate = 0;                          // I, multiple of 64, <= kMaxHidden
    float swiglu_limit = 7.0f;                     // gate <= limit, -limit <= up <= limit
    float swiglu_alpha = 1.702f;                   // gate * sigmoid(alpha * gate) * (up + 1)
};

// Decode (one token): gate/up for the 4 selected experts + SwiGLU, then down + bias, weighted by
// the routing weights, summed in slot order and added to the residual.
struct MoeDecodeArgs {
    Mxfp4Experts experts;
    const bf16_bits* x = nullptr;              // [H] normalised activations
    const std::int32_t* expert_idx = nullptr;  // [4]
    const float* expert_weight = nullptr;      // [4]
    f16_bits* act = nullptr;                   // [4, I] scratch: SwiGLU output, MMA order
    float* residual = nullptr;                 // [H] += MoE output
};

// Prefill (T tokens): token slots grouped by expert (i32_moe_group_by_expert), expert tiles of
// 64 slots through tensor-core MMA, then a combine that adds sum_n w[t][n] * y[slot] to x[t].
// All intermediate buffers live in one workspace; moe_grouped_scratch() carves it.
struct MoeGroupedScratch {
    std::int32_t* expert_offsets = nullptr;  // [E + 1] first sorted slot of each expert
    std::int32_t* tile_offsets = nullptr;    // [E + 1] first 64-slot tile of each expert
    std::int32_t* sorted_slots = nullptr;    // [4T] slot ids (t * 4 + n) grouped by expert
    std::int32_t* slot_position = nullptr;   // [4T] inverse: sorted position of slot t * 4 + n
    f16_bits* act = nullptr;                 // [4T, I] SwiGLU output, MMA order
    float* expert_out = nullptr;             // [4T, H] down projection + bias per sorted slot
};

struct MoeGroupedArgs {
    Mxfp4Experts experts;
    const bf16_bits* x = nullptr;              // [T, H] normalised activations
    const std::int32_t* expert_idx = nullptr;  // [T, 4]
    const float* expert_weight = nullptr;      // [T, 4]
    float* residual = nullptr;                 // [T, H] += MoE output
    MoeGroupedScratch scratch;
    int num_tokens = 0;
};
inline constexpr int kMoeTileTokens = 64;  // expert slots per tensor-core tile (prefill)

// --- sampling (sampling.cu) -------------------------------------------------------------------

// Picks the next token on the GPU so that the 201,088 logits never cross to the host.
// Greedy: argmax, ties to the lower id. Otherwise softmax(logits / temperature), keep the smallest
// set of highest-probability tokens whose mass reaches top_p (all tokens tied with the last one
// kept), and draw from it with u = sample_uniform(seed, *rng_counter); the counter is then
// incremented on the device, so each replay of a captured graph draws a fresh number.
struct SampleArgs {
    const float* logits = nullptr;  // [vocab], finite or -inf
    int vocab = 0;
    float temperature = 1.0f;  // > 0 (top-p); unused by argmax
    float top_p = 1.0f;        // (0, 1]; 1 skips the nucleus search
    std::uint64_t seed = 0;
    std::uint64_t* rng_counter = nullptr;  // device scalar, read then incremented (top-p only)
    std::int32_t* token = nullptr;         // device scalar: the chosen id
    void* workspace = nullptr;             // sample_workspace_bytes() bytes
};

// --- random fill (random_fill.cu) --------------------------------------------------------------

struct RandomFillArgs {
    void* out = nullptr;  // bf16_bits [count] or std::uint8_t [count]
    std::size_t count = 0;
    std::uint64_t seed = 0;
    float mean = 0.0f;  // bf16: the distribution's mean and standard deviation
    float stddev = 1.0f;
    int lo = 0;  // u8: inclusive range
    int hi = 255;
};

}  // namespace ponder::kernels
