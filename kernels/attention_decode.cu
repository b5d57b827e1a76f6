// Decode attention (one query token) with learned sinks and an optional sliding window, split
// over the key range (flash-decoding). Block (kv_head, split) streams its share of that KV head's
// keys once for all 8 query heads of the group (GQA): warp w is query head 8 kv_head + w. Each
// split leaves an unnormalised (o, m, l) per head; the combine kernel merges the splits and adds
// the sink's exp(sink - M) to the denominator (docs/gpt-oss.md §4.6). Scores live in the log2
// domain (scaled by log2 e) so every exponential is one exp2.
//
// Graph-friendly: the grid is fixed by num_splits; the position and hence the key range are read
// on the device, and splits past the range exit at once (the combine never reads them).
#include "kernels/cuda_common.cuh"
#include "kernels/launch_checks.h"
#include "kernels/mma.cuh"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kTile = 64;           // keys per shared-memory tile
constexpr int kPartialStride = 68;  // floats per (split, head): o[64], m, l, 2 pad (16-byte rows)
constexpr float kLog2e = 1.4426950408889634f;

// The keys the query at `pos` sees, [lo, pos], and how they are cut into splits of `chunk` keys.
struct KeyRange {
    int lo;
    int chunk;
    int active;  // splits that hold keys
};

__device__ __forceinline__ KeyRange decode_key_range(int pos, int window, int capacity,
                                                     int num_splits) {
    int lo = window > 0 ? max(0, pos - window + 1) : 0;
    lo = max(lo, pos - capacity + 1);  // what the cache still holds
    const int length = pos - lo + 1;
    int chunk = (length + num_splits - 1) / num_splits;
    chunk = (max(chunk, kTile) + kTile - 1) / kTile * kTile;  // whole tiles, at least one
    return {lo, chunk, (length + chunk - 1) / chunk};
}

__global__ void __launch_bounds__(kQueriesPerKvHead * 32)
    bf16_sdpa_sink_window_d64_decode(SdpaDecodeArgs a) {
    __shared__ __align__(16) bf16_bits k_tile[2][kTile][kHeadDim];
    __shared__ __align__(16) bf16_bits v_tile[2][kTile][kHeadDim];
    __shared__ float2 q_scaled[kQueriesPerKvHead][kHeadDim / 2];
    __shared__ float probs[kQueriesPerKvHead][kTile];

    const SdpaArgs& attn = a.attn;
    const KvCacheView& cache = attn.cache;
    const int kv_head = blockIdx.x, split = blockIdx.y;
    const int pos = *attn.pos0;
    const KeyRange range = decode_key_range(pos, cache.window, cache.capacity, a.num_splits);
    if (split >= range.active) return;
    const int j_begin = range.lo + split * range.chunk;
    const int j_end = min(j_begin + range.chunk, pos + 1);
    const int tiles = (j_end - j_begin + kTile - 1) / kTile;

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int head = kv_head * kQueriesPerKvHead + warp;
    {
        const std::uint32_t qw =
            reinterpret_cast<const std::uint32_t*>(attn.q + head * kHeadDim)[lane];
        const float factor = attn.scale * kLog2e;
        q_scaled[warp][lane] = make_float2(bf16_lo(qw) * factor, bf16_hi(qw) * factor);
    }

    const bf16_bits* k_head =
        cache.k + static_cast<std::size_t>(kv_head) * cache.capacity * kHeadDim;
    const bf16_bits* v_head =
        cache.v + static_cast<std::size_t>(kv_head) * cache.capacity * kHeadDim;
    // 64 rows x 8 16-byte parts per matrix; 256 threads copy 2 parts of K and 2 of V each.
    auto load_tile = [&](int stage, int tile) {
#pragma unroll
        for (int c = threadIdx.x; c < kTile * 8; c += kQueriesPerKvHead * 32) {
            const int row = c / 8, part = c % 8;
            const int j = j_begin + tile * kTile + row;
            const bool valid = j < j_end;
            const std::size_t offset =
                valid ? static_cast<std::size_t>(j % cache.capacity) * kHeadDim + part * 8 : 0;
            cp_async_16(&k_tile[stage][row][part * 8], k_head + offset, valid);
            cp_async_16(&v_tile[stage][row][part * 8], v_head + offset, valid);
        }
        cp_async_commit();
    };

    float m = -INFINITY, l = 0.0f, o0 = 0.0f, o1 = 0.0f;  // o: dims 2 lane, 2 lane + 1
    load_tile(0, 0);
    for (int tile = 0; tile < tiles; ++tile) {
        const int stage = tile & 1;
        if (tile + 1 < tiles) {
            load_tile(stage ^ 1, tile + 1);
            cp_async_wait<1>();
        } else {
            cp_async_wait<0>();
        }
        __syncthreads();

        // Scores of keys `lane` and `lane + 32`; each lane walks the 32 dim pairs starting at its
        // own lane index, so the 32 lanes hit 32 different banks of their 32 different rows.
        float s_a = 0.0f, s_b = 0.0f;
#pragma unroll 8
        for (int w = 0; w < kHeadDim / 2; ++w) {
            const int ww = (w + lane) & 31;
            const float2 qv = q_scaled[warp][ww];
            const std::uint32_t ka =
                reinterpret_cast<const std::uint32_t*>(k_tile[stage][lane])[ww];
            const std::uint32_t kb =
                reinterpret_cast<const std::uint32_t*>(k_tile[stage][lane + 32])[ww];
            s_a = fmaf(qv.x, bf16_lo(ka), fmaf(qv.y, bf16_hi(ka), s_a));
            s_b = fmaf(qv.x, bf16_lo(kb), fmaf(qv.y, bf16_hi(kb), s_b));
        }
        const int j_a = j_begin + tile * kTile + lane;
        if (j_a >= j_end) s_a = -INFINITY;
        if (j_a + 32 >= j_end) s_b = -INFINITY;
        const float m_new =
            fmaxf(m, warp_max(fmaxf(s_a, s_b)));  // finite: key 0 of a tile is valid
        const float correction = exp2f(m - m_new);
        const float p_a = exp2f(s_a - m_new), p_b = exp2f(s_b - m_new);
        l = l * correction + warp_sum(p_a + p_b);
        m = m_new;
        probs[warp][lane] = p_a;
        probs[warp][lane + 32] = p_b;
        __syncwarp();
        o0 *= correction;
        o1 *= correction;
#pragma unroll 8
        for (int key = 0; key < kTile; ++key) {
            const float p = probs[warp][key];
            const std::uint32_t vv =
                reinterpret_cast<const std::uint32_t*>(v_tile[stage][key])[lane];
            o0 = fmaf(p, bf16_lo(vv), o0);
            o1 = fmaf(p, bf16_hi(vv), o1);
        }
        __syncthreads();  // the stage is refilled at the top of the next iteration
    }

    float* partial =
        a.partials +
        (static_cast<std::size_t>(split) * gridDim.x * kQueriesPerKvHead + head) * kPartialStride;
    reinterpret_cast<float2*>(partial)[lane] = make_float2(o0, o1);
    if (lane == 0) {
        partial[kHeadDim] = m;
        partial[kHeadDim + 1] = l;
    }
}

// grid num_q_heads, block 64 (one thread per dim).
__global__ void __launch_bounds__(kHeadDim) f32_sdpa_sink_combine_d64(SdpaDecodeArgs a) {
    const SdpaArgs& attn = a.attn;
    const int head = blockIdx.x, d = threadIdx.x;
    const int num_q_heads = gridDim.x;
    const KeyRange range =
        decode_key_range(*attn.pos0, attn.cache.window, attn.cache.capacity, a.num_splits);
    const float sink = bf16_to_f32(attn.sinks[head]) * kLog2e;
    float max_logit = sink;
    for (int s = 0; s < range.active; ++s) {
        max_logit =
            fmaxf(max_logit,
                  a.partials[(static_cast<std::size_t>(s) * num_q_heads + head) * kPartialStride +
                             kHeadDim]);
    }
    float denominator = exp2f(sink - max_logit);
    float acc = 0.0f;
    for (int s = 0; s < range.active; ++s) {
        const float* partial =
            a.partials + (static_cast<std::size_t>(s) * num_q_heads + head) * kPartialStride;
        const float weight = exp2f(partial[kHeadDim] - max_logit);
        denominator = fmaf(partial[kHeadDim + 1], weight, denominator);
        acc = fmaf(partial[d], weight, acc);
    }
    attn.out[head * kHeadDim + d] = f32_to_bf16(acc / denominator);
}

}  // namespace
}  // namespace gpu

std::size_t sdpa_decode_partials_bytes(int num_kv_heads, int num_splits) {
    return static_cast<std::size_t>(num_splits) * num_kv_heads * kQueriesPerKvHead *
           gpu::kPartialStride * sizeof(float);
}

Status bf16_sdpa_sink_window_d64_decode(const SdpaDecodeArgs& a, StreamHandle stream) {
    const char* name = "bf16_sdpa_sink_window_d64_decode";
    const SdpaArgs& attn = a.attn;
    PONDER_KERNELS_TRY(require_pointer(name, "q", attn.q));
    PONDER_KERNELS_TRY(require_pointer(name, "cache.k", attn.cache.k));
    PONDER_KERNELS_TRY(require_pointer(name, "cache.v", attn.cache.v));
    PONDER_KERNELS_TRY(require_pointer(name, "sinks", attn.sinks, 2));
    PONDER_KERNELS_TRY(require_pointer(name, "pos0", attn.pos0, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "out", attn.out, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "partials", a.partials));
    PONDER_KERNELS_TRY(require_range(name, "num_tokens", attn.num_tokens, 1, 1));
    PONDER_KERNELS_TRY(require_range(name, "num_kv_heads", attn.num_kv_heads, 1, 64));
    PONDER_KERNELS_TRY(require_range(name, "cache.capacity", attn.cache.capacity, 1, 1 << 24));
    PONDER_KERNELS_TRY(
        require_range(name, "cache.window", attn.cache.window, 0, attn.cache.capacity));
    PONDER_KERNELS_TRY(require_range(name, "num_splits", a.num_splits, 1, kMaxSdpaSplits));
    const dim3 grid(attn.num_kv_heads, a.num_splits);
    gpu::bf16_sdpa_sink_window_d64_decode<<<grid, kQueriesPerKvHead * 32, 0, stream>>>(a);
    PONDER_KERNELS_TRY(gpu::check_launch(name));
    gpu::f32_sdpa_sink_combine_d64<<<attn.num_kv_heads * kQueriesPerKvHead, kHeadDim, 0, stream>>>(
        a);
    return gpu::check_launch("f32_sdpa_sink_combine_d64");
}

}  // namespace ponder::kernels
