// q/k/v projection epilogue: bias, NeoX RoPE with YaRN's inv_freq and attention factor (pairs
// (i, i+32) of each 64-dim head; q and k only), q out in bf16, k and v into the cache slot of the
// token's position (docs/gpt-oss.md §4.4-4.5, §4.9). Decode fuses the mat-vec into the same pass:
// one warp computes both rows of a RoPE pair, so the rotation needs no exchange between warps.
#include "kernels/launch_checks.h"
#include "kernels/matvec_warp.cuh"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kWarps = 8;

// Rotates (when head is a q or k head) and stores rows (i, i + 32) of `head` for one token.
// Heads are numbered q heads, then k heads, then v heads, as the packed projection's rows.
__device__ __forceinline__ void rope_store(int head, int i, float v0, float v1, int pos,
                                           const RopeParams& rope, int num_kv_heads,
                                           bf16_bits* q_token, const KvCacheView& cache) {
    const int num_q_heads = num_kv_heads * kQueriesPerKvHead;
    bf16_bits* dst;
    if (head < num_q_heads + num_kv_heads) {
        // f32 angle as the references compute it; accurate sincosf (no fast-math): positions
        // reach 131072, where a fast sine's range reduction would be wrong.
        const float angle = static_cast<float>(pos) * rope.inv_freq[i];
        float sine, cosine;
        sincosf(angle, &sine, &cosine);
        const float c = rope.attention_factor * cosine;
        const float s = rope.attention_factor * sine;
        const float r0 = v0 * c - v1 * s;
        const float r1 = v1 * c + v0 * s;
        v0 = r0;
        v1 = r1;
    }
    if (head < num_q_heads) {
        dst = q_token + head * kHeadDim;
    } else {
        const int slot = pos % cache.capacity;
        const bool is_k = head < num_q_heads + num_kv_heads;
        const int kv_head = head - num_q_heads - (is_k ? 0 : num_kv_heads);
        dst = (is_k ? cache.k : cache.v) +
              (static_cast<std::size_t>(kv_head) * cache.capacity + slot) * kHeadDim;
    }
    dst[i] = f32_to_bf16(v0);
    dst[i + kRopePairs] = f32_to_bf16(v1);
}

// grid ceil(pairs / 8), block 256: warp w of block b owns RoPE pair p = 8b + w, i.e. rows
// (64 head + i, 64 head + i + 32) with head = p / 32, i = p % 32.
__global__ void __launch_bounds__(kWarps * 32) bf16_bf16w_qkv_rope_cache_d64(QkvRopeDecodeArgs a) {
    extern __shared__ uint4 x_storage[];
    bf16_bits* x_smem = reinterpret_cast<bf16_bits*>(x_storage);
    stage_chunks(x_smem, a.x, a.hidden / 8);
    __syncthreads();

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int pair = blockIdx.x * kWarps + warp;
    const int heads = a.num_kv_heads * (kQueriesPerKvHead + 2);
    if (pair >= heads * kRopePairs) return;
    const int head = pair / kRopePairs, i = pair % kRopePairs;
    const int r0 = head * kHeadDim + i, r1 = r0 + kRopePairs;
    float sum0 = 0.0f, sum1 = 0.0f;
    dot2_bf16_partial(a.weight + static_cast<std::size_t>(r0) * a.hidden,
                      a.weight + static_cast<std::size_t>(r1) * a.hidden, x_smem, a.hidden / 8,
                      sum0, sum1);
    sum0 = warp_sum(sum0);
    sum1 = warp_sum(sum1);
    if (lane == 0) {
        rope_store(head, i, sum0 + bf16_to_f32(a.bias[r0]), sum1 + bf16_to_f32(a.bias[r1]),
                   *a.rope.pos0, a.rope, a.num_kv_heads, a.q, a.cache);
    }
}

// One thread per (token, RoPE pair); consecutive threads take consecutive pairs of a head, so
// the f32 reads and bf16 writes are coalesced.
__global__ void f32_qkv_bias_rope_cache_d64(QkvRopePrefillArgs a) {
    const int heads = a.num_kv_heads * (kQueriesPerKvHead + 2);
    const int pairs = heads * kRopePairs;
    const long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (index >= static_cast<long long>(a.num_tokens) * pairs) return;
    const int t = static_cast<int>(index / pairs);
    const int pair = static_cast<int>(index % pairs);
    const int head = pair / kRopePairs, i = pair % kRopePairs;
    const int r0 = head * kHeadDim + i, r1 = r0 + kRopePairs;
    const float* row = a.qkv + static_cast<std::size_t>(t) * heads * kHeadDim;
    const int num_q_heads = a.num_kv_heads * kQueriesPerKvHead;
    rope_store(head, i, row[r0] + bf16_to_f32(a.bias[r0]), row[r1] + bf16_to_f32(a.bias[r1]),
               *a.rope.pos0 + t, a.rope, a.num_kv_heads,
               a.q + static_cast<std::size_t>(t) * num_q_heads * kHeadDim, a.cache);
}

}  // namespace
}  // namespace gpu

namespace {

Status check_rope_and_cache(const char* name, const RopeParams& rope, const KvCacheView& cache,
                            int num_kv_heads) {
    PONDER_KERNELS_TRY(require_pointer(name, "rope.inv_freq", rope.inv_freq, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "rope.pos0", rope.pos0, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "cache.k", cache.k));
    PONDER_KERNELS_TRY(require_pointer(name, "cache.v", cache.v));
    PONDER_KERNELS_TRY(require_range(name, "cache.capacity", cache.capacity, 1, 1 << 24));
    PONDER_KERNELS_TRY(require_range(name, "cache.window", cache.window, 0, cache.capacity));
    PONDER_KERNELS_TRY(require_range(name, "num_kv_heads", num_kv_heads, 1, 64));
    return Status::success();
}

}  // namespace

Status bf16_bf16w_qkv_rope_cache_d64(const QkvRopeDecodeArgs& a, StreamHandle stream) {
    const char* name = "bf16_bf16w_qkv_rope_cache_d64";
    PONDER_KERNELS_TRY(require_pointer(name, "weight", a.weight));
    PONDER_KERNELS_TRY(require_pointer(name, "bias", a.bias, 2));
    PONDER_KERNELS_TRY(require_pointer(name, "x", a.x));
    PONDER_KERNELS_TRY(require_pointer(name, "q", a.q));
    PONDER_KERNELS_TRY(check_rope_and_cache(name, a.rope, a.cache, a.num_kv_heads));
    PONDER_KERNELS_TRY(require_multiple(name, "hidden", a.hidden, 8));
    PONDER_KERNELS_TRY(require_range(name, "hidden", a.hidden, 8, kMaxMatvecCols));
    const int pairs = a.num_kv_heads * (kQueriesPerKvHead + 2) * kRopePairs;
    const int blocks = (pairs + gpu::kWarps - 1) / gpu::kWarps;
    gpu::bf16_bf16w_qkv_rope_cache_d64<<<blocks, gpu::kWarps * 32,
                                         static_cast<std::size_t>(a.hidden) * 2, stream>>>(a);
    return gpu::check_launch(name);
}

Status f32_qkv_bias_rope_cache_d64(const QkvRopePrefillArgs& a, StreamHandle stream) {
    const char* name = "f32_qkv_bias_rope_cache_d64";
    PONDER_KERNELS_TRY(require_pointer(name, "qkv", a.qkv, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "bias", a.bias, 2));
    PONDER_KERNELS_TRY(require_pointer(name, "q", a.q));
    PONDER_KERNELS_TRY(check_rope_and_cache(name, a.rope, a.cache, a.num_kv_heads));
    PONDER_KERNELS_TRY(require_range(name, "num_tokens", a.num_tokens, 1, 1 << 20));
    if (a.cache.window == 0 && a.num_tokens > a.cache.capacity) {
        return Status::error(StatusCode::invalid_argument,
                             "%s: %d tokens do not fit a full-attention cache of %d slots", name,
                             a.num_tokens, a.cache.capacity);
    }
    if (a.cache.window > 0 && a.num_tokens + a.cache.window - 1 > a.cache.capacity) {
        return Status::error(StatusCode::invalid_argument,
                             "%s: a chunk of %d tokens needs a sliding cache of at least %d "
                             "slots (window %d + tokens - 1), have %d",
                             name, a.num_tokens, a.num_tokens + a.cache.window - 1, a.cache.window,
                             a.cache.capacity);
    }
    const long long threads = static_cast<long long>(a.num_tokens) * a.num_kv_heads *
                              (kQueriesPerKvHead + 2) * kRopePairs;
    const int block = 256;
    gpu::f32_qkv_bias_rope_cache_d64<<<static_cast<unsigned>((threads + block - 1) / block), block,
                                       0, stream>>>(a);
    return gpu::check_launch(name);
}

}  // namespace ponder::kernels
