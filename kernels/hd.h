// Small functions compiled for both the host and the device, so that the bit tricks and index
// maps the kernels depend on are unit-tested on the CPU (tests/unit/kernels) exactly as the GPU
// runs them. Plain C++17; no CUDA headers needed on the host side.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define PONDER_HD __host__ __device__ __forceinline__
#else
#define PONDER_HD inline
#endif

namespace ponder::kernels {

// CUDA's __byte_perm: byte i of the result is byte ((sel >> 4i) & 7) of the 8-byte value
// {b:a} (bytes 0-3 from a, 4-7 from b). One PRMT instruction on the device.
PONDER_HD std::uint32_t byte_perm(std::uint32_t a, std::uint32_t b, std::uint32_t sel) {
#if defined(__CUDA_ARCH__)
    return __byte_perm(a, b, sel);
#else
    const std::uint64_t both = (static_cast<std::uint64_t>(b) << 32) | a;
    std::uint32_t result = 0;
    for (int i = 0; i < 4; ++i) {
        const unsigned index = (sel >> (4 * i)) & 7u;
        result |= static_cast<std::uint32_t>((both >> (8 * index)) & 0xffu) << (8 * i);
    }
    return result;
#endif
}

PONDER_HD float bits_to_f32(std::uint32_t bits) {
#if defined(__CUDA_ARCH__)
    return __uint_as_float(bits);
#else
    float value;
    std::memcpy(&value, &bits, sizeof(value));
    return value;
#endif
}

PONDER_HD std::uint32_t f32_to_bits(float value) {
#if defined(__CUDA_ARCH__)
    return __float_as_uint(value);
#else
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    return bits;
#endif
}

}  // namespace ponder::kernels
