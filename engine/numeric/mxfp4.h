// MXFP4 as stored in gpt-oss checkpoints (docs/gpt-oss.md §3): blocks of 32 E2M1 values along the
// input dimension, 16 bytes per block with the LOW nibble holding the even element, and one E8M0
// scale byte per block meaning 2^(byte - 127). Scalar reference code: the CPU backend's SIMD
// paths and the CUDA kernels are tested against these functions.
#pragma once

#include <cmath>
#include <cstdint>

namespace ponder {

// E2M1 value of each 4-bit code: bit 3 sign, bits 2..1 exponent, bit 0 mantissa.
inline constexpr float fp4_e2m1_values[16] = {
    +0.0f, +0.5f, +1.0f, +1.5f, +2.0f, +3.0f, +4.0f, +6.0f,
    -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f,
};

// One element: FP4[nibble & 15] * 2^(scale - 127). Like both reference dequantizers this is a
// plain ldexp, with no special case for any scale byte (255 gives inf for |value| >= 1, scale 0
// gives tiny or subnormal values).
inline float mxfp4_decode(std::uint8_t nibble, std::uint8_t scale) {
    return std::ldexp(fp4_e2m1_values[nibble & 0x0F], static_cast<int>(scale) - 127);
}

// Dequantizes one row of `cols` values (a multiple of 32) into out[cols]:
// blocks is [cols/32][16] bytes, scales is [cols/32] bytes (one row of a Mxfp4Tensor).
void mxfp4_dequantize_row(const std::uint8_t* blocks, const std::uint8_t* scales, std::int64_t cols,
                          float* out);

}  // namespace ponder
