// MoE for one decode token (docs/gpt-oss.md §4.7), MXFP4 experts kept packed (mxfp4_layout.h):
//   gate_up: for each of the 4 selected experts, W1 x + b1 and the clamped SwiGLU -> act (fp16)
//   down:    for each output row, sum over the 4 experts of w_n (W2 act_n + b2) -> residual
// Weights stream through tensor-core MMA with the token in column 0 of the 8-column B operand:
// the other 7 columns are idle, which costs nothing here because the kernels are bound by the
// weight bytes (13.2 MB per expert, 53 MB per layer), not by arithmetic. Each warp owns one
// 16-row tile over half of the input dimension; the halves are summed through shared memory.
#include "kernels/launch_checks.h"
#include "kernels/moe_checks.h"
#include "kernels/moe_common.cuh"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kWarps = 8;
constexpr int kKHalves = 2;
constexpr int kGateUpTilesPerBlock = kWarps / kKHalves;  // 4 tiles = 32 outputs j
constexpr int kPrefetch = 4;                             // tile-pairs in flight per lane

__device__ __forceinline__ int clamp_expert(int e, int num_experts) {
    return min(max(e, 0), num_experts - 1);  // memory safety only: the router emits valid ids
}

// One warp: a 16-row tile over pairs [p_begin, p_end) with the B operand from `act_group`
// (column g's MMA-order activations; only column 0 holds data). Returns the lane's accumulators.
template <typename LoadB>
__device__ __forceinline__ void tile_matvec(const uint4* tile_blocks,
                                            const std::uint32_t* tile_scales, int p_begin,
                                            int p_end, int extra_log2, LoadB load_b, float acc[4]) {
    const int lane = threadIdx.x % 32, g = lane / 4;
    uint4 w[kPrefetch];
    std::uint32_t s[kPrefetch];
#pragma unroll
    for (int i = 0; i < kPrefetch; ++i) {
        if (p_begin + i < p_end) {
            w[i] = load_nc(tile_blocks + static_cast<std::size_t>(p_begin + i) * 32 + lane);
            s[i] = __ldg(tile_scales + static_cast<std::size_t>(p_begin + i) * 8 + g);
        }
    }
    for (int p = p_begin; p < p_end; p += kPrefetch) {
#pragma unroll
        for (int i = 0; i < kPrefetch; ++i) {
            if (p + i >= p_end) break;
            const uint4 words = w[i];
            const std::uint32_t scales = s[i];
            if (p + i + kPrefetch < p_end) {
                w[i] =
                    load_nc(tile_blocks + static_cast<std::size_t>(p + i + kPrefetch) * 32 + lane);
                s[i] = __ldg(tile_scales + static_cast<std::size_t>(p + i + kPrefetch) * 8 + g);
            }
#pragma unroll
            for (int blk = 0; blk < 2; ++blk) {
                const BlockFragments a =
                    decode_block(blk ? words.z : words.x, blk ? words.w : words.y);
                mma_block(acc, a, load_b(2 * (p + i) + blk), pair_scale(scales, blk, 0, extra_log2),
                          pair_scale(scales, blk, 1, extra_log2));
            }
        }
    }
}

// grid (I / 8 / 4, 4 slots), block 256: warp w owns tile 4 blockIdx.x + w % 4 of expert slot
// blockIdx.y over input half w / 4.
__global__ void __launch_bounds__(kWarps * 32)
    bf16_mxfp4w_moe_gate_up_swiglu_decode(MoeDecodeArgs a) {
    extern __shared__ uint4 act_storage[];  // [H / 8] MMA-order fp16 groups of x
    __shared__ float4 half_sums[kGateUpTilesPerBlock][32];
    const Mxfp4Experts& ex = a.experts;
    const int slot = blockIdx.y;
    const int e = clamp_expert(a.expert_idx[slot], ex.num_experts);
    for (int c = threadIdx.x; c < ex.hidden / 8; c += blockDim.x) {
        act_storage[c] = bf16x8_to_f16x8_mma_order(load_nc(a.x + 8 * c));
    }
    __syncthreads();

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, tid = lane % 4;
    const int tile_in_block = warp % kGateUpTilesPerBlock, half = warp / kGateUpTilesPerBlock;
    const int tiles = 2 * ex.intermediate / kTileRows, pairs = ex.hidden / kPairElems;
    const int m = blockIdx.x * kGateUpTilesPerBlock + tile_in_block;
    float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    if (m < tiles) {
        const std::size_t first = tile_pair_index(e, m, 0, tiles, pairs);
        auto load_b = [&](int block) {
            return g == 0 ? act_storage[block * 4 + tid] : make_uint4(0, 0, 0, 0);
        };
        tile_matvec(reinterpret_cast<const uint4*>(ex.gate_up_blocks) + first * 32,
                    reinterpret_cast<const std::uint32_t*>(ex.gate_up_scales) + first * 8,
                    half * pairs / kKHalves, (half + 1) * pairs / kKHalves, kGateUpScaleLog2,
                    load_b, acc);
    }
    if (half == 1) half_sums[tile_in_block][lane] = make_float4(acc[0], acc[1], acc[2], acc[3]);
    __syncthreads();
    if (half == 1 || m >= tiles || tid != 0) return;
    // Column 0 of the tile: c0 = gate of j = 8m + g (tile row g), c2 = its up (tile row g + 8).
    const float4 other = half_sums[tile_in_block][lane];
    const int j = 8 * m + g;
    const bf16_bits* bias = ex.gate_up_bias + static_cast<std::size_t>(e) * 2 * ex.intermediate;
    const float gate = acc[0] + other.x + bf16_to_f32(bias[2 * j]);
    const float up = acc[2] + other.z + bf16_to_f32(bias[2 * j + 1]);
    a.act[static_cast<std::size_t>(slot) * ex.intermediate + mma_order_position(j)] =
        f32_to_f16(swiglu(gate, up, ex.swiglu_limit, ex.swiglu_alpha));
}

// grid H / 16, block 256: warp w computes expert slot w % 4 over input half w / 4 for the
// block's 16 output rows; then 16 threads combine the 8 partial results in a fixed order.
__global__ void __launch_bounds__(kWarps * 32)
    f16_mxfp4w_moe_down_accumulate_decode(MoeDecodeArgs a) {
    __shared__ float partial[kWarps][kTileRows];
    const Mxfp4Experts& ex = a.experts;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, tid = lane % 4;
    const int slot = warp % kTopK, half = warp / kTopK;
    const int e = clamp_expert(a.expert_idx[slot], ex.num_experts);
    const int tiles = ex.hidden / kTileRows, pairs = ex.intermediate / kPairElems;
    const int m = blockIdx.x;
    const std::size_t first = tile_pair_index(e, m, 0, tiles, pairs);
    const uint4* act =
        reinterpret_cast<const uint4*>(a.act + static_cast<std::size_t>(slot) * ex.intermediate);
    auto load_b = [&](int block) { return g == 0 ? act[block * 4 + tid] : make_uint4(0, 0, 0, 0); };
    float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    tile_matvec(reinterpret_cast<const uint4*>(ex.down_blocks) + first * 32,
                reinterpret_cast<const std::uint32_t*>(ex.down_scales) + first * 8,
                half * pairs / kKHalves, (half + 1) * pairs / kKHalves, kDownScaleLog2, load_b,
                acc);
    if (tid == 0) {  // column 0: tile rows g and g + 8
        partial[warp][g] = acc[0];
        partial[warp][g + 8] = acc[2];
    }
    __syncthreads();
    if (threadIdx.x >= kTileRows) return;
    const int row = m * kTileRows + threadIdx.x;
    float sum = 0.0f;
    for (int n = 0; n < kTopK; ++n) {
        const int en = clamp_expert(a.expert_idx[n], ex.num_experts);
        const float y = partial[n][threadIdx.x] + partial[n + kTopK][threadIdx.x] +
                        bf16_to_f32(ex.down_bias[static_cast<std::size_t>(en) * ex.hidden + row]);
        sum = fmaf(a.expert_weight[n], y, sum);
    }
    a.residual[row] += sum;
}

}  // namespace
}  // namespace gpu

Status bf16_mxfp4w_moe_gate_up_swiglu_decode(const MoeDecodeArgs& a, StreamHandle stream) {
    const char* name = "bf16_mxfp4w_moe_gate_up_swiglu_decode";
    PONDER_KERNELS_TRY(check_experts(name, a.experts));
    PONDER_KERNELS_TRY(require_pointer(name, "x", a.x));
    PONDER_KERNELS_TRY(require_pointer(name, "expert_idx", a.expert_idx, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "act", a.act));
    const int tiles = 2 * a.experts.intermediate / kTileRows;
    const dim3 grid((tiles + gpu::kGateUpTilesPerBlock - 1) / gpu::kGateUpTilesPerBlock, kTopK);
    const std::size_t smem = static_cast<std::size_t>(a.experts.hidden) * sizeof(f16_bits);
    gpu::bf16_mxfp4w_moe_gate_up_swiglu_decode<<<grid, gpu::kWarps * 32, smem, stream>>>(a);
    return gpu::check_launch(name);
}

Status f16_mxfp4w_moe_down_accumulate_decode(const MoeDecodeArgs& a, StreamHandle stream) {
    const char* name = "f16_mxfp4w_moe_down_accumulate_decode";
    PONDER_KERNELS_TRY(check_experts(name, a.experts));
    PONDER_KERNELS_TRY(require_pointer(name, "expert_idx", a.expert_idx, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "expert_weight", a.expert_weight, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "act", a.act));
    PONDER_KERNELS_TRY(require_pointer(name, "residual", a.residual, 4));
    const int tiles = a.experts.hidden / kTileRows;
    gpu::f16_mxfp4w_moe_down_accumulate_decode<<<tiles, gpu::kWarps * 32, 0, stream>>>(a);
    return gpu::check_launch(name);
}

}  // namespace ponder::kernels
