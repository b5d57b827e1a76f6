// Prefill attention (flash attention 2 on bf16 tensor cores) with learned sinks and an optional
// sliding window (docs/gpt-oss.md §4.6). Block (query tile, kv_head) takes 16 consecutive query
// tokens; warp w computes query head 8 kv_head + w for them, so each K/V tile staged in shared
// memory serves the 8 heads of the GQA group. Per 64-key tile: S = Q K^T (mma m16n8k16), mask,
// online softmax in the log2 domain, O += P V with P re-packed from S's accumulators as the A
// operand (the FA2 register trick). The running max starts at the sink logit and the running
// sum at 1 (the sink's own exp(0)), so the sink joins the denominator with no value vector.
#include "kernels/cuda_common.cuh"
#include "kernels/launch_checks.h"
#include "kernels/mma.cuh"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kQueryRows = 16;  // tokens per block = the mma M dimension
constexpr int kKeyTile = 64;
constexpr int kRowStride = kHeadDim + 8;  // bf16 per shared row: 16-byte aligned, and the
                                          // 8 rows x 4 words of a fragment load hit 32 banks
constexpr float kLog2e = 1.4426950408889634f;

__global__ void __launch_bounds__(kQueriesPerKvHead * 32)
    bf16_sdpa_sink_window_d64_prefill(SdpaArgs a) {
    __shared__ __align__(16) bf16_bits k_tile[2][kKeyTile][kRowStride];
    __shared__ __align__(16) bf16_bits v_tile[2][kKeyTile][kRowStride];

    const KvCacheView& cache = a.cache;
    const int kv_head = blockIdx.y;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int g = lane / 4, tid = lane % 4;
    const int head = kv_head * kQueriesPerKvHead + warp;
    const int num_q_heads = a.num_kv_heads * kQueriesPerKvHead;
    const int t0 = blockIdx.x * kQueryRows;
    const int t_last = min(t0 + kQueryRows - 1, a.num_tokens - 1);
    const int pos0 = *a.pos0;
    // The window's first key, but never one this chunk has overwritten: decode bounds its keys by
    // what the ring still holds the same way. A full layer's capacity is the session's maximum,
    // so there the bound matters only for a cache smaller than the context.
    const int key_lo = max(cache.window > 0 ? max(0, pos0 + t0 - cache.window + 1) : 0,
                           pos0 + a.num_tokens - cache.capacity);
    const int key_hi = pos0 + t_last;
    const int tiles = (key_hi - key_lo + kKeyTile) / kKeyTile;

    // A fragments of this warp's 16 x 64 query block (rows g and g + 8), 4 k16 steps.
    std::uint32_t qa[4][4];
    {
        const int rows[2] = {t0 + g, t0 + g + 8};
#pragma unroll
        for (int r = 0; r < 2; ++r) {
            const std::uint32_t* q_row = reinterpret_cast<const std::uint32_t*>(
                a.q + (static_cast<std::size_t>(rows[r]) * num_q_heads + head) * kHeadDim);
            const bool valid = rows[r] < a.num_tokens;
#pragma unroll
            for (int ks = 0; ks < 4; ++ks) {
                qa[ks][r] = valid ? q_row[8 * ks + tid] : 0u;          // dims 16ks + 2tid
                qa[ks][r + 2] = valid ? q_row[8 * ks + 4 + tid] : 0u;  // dims 16ks + 8 + 2tid
            }
        }
    }

    const bf16_bits* k_head =
        cache.k + static_cast<std::size_t>(kv_head) * cache.capacity * kHeadDim;
    const bf16_bits* v_head =
        cache.v + static_cast<std::size_t>(kv_head) * cache.capacity * kHeadDim;
    auto load_tile = [&](int stage, int tile) {
#pragma unroll
        for (int c = threadIdx.x; c < kKeyTile * 8; c += kQueriesPerKvHead * 32) {
            const int row = c / 8, part = c % 8;
            const int j = key_lo + tile * kKeyTile + row;
            const bool valid = j <= key_hi;
            const std::size_t offset =
                valid ? static_cast<std::size_t>(j % cache.capacity) * kHeadDim + part * 8 : 0;
            cp_async_16(&k_tile[stage][row][part * 8], k_head + offset, valid);
            cp_async_16(&v_tile[stage][row][part * 8], v_head + offset, valid);
        }
        cp_async_commit();
    };

    const float scale = a.scale * kLog2e;
    const float sink = bf16_to_f32(a.sinks[head]) * kLog2e;
    const int row_pos[2] = {pos0 + t0 + g, pos0 + t0 + g + 8};
    float row_max[2] = {sink, sink};
    // Lane-partial row sums; the sink's exp2(sink - sink) = 1 is counted once, in lane tid 0.
    float row_sum[2] = {tid == 0 ? 1.0f : 0.0f, tid == 0 ? 1.0f : 0.0f};
    float o[8][4] = {};  // 8 n-tiles of 8 dims

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

        float s[8][4] = {};
#pragma unroll
        for (int nt = 0; nt < 8; ++nt) {
            const std::uint32_t* k_row =
                reinterpret_cast<const std::uint32_t*>(k_tile[stage][nt * 8 + g]);
#pragma unroll
            for (int ks = 0; ks < 4; ++ks) {
                mma_bf16_16816(s[nt], qa[ks], k_row[8 * ks + tid], k_row[8 * ks + 4 + tid]);
            }
        }

        const int key_base = key_lo + tile * kKeyTile + 2 * tid;
#pragma unroll
        for (int nt = 0; nt < 8; ++nt) {
#pragma unroll
            for (int e = 0; e < 4; ++e) {
                const int j = key_base + nt * 8 + (e & 1);
                const int p = row_pos[e >> 1];
                const bool valid = j <= p && (cache.window == 0 || j > p - cache.window);
                s[nt][e] = valid ? s[nt][e] * scale : -INFINITY;
            }
        }
#pragma unroll
        for (int r = 0; r < 2; ++r) {
            float tile_max = -INFINITY;
#pragma unroll
            for (int nt = 0; nt < 8; ++nt) {
                tile_max = fmaxf(tile_max, fmaxf(s[nt][2 * r], s[nt][2 * r + 1]));
            }
            tile_max = fmaxf(tile_max, __shfl_xor_sync(kFullMask, tile_max, 1));
            tile_max = fmaxf(tile_max, __shfl_xor_sync(kFullMask, tile_max, 2));
            const float new_max = fmaxf(row_max[r], tile_max);  // finite: starts at the sink
            const float correction = exp2f(row_max[r] - new_max);
            row_max[r] = new_max;
            row_sum[r] *= correction;
#pragma unroll
            for (int nt = 0; nt < 8; ++nt) {
                o[nt][2 * r] *= correction;
                o[nt][2 * r + 1] *= correction;
                s[nt][2 * r] = exp2f(s[nt][2 * r] - new_max);
                s[nt][2 * r + 1] = exp2f(s[nt][2 * r + 1] - new_max);
                row_sum[r] += s[nt][2 * r] + s[nt][2 * r + 1];
            }
        }

#pragma unroll
        for (int kk = 0; kk < 4; ++kk) {  // keys 16kk .. 16kk + 15
            const std::uint32_t pa[4] = {pack_bf16x2(s[2 * kk][0], s[2 * kk][1]),
                                         pack_bf16x2(s[2 * kk][2], s[2 * kk][3]),
                                         pack_bf16x2(s[2 * kk + 1][0], s[2 * kk + 1][1]),
                                         pack_bf16x2(s[2 * kk + 1][2], s[2 * kk + 1][3])};
#pragma unroll
            for (int np = 0; np < 4; ++np) {  // dims 16np .. 16np + 15
                std::uint32_t vb[4];
                const int matrix = lane / 8;
                ldmatrix_x4_trans(vb, &v_tile[stage][16 * kk + (matrix & 1) * 8 + lane % 8]
                                             [16 * np + (matrix >> 1) * 8]);
                mma_bf16_16816(o[2 * np], pa, vb[0], vb[1]);
                mma_bf16_16816(o[2 * np + 1], pa, vb[2], vb[3]);
            }
        }
        __syncthreads();  // the stage is refilled at the top of the next iteration
    }

#pragma unroll
    for (int r = 0; r < 2; ++r) {
        row_sum[r] += __shfl_xor_sync(kFullMask, row_sum[r], 1);
        row_sum[r] += __shfl_xor_sync(kFullMask, row_sum[r], 2);
        const int t = t0 + g + 8 * r;
        if (t >= a.num_tokens) continue;
        std::uint32_t* out_row = reinterpret_cast<std::uint32_t*>(
            a.out + (static_cast<std::size_t>(t) * num_q_heads + head) * kHeadDim);
        const float inv = 1.0f / row_sum[r];
#pragma unroll
        for (int nt = 0; nt < 8; ++nt) {
            out_row[nt * 4 + tid] = pack_bf16x2(o[nt][2 * r] * inv, o[nt][2 * r + 1] * inv);
        }
    }
}

}  // namespace
}  // namespace gpu

Status bf16_sdpa_sink_window_d64_prefill(const SdpaArgs& a, StreamHandle stream) {
    const char* name = "bf16_sdpa_sink_window_d64_prefill";
    PONDER_KERNELS_TRY(require_pointer(name, "q", a.q));
    PONDER_KERNELS_TRY(require_pointer(name, "cache.k", a.cache.k));
    PONDER_KERNELS_TRY(require_pointer(name, "cache.v", a.cache.v));
    PONDER_KERNELS_TRY(require_pointer(name, "sinks", a.sinks, 2));
    PONDER_KERNELS_TRY(require_pointer(name, "pos0", a.pos0, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "out", a.out, 4));
    PONDER_KERNELS_TRY(require_range(name, "num_tokens", a.num_tokens, 1, 1 << 20));
    PONDER_KERNELS_TRY(require_range(name, "num_kv_heads", a.num_kv_heads, 1, 64));
    PONDER_KERNELS_TRY(require_range(name, "cache.capacity", a.cache.capacity, 1, 1 << 24));
    PONDER_KERNELS_TRY(require_range(name, "cache.window", a.cache.window, 0, a.cache.capacity));
    if (a.num_tokens >
        a.cache.capacity) {  // the chunk's first keys would be overwritten by its last
        return Status::error(StatusCode::invalid_argument,
                             "%s: %d queries need a cache of at least as many slots, have %d", name,
                             a.num_tokens, a.cache.capacity);
    }
    if (a.cache.window > 0 && a.num_tokens + a.cache.window - 1 > a.cache.capacity) {
        return Status::error(StatusCode::invalid_argument,
                             "%s: %d queries need a sliding cache of at least %d slots, have %d",
                             name, a.num_tokens, a.num_tokens + a.cache.window - 1,
                             a.cache.capacity);
    }
    const dim3 grid((a.num_tokens + gpu::kQueryRows - 1) / gpu::kQueryRows, a.num_kv_heads);
    gpu::bf16_sdpa_sink_window_d64_prefill<<<grid, kQueriesPerKvHead * 32, 0, stream>>>(a);
    return gpu::check_launch(name);
}

}  // namespace ponder::kernels
