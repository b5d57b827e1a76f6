// MoE for a prefill chunk of T tokens (docs/gpt-oss.md §4.7), MXFP4 experts kept packed:
//   i32_moe_group_by_expert                 the 4T (token, slot) pairs sorted by expert, stable
//   bf16_mxfp4w_moe_gate_up_swiglu_grouped  per (64-row block, 64-slot expert tile): W1 x + b1,
//                                           SwiGLU -> act [4T, I] (fp16, MMA order)
//   f16_mxfp4w_moe_down_grouped             W2 act + b2 -> expert_out [4T, H] (f32)
//   f32_moe_combine_residual                x[t] += sum_n w[t][n] expert_out[slot(t, n)]
// The tile kernels dequantise each 16-row MXFP4 tile-pair straight from global memory into fp16
// A fragments (mxfp4_layout.h) and reuse them for the 32 slots their warp owns; activations are
// staged in shared memory 128 inputs at a time. Results are deterministic: every output element
// is written by one thread, and the combine sums the 4 experts of a token in slot order.
// The grid of the tile kernels is fixed by T and E (an upper bound on the tiles); blocks past
// the real tile count, which depends on the routing, exit at once.
#include "kernels/launch_checks.h"
#include "kernels/moe_checks.h"
#include "kernels/moe_common.cuh"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kGroupThreads = 1024;
constexpr int kMaxExperts = 128;
constexpr int kTileWarps = 4;     // 2 (rows) x 2 (slot columns)
constexpr int kBlockRows = 64;    // 4 tiles of 16 rows; warp (wm, wn) owns tiles 2wm, 2wm + 1
constexpr int kChunkElems = 128;  // inputs per shared-memory stage = 2 tile-pairs
constexpr int kChunkGroups = kChunkElems / 8;
constexpr int kActStride = kChunkElems + 32;  // halves per staged row: rows g and g + 1 of a
                                              // fragment load fall in different bank halves
constexpr int kStagedPerThread = kMoeTileTokens * kChunkGroups / (kTileWarps * 32);

// Single block. Per chunk of 1024 slots, the rank of a slot among equal experts comes from
// __match_any_sync inside its warp plus the per-warp counts of the warps before it, so the
// order within an expert is the slot order (stable) and no atomics decide positions.
__global__ void __launch_bounds__(kGroupThreads) i32_moe_group_by_expert(MoeGroupedArgs a) {
    __shared__ int counts[kMaxExperts];
    __shared__ int cursor[kMaxExperts];
    __shared__ int warp_offsets[kGroupThreads / 32][kMaxExperts];
    const MoeGroupedScratch& sc = a.scratch;
    const int num_experts = a.experts.num_experts;
    const int slots = a.num_tokens * kTopK;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;

    for (int e = threadIdx.x; e < num_experts; e += blockDim.x)
        counts[e] = 0;
    __syncthreads();
    for (int i = threadIdx.x; i < slots; i += blockDim.x) {
        const int e = a.expert_idx[i];
        if (e >= 0 && e < num_experts) atomicAdd(&counts[e], 1);  // counts only: order-free
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        int offset = 0, tiles = 0;
        for (int e = 0; e < num_experts; ++e) {
            sc.expert_offsets[e] = offset;
            sc.tile_offsets[e] = tiles;
            cursor[e] = offset;
            offset += counts[e];
            tiles += (counts[e] + kMoeTileTokens - 1) / kMoeTileTokens;
        }
        sc.expert_offsets[num_experts] = offset;
        sc.tile_offsets[num_experts] = tiles;
    }
    for (int base = 0; base < slots; base += blockDim.x) {
        for (int i = threadIdx.x; i < (kGroupThreads / 32) * num_experts; i += blockDim.x) {
            warp_offsets[i / num_experts][i % num_experts] = 0;
        }
        __syncthreads();
        const int i = base + threadIdx.x;
        const int e = i < slots ? a.expert_idx[i] : -1;
        const bool valid = e >= 0 && e < num_experts;
        const unsigned peers = __match_any_sync(kFullMask, valid ? e : -1);
        const int rank = __popc(peers & ((1u << lane) - 1u));
        if (valid && lane == __ffs(peers) - 1) warp_offsets[warp][e] = __popc(peers);
        __syncthreads();
        for (int x = threadIdx.x; x < num_experts; x += blockDim.x) {
            int running = cursor[x];
            for (int w = 0; w < kGroupThreads / 32; ++w) {
                const int count = warp_offsets[w][x];
                warp_offsets[w][x] = running;
                running += count;
            }
            cursor[x] = running;
        }
        __syncthreads();
        if (valid) {
            const int position = warp_offsets[warp][e] + rank;
            sc.sorted_slots[position] = i;
            sc.slot_position[i] = position;
        } else if (i < slots) {
            sc.slot_position[i] = -1;  // an invalid expert id contributes nothing
        }
        __syncthreads();
    }
}

// grid (R / 64, max tiles), block 128. R = 2I rows (gate_up) or H rows (down).
template <bool kGateUp>
__global__ void __launch_bounds__(kTileWarps * 32) moe_grouped_tiles(MoeGroupedArgs a) {
    __shared__ __align__(16) f16_bits act_tile[2][kMoeTileTokens][kActStride];
    __shared__ int tile_expert;
    const Mxfp4Experts& ex = a.experts;
    const MoeGroupedScratch& sc = a.scratch;
    const int K = kGateUp ? ex.hidden : ex.intermediate;
    const int R = kGateUp ? 2 * ex.intermediate : ex.hidden;
    const int tiles = R / kTileRows, pairs = K / kPairElems;
    const int tile = blockIdx.y;
    if (threadIdx.x == 0) {
        int found = -1;
        if (tile < sc.tile_offsets[ex.num_experts]) {
            int lo = 0, hi = ex.num_experts - 1;  // largest e with tile_offsets[e] <= tile
            while (lo < hi) {
                const int mid = (lo + hi + 1) / 2;
                if (sc.tile_offsets[mid] <= tile)
                    lo = mid;
                else
                    hi = mid - 1;
            }
            found = lo;  // experts with no slots share the next one's offset and are skipped
        }
        tile_expert = found;
    }
    __syncthreads();
    const int e = tile_expert;
    if (e < 0) return;
    const int slot_begin = sc.expert_offsets[e] + (tile - sc.tile_offsets[e]) * kMoeTileTokens;
    const int slot_count = min(kMoeTileTokens, sc.expert_offsets[e + 1] - slot_begin);

    uint4 staged[kStagedPerThread];
    auto fetch = [&](int chunk) {
#pragma unroll
        for (int i = 0; i < kStagedPerThread; ++i) {
            const int q = threadIdx.x + i * kTileWarps * 32;
            const int row = q / kChunkGroups;
            const int k = chunk * kChunkElems + (q % kChunkGroups) * 8;
            const bool valid = row < slot_count && k < K;
            if (!valid) {
                staged[i] = make_uint4(0, 0, 0, 0);
            } else if constexpr (kGateUp) {
                const int token = sc.sorted_slots[slot_begin + row] / kTopK;
                staged[i] = bf16x8_to_f16x8_mma_order(
                    load_nc(a.x + static_cast<std::size_t>(token) * ex.hidden + k));
            } else {
                staged[i] = *reinterpret_cast<const uint4*>(
                    sc.act + static_cast<std::size_t>(slot_begin + row) * ex.intermediate + k);
            }
        }
    };
    auto store = [&](int stage) {
#pragma unroll
        for (int i = 0; i < kStagedPerThread; ++i) {
            const int q = threadIdx.x + i * kTileWarps * 32;
            *reinterpret_cast<uint4*>(&act_tile[stage][q / kChunkGroups][(q % kChunkGroups) * 8]) =
                staged[i];
        }
    };

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, tid = lane % 4;
    const int wm = warp & 1, wn = warp >> 1;
    const int m0 = blockIdx.x * (kBlockRows / kTileRows) + 2 * wm;
    const std::uint8_t* blocks = kGateUp ? ex.gate_up_blocks : ex.down_blocks;
    const std::uint8_t* scales = kGateUp ? ex.gate_up_scales : ex.down_scales;
    constexpr int kExtraLog2 = kGateUp ? kGateUpScaleLog2 : kDownScaleLog2;
    float acc[2][4][4] = {};  // [tile mi][n-tile nt][fragment]

    const int chunks = (K + kChunkElems - 1) / kChunkElems;
    fetch(0);
    store(0);
    __syncthreads();
    for (int chunk = 0; chunk < chunks; ++chunk) {
        const int stage = chunk & 1;
        if (chunk + 1 < chunks) fetch(chunk + 1);
        uint4 words[2][2];
        std::uint32_t pair_scales[2][2];
#pragma unroll
        for (int pp = 0; pp < 2; ++pp) {
            const int p = min(2 * chunk + pp, pairs - 1);  // a duplicate load is never used
#pragma unroll
            for (int mi = 0; mi < 2; ++mi) {
                const std::size_t index = tile_pair_index(e, m0 + mi, p, tiles, pairs);
                words[pp][mi] = load_nc(reinterpret_cast<const uint4*>(blocks) + index * 32 + lane);
                pair_scales[pp][mi] =
                    __ldg(reinterpret_cast<const std::uint32_t*>(scales) + index * 8 + g);
            }
        }
#pragma unroll
        for (int pp = 0; pp < 2; ++pp) {
            if (2 * chunk + pp >= pairs) break;
#pragma unroll
            for (int blk = 0; blk < 2; ++blk) {
                BlockFragments f[2];
                float scale_g[2], scale_g8[2];
#pragma unroll
                for (int mi = 0; mi < 2; ++mi) {
                    f[mi] = decode_block(blk ? words[pp][mi].z : words[pp][mi].x,
                                         blk ? words[pp][mi].w : words[pp][mi].y);
                    scale_g[mi] = pair_scale(pair_scales[pp][mi], blk, 0, kExtraLog2);
                    scale_g8[mi] = pair_scale(pair_scales[pp][mi], blk, 1, kExtraLog2);
                }
                const int group = (2 * pp + blk) * 4 + tid;  // this lane's group in the chunk
#pragma unroll
                for (int nt = 0; nt < 4; ++nt) {
                    const uint4 b = *reinterpret_cast<const uint4*>(
                        &act_tile[stage][wn * 32 + nt * 8 + g][group * 8]);
#pragma unroll
                    for (int mi = 0; mi < 2; ++mi) {
                        mma_block(acc[mi][nt], f[mi], b, scale_g[mi], scale_g8[mi]);
                    }
                }
            }
        }
        if (chunk + 1 < chunks) store(stage ^ 1);
        __syncthreads();
    }

#pragma unroll
    for (int mi = 0; mi < 2; ++mi) {
#pragma unroll
        for (int nt = 0; nt < 4; ++nt) {
#pragma unroll
            for (int cc = 0; cc < 2; ++cc) {
                const int col = wn * 32 + nt * 8 + 2 * tid + cc;
                if (col >= slot_count) continue;
                const std::size_t slot = static_cast<std::size_t>(slot_begin + col);
                if (kGateUp) {  // tile row g = gate of j, tile row g + 8 = its up
                    const int j = (m0 + mi) * 8 + g;
                    const bf16_bits* bias =
                        ex.gate_up_bias + static_cast<std::size_t>(e) * 2 * ex.intermediate;
                    const float gate = acc[mi][nt][cc] + bf16_to_f32(bias[2 * j]);
                    const float up = acc[mi][nt][2 + cc] + bf16_to_f32(bias[2 * j + 1]);
                    sc.act[slot * ex.intermediate + mma_order_position(j)] =
                        f32_to_f16(swiglu(gate, up, ex.swiglu_limit, ex.swiglu_alpha));
                } else {
                    const int r = (m0 + mi) * kTileRows + g;
                    const bf16_bits* bias = ex.down_bias + static_cast<std::size_t>(e) * ex.hidden;
                    sc.expert_out[slot * ex.hidden + r] = acc[mi][nt][cc] + bf16_to_f32(bias[r]);
                    sc.expert_out[slot * ex.hidden + r + 8] =
                        acc[mi][nt][2 + cc] + bf16_to_f32(bias[r + 8]);
                }
            }
        }
    }
}

// grid T, block 256: x[t] += sum_n w[t][n] expert_out[slot_position[4t + n]], slots in order.
__global__ void __launch_bounds__(256) f32_moe_combine_residual(MoeGroupedArgs a) {
    const int t = blockIdx.x;
    const int H = a.experts.hidden;
    int position[kTopK];
    float weight[kTopK];
#pragma unroll
    for (int n = 0; n < kTopK; ++n) {
        position[n] = a.scratch.slot_position[t * kTopK + n];
        weight[n] = a.expert_weight[t * kTopK + n];
    }
    float4* x = reinterpret_cast<float4*>(a.residual + static_cast<std::size_t>(t) * H);
    for (int c = threadIdx.x; c < H / 4; c += blockDim.x) {
        float4 sum = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
#pragma unroll
        for (int n = 0; n < kTopK; ++n) {
            if (position[n] < 0) continue;
            const float4 y = reinterpret_cast<const float4*>(
                a.scratch.expert_out + static_cast<std::size_t>(position[n]) * H)[c];
            sum.x = fmaf(weight[n], y.x, sum.x);
            sum.y = fmaf(weight[n], y.y, sum.y);
            sum.z = fmaf(weight[n], y.z, sum.z);
            sum.w = fmaf(weight[n], y.w, sum.w);
        }
        float4 v = x[c];
        v.x += sum.x;
        v.y += sum.y;
        v.z += sum.z;
        v.w += sum.w;
        x[c] = v;
    }
}

}  // namespace
}  // namespace gpu

namespace {

std::size_t align256(std::size_t bytes) {
    return (bytes + 255) / 256 * 256;
}

Status check_grouped(const char* name, const MoeGroupedArgs& a) {
    PONDER_KERNELS_TRY(check_experts(name, a.experts));
    PONDER_KERNELS_TRY(require_range(name, "num_tokens", a.num_tokens, 1, 1 << 18));
    const MoeGroupedScratch& sc = a.scratch;
    PONDER_KERNELS_TRY(require_pointer(name, "scratch.expert_offsets", sc.expert_offsets, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "scratch.tile_offsets", sc.tile_offsets, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "scratch.sorted_slots", sc.sorted_slots, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "scratch.slot_position", sc.slot_position, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "scratch.act", sc.act));
    PONDER_KERNELS_TRY(require_pointer(name, "scratch.expert_out", sc.expert_out));
    return Status::success();
}

int max_tiles(const MoeGroupedArgs& a) {
    // Each expert's last tile may be partial: at most ceil(4T / 64) + E tiles in all.
    return (a.num_tokens * kTopK + kMoeTileTokens - 1) / kMoeTileTokens + a.experts.num_experts;
}

}  // namespace

std::size_t moe_grouped_scratch_bytes(int num_tokens, int num_experts, int hidden,
                                      int intermediate) {
    const std::size_t slots = static_cast<std::size_t>(num_tokens) * kTopK;
    return 2 * align256((num_experts + 1) * sizeof(std::int32_t)) +
           2 * align256(slots * sizeof(std::int32_t)) +
           align256(slots * intermediate * sizeof(f16_bits)) +
           align256(slots * hidden * sizeof(float));
}

MoeGroupedScratch moe_grouped_scratch(void* base, int num_tokens, int num_experts, int hidden,
                                      int intermediate) {
    const std::size_t slots = static_cast<std::size_t>(num_tokens) * kTopK;
    char* p = static_cast<char*>(base);
    auto take = [&p](std::size_t bytes) {
        char* here = p;
        p += align256(bytes);
        return here;
    };
    MoeGroupedScratch sc;
    sc.expert_offsets =
        reinterpret_cast<std::int32_t*>(take((num_experts + 1) * sizeof(std::int32_t)));
    sc.tile_offsets =
        reinterpret_cast<std::int32_t*>(take((num_experts + 1) * sizeof(std::int32_t)));
    sc.sorted_slots = reinterpret_cast<std::int32_t*>(take(slots * sizeof(std::int32_t)));
    sc.slot_position = reinterpret_cast<std::int32_t*>(take(slots * sizeof(std::int32_t)));
    sc.act = reinterpret_cast<f16_bits*>(take(slots * intermediate * sizeof(f16_bits)));
    sc.expert_out = reinterpret_cast<float*>(take(slots * hidden * sizeof(float)));
    return sc;
}

Status i32_moe_group_by_expert(const MoeGroupedArgs& a, StreamHandle stream) {
    const char* name = "i32_moe_group_by_expert";
    PONDER_KERNELS_TRY(check_grouped(name, a));
    PONDER_KERNELS_TRY(require_pointer(name, "expert_idx", a.expert_idx, 4));
    gpu::i32_moe_group_by_expert<<<1, gpu::kGroupThreads, 0, stream>>>(a);
    return gpu::check_launch(name);
}

Status bf16_mxfp4w_moe_gate_up_swiglu_grouped(const MoeGroupedArgs& a, StreamHandle stream) {
    const char* name = "bf16_mxfp4w_moe_gate_up_swiglu_grouped";
    PONDER_KERNELS_TRY(check_grouped(name, a));
    PONDER_KERNELS_TRY(require_pointer(name, "x", a.x));
    const dim3 grid(2 * a.experts.intermediate / gpu::kBlockRows, max_tiles(a));
    gpu::moe_grouped_tiles<true><<<grid, gpu::kTileWarps * 32, 0, stream>>>(a);
    return gpu::check_launch(name);
}

Status f16_mxfp4w_moe_down_grouped(const MoeGroupedArgs& a, StreamHandle stream) {
    const char* name = "f16_mxfp4w_moe_down_grouped";
    PONDER_KERNELS_TRY(check_grouped(name, a));
    const dim3 grid(a.experts.hidden / gpu::kBlockRows, max_tiles(a));
    gpu::moe_grouped_tiles<false><<<grid, gpu::kTileWarps * 32, 0, stream>>>(a);
    return gpu::check_launch(name);
}

Status f32_moe_combine_residual(const MoeGroupedArgs& a, StreamHandle stream) {
    const char* name = "f32_moe_combine_residual";
    PONDER_KERNELS_TRY(check_grouped(name, a));
    PONDER_KERNELS_TRY(require_pointer(name, "expert_weight", a.expert_weight, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "residual", a.residual));
    gpu::f32_moe_combine_residual<<<a.num_tokens, 256, 0, stream>>>(a);
    return gpu::check_launch(name);
}

}  // namespace ponder::kernels
