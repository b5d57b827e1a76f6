// Device helpers shared by the kernel files: dtype conversions, warp reductions, and the launch
// check that turns a CUDA error into a Status. Included only by .cu files.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/kernel_status.h"
#include "kernels/launchers.h"

namespace ponder::kernels::gpu {

inline constexpr unsigned kFullMask = 0xffffffffu;

__device__ __forceinline__ float bf16_to_f32(std::uint16_t bits) {
    return __uint_as_float(static_cast<std::uint32_t>(bits) << 16);
}
// The two bf16 values packed in a 32-bit word (low half = lower address).
__device__ __forceinline__ float bf16_lo(std::uint32_t word) {
    return __uint_as_float(word << 16);
}
__device__ __forceinline__ float bf16_hi(std::uint32_t word) {
    return __uint_as_float(word & 0xffff0000u);
}
__device__ __forceinline__ std::uint16_t f32_to_bf16(float value) {
    return __bfloat16_as_ushort(__float2bfloat16_rn(value));
}
__device__ __forceinline__ std::uint32_t pack_bf16x2(float lo, float hi) {
    return static_cast<std::uint32_t>(f32_to_bf16(lo)) |
           (static_cast<std::uint32_t>(f32_to_bf16(hi)) << 16);
}
__device__ __forceinline__ std::uint16_t f32_to_f16(float value) {
    return __half_as_ushort(__float2half_rn(value));
}
__device__ __forceinline__ std::uint32_t pack_f16x2(float lo, float hi) {
    return static_cast<std::uint32_t>(f32_to_f16(lo)) |
           (static_cast<std::uint32_t>(f32_to_f16(hi)) << 16);
}

__device__ __forceinline__ float warp_sum(float value) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        value += __shfl_xor_sync(kFullMask, value, offset);
    }
    return value;
}

__device__ __forceinline__ float warp_max(float value) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        value = fmaxf(value, __shfl_xor_sync(kFullMask, value, offset));
    }
    return value;
}

// Global loads of data that no kernel in flight writes (weights, caches being read), through the
// read-only path.
__device__ __forceinline__ uint4 load_nc(const void* address) {
    return __ldg(reinterpret_cast<const uint4*>(address));
}

__host__ inline cudaStream_t to_cuda(StreamHandle stream) {
    return stream;
}

// Call right after a <<<...>>> launch: reports launch-configuration errors (and any sticky error
// of earlier asynchronous work) without synchronising, so it is safe inside graph capture.
__host__ inline Status check_launch(const char* kernel) {
    return Status::from_cuda(static_cast<int>(cudaGetLastError()), kernel);
}

}  // namespace ponder::kernels::gpu
