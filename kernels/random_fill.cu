// Random tensors made on the device, for benchmarks: a 20b-shaped model (13.8 GB) or a 32k-token
// KV cache in well under a second, with no checkpoint to write or read. Values come from a
// counter-based hash of (seed, element index), so they do not depend on the launch geometry.
// Write-bandwidth bound; a grid-stride loop over 16-byte stores.
#include "kernels/cuda_common.cuh"
#include "kernels/launch_checks.h"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kThreads = 256;
constexpr int kBlocks = 4096;

__device__ __forceinline__ std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Uniform with unit variance from the top 24 bits of a hash.
__device__ __forceinline__ float unit_uniform(std::uint64_t bits) {
    const float u01 = static_cast<float>(bits >> 40) * (1.0f / 16777216.0f);
    return (u01 - 0.5f) * 3.4641016f;  // sqrt(12)
}

__global__ void __launch_bounds__(kThreads) bf16_fill_random(RandomFillArgs a) {
    bf16_bits* out = static_cast<bf16_bits*>(a.out);
    const std::uint64_t key = splitmix64(a.seed);
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
         i < a.count; i += stride) {
        const std::uint64_t bits = splitmix64(key + i);
        out[i] = f32_to_bf16(a.mean + a.stddev * unit_uniform(bits));
    }
}

// Four bytes per hash; 4-byte stores where the range allows.
__global__ void __launch_bounds__(kThreads) u8_fill_random(RandomFillArgs a) {
    std::uint8_t* out = static_cast<std::uint8_t*>(a.out);
    const std::uint64_t key = splitmix64(a.seed);
    const std::uint32_t span = static_cast<std::uint32_t>(a.hi - a.lo + 1);
    const std::size_t words = a.count / 4;
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    const std::size_t first = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    for (std::size_t w = first; w < words; w += stride) {
        const std::uint64_t bits = splitmix64(key + w);
        std::uint32_t packed = 0;
#pragma unroll
        for (int b = 0; b < 4; ++b) {
            const std::uint32_t value =
                static_cast<std::uint32_t>(a.lo) +
                static_cast<std::uint32_t>((bits >> (16 * b)) & 0xffffu) % span;
            packed |= value << (8 * b);
        }
        reinterpret_cast<std::uint32_t*>(out)[w] = packed;
    }
    for (std::size_t i = 4 * words + first; i < a.count; i += stride) {
        const std::uint64_t bits = splitmix64(key + i + (std::uint64_t{1} << 62));
        out[i] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(a.lo) +
                                           static_cast<std::uint32_t>(bits & 0xffffu) % span);
    }
}

unsigned fill_blocks(std::size_t items) {
    const std::size_t needed = (items + kThreads - 1) / kThreads;
    return static_cast<unsigned>(needed < kBlocks ? (needed > 0 ? needed : 1) : kBlocks);
}

}  // namespace
}  // namespace gpu

Status bf16_fill_random(const RandomFillArgs& a, StreamHandle stream) {
    const char* name = "bf16_fill_random";
    PONDER_KERNELS_TRY(require_pointer(name, "out", a.out, 2));
    if (a.count == 0) return Status::success();
    gpu::bf16_fill_random<<<gpu::fill_blocks(a.count), gpu::kThreads, 0, stream>>>(a);
    return gpu::check_launch(name);
}

Status u8_fill_random(const RandomFillArgs& a, StreamHandle stream) {
    const char* name = "u8_fill_random";
    PONDER_KERNELS_TRY(require_pointer(name, "out", a.out, 4));
    PONDER_KERNELS_TRY(require_range(name, "lo", a.lo, 0, 255));
    PONDER_KERNELS_TRY(require_range(name, "hi", a.hi, a.lo, 255));
    if (a.count == 0) return Status::success();
    gpu::u8_fill_random<<<gpu::fill_blocks(a.count / 4 + 1), gpu::kThreads, 0, stream>>>(a);
    return gpu::check_launch(name);
}

}  // namespace ponder::kernels
