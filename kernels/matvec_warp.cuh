// The inner loop of the bf16 mat-vec kernels (matvec.cu, qkv_rope.cu): one warp dots two weight
// rows with an activation slice staged in shared memory. Memory-bound: 16-byte loads, lanes on
// consecutive chunks (coalesced), kUnroll chunks per lane in flight before the first use.
#pragma once

#include "kernels/cuda_common.cuh"

namespace ponder::kernels::gpu {

__device__ __forceinline__ float dot8_bf16(uint4 w, float x0, float x1, float x2, float x3,
                                           float x4, float x5, float x6, float x7, float sum) {
    sum = fmaf(bf16_lo(w.x), x0, sum);
    sum = fmaf(bf16_hi(w.x), x1, sum);
    sum = fmaf(bf16_lo(w.y), x2, sum);
    sum = fmaf(bf16_hi(w.y), x3, sum);
    sum = fmaf(bf16_lo(w.z), x4, sum);
    sum = fmaf(bf16_hi(w.z), x5, sum);
    sum = fmaf(bf16_lo(w.w), x6, sum);
    sum = fmaf(bf16_hi(w.w), x7, sum);
    return sum;
}

// Per-lane partial sums (not yet reduced across the warp) of row0 . x and row1 . x over the
// 8-element chunks [0, chunks) of the rows; x_smem holds those chunks (chunk c at 8c).
template <int kUnroll = 4>
__device__ __forceinline__ void dot2_bf16_partial(const bf16_bits* row0, const bf16_bits* row1,
                                                  const bf16_bits* x_smem, int chunks, float& sum0,
                                                  float& sum1) {
    const int lane = threadIdx.x % 32;
    for (int base = lane; base < chunks; base += 32 * kUnroll) {
        uint4 w0[kUnroll], w1[kUnroll];
#pragma unroll
        for (int u = 0; u < kUnroll; ++u) {
            const int c = base + 32 * u;
            if (c < chunks) {
                w0[u] = load_nc(row0 + 8 * c);
                w1[u] = load_nc(row1 + 8 * c);
            }
        }
#pragma unroll
        for (int u = 0; u < kUnroll; ++u) {
            const int c = base + 32 * u;
            if (c < chunks) {
                const uint4 xv = *reinterpret_cast<const uint4*>(x_smem + 8 * c);
                const float x0 = bf16_lo(xv.x), x1 = bf16_hi(xv.x), x2 = bf16_lo(xv.y),
                            x3 = bf16_hi(xv.y), x4 = bf16_lo(xv.z), x5 = bf16_hi(xv.z),
                            x6 = bf16_lo(xv.w), x7 = bf16_hi(xv.w);
                sum0 = dot8_bf16(w0[u], x0, x1, x2, x3, x4, x5, x6, x7, sum0);
                sum1 = dot8_bf16(w1[u], x0, x1, x2, x3, x4, x5, x6, x7, sum1);
            }
        }
    }
}

// Block-wide copy of `chunks` 16-byte chunks from global to shared memory.
__device__ __forceinline__ void stage_chunks(bf16_bits* dst, const bf16_bits* src, int chunks) {
    for (int c = threadIdx.x; c < chunks; c += blockDim.x) {
        reinterpret_cast<uint4*>(dst)[c] = reinterpret_cast<const uint4*>(src)[c];
    }
}

}  // namespace ponder::kernels::gpu
