// Device pieces shared by the decode and grouped (prefill) MoE kernels: turning one lane's share
// of an MXFP4 tile-pair (mxfp4_layout.h) into fp16 tensor-core fragments, the block-scaled
// multiply-accumulate, activation staging in MMA order, and the clamped SwiGLU.
#pragma once

#include "kernels/cuda_common.cuh"
#include "kernels/mma.cuh"
#include "kernels/mxfp4_layout.h"

namespace ponder::kernels::gpu {

// fp16x2 multiply by 2: lifts the decoded 0.5 * 2^-14 (an fp16 subnormal) to a normal number, so
// the tensor cores never see a subnormal operand. mul.f16x2 without .ftz keeps subnormal inputs.
__device__ __forceinline__ std::uint32_t f16x2_times_two(std::uint32_t x) {
    std::uint32_t result;
    asm("mul.rn.f16x2 %0, %1, %2;\n" : "=r"(result) : "r"(x), "r"(0x40004000u));
    return result;
}

// A fragments of one 32-element block of a 16-row tile (block_a_fragments), doubled.
struct BlockFragments {
    std::uint32_t step0[4];
    std::uint32_t step1[4];
};

__device__ __forceinline__ BlockFragments decode_block(std::uint32_t word_g,
                                                       std::uint32_t word_g8) {
    BlockFragments f;
    block_a_fragments(word_g, word_g8, f.step0, f.step1);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        f.step0[i] = f16x2_times_two(f.step0[i]);
        f.step1[i] = f16x2_times_two(f.step1[i]);
    }
    return f;
}

// acc += block scale * (A of one block) x (B of one block), for one 8-column n-tile. b holds the
// lane's MMA-order group of its column: (b.x, b.y) = step 0's b0, b1; (b.z, b.w) = step 1's.
__device__ __forceinline__ void mma_block(float acc[4], const BlockFragments& a, uint4 b,
                                          float scale_g, float scale_g8) {
    float c[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    mma_f16_16816(c, a.step0, b.x, b.y);
    mma_f16_16816(c, a.step1, b.z, b.w);
    acc[0] = fmaf(c[0], scale_g, acc[0]);
    acc[1] = fmaf(c[1], scale_g, acc[1]);
    acc[2] = fmaf(c[2], scale_g8, acc[2]);
    acc[3] = fmaf(c[3], scale_g8, acc[3]);
}

// Scale bytes of a tile-pair for this lane's g: byte 2 blk = row g, byte 2 blk + 1 = row g + 8.
__device__ __forceinline__ float pair_scale(std::uint32_t scales, int blk, int row_half,
                                            int extra_log2) {
    return e8m0_scale((scales >> (16 * blk + 8 * row_half)) & 0xffu, extra_log2);
}

// 8 consecutive bf16 activations -> fp16 * 2^kGateUpActivationLog2, in MMA order.
__device__ __forceinline__ uint4 bf16x8_to_f16x8_mma_order(uint4 w) {
    constexpr float kScale = 1.0f / (1 << -kGateUpActivationLog2);
    const float e0 = bf16_lo(w.x) * kScale, e1 = bf16_hi(w.x) * kScale;
    const float e2 = bf16_lo(w.y) * kScale, e3 = bf16_hi(w.y) * kScale;
    const float e4 = bf16_lo(w.z) * kScale, e5 = bf16_hi(w.z) * kScale;
    const float e6 = bf16_lo(w.w) * kScale, e7 = bf16_hi(w.w) * kScale;
    return make_uint4(pack_f16x2(e0, e2), pack_f16x2(e4, e6), pack_f16x2(e1, e3),
                      pack_f16x2(e5, e7));
}

// Clamped SwiGLU of gpt-oss (docs/gpt-oss.md §4.7): gate clamped above only, up both sides, +1.
__device__ __forceinline__ float swiglu(float gate, float up, float limit, float alpha) {
    gate = fminf(gate, limit);
    up = fminf(fmaxf(up, -limit), limit);
    return gate / (1.0f + expf(-alpha * gate)) * (up + 1.0f);
}

}  // namespace ponder::kernels::gpu
