// Host-side bf16 and fp16 conversions for the CPU references and the tests (the kernels layer
// cannot use engine/numeric; docs/architecture.md §1). Round to nearest even, as the GPU's
// __float2*_rn do.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace ponder::kernels::ref {

inline float bf16_to_f32(std::uint16_t bits) {
    const std::uint32_t widened = static_cast<std::uint32_t>(bits) << 16;
    float value;
    std::memcpy(&value, &widened, sizeof(value));
    return value;
}

inline std::uint16_t f32_to_bf16(float value) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
        return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);  // quiet NaN
    }
    const std::uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
    return static_cast<std::uint16_t>((bits + rounding) >> 16);
}

// bf16 rounding of a float, as a float (what a bf16 store and reload gives).
inline float round_bf16(float value) {
    return bf16_to_f32(f32_to_bf16(value));
}

inline float f16_to_f32(std::uint16_t bits) {
    const int sign = (bits >> 15) & 1;
    const int exponent = (bits >> 10) & 0x1f;
    const int mantissa = bits & 0x3ff;
    float magnitude;
    if (exponent == 0) {
        magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // subnormal (or zero)
    } else if (exponent == 31) {
        magnitude = mantissa == 0 ? INFINITY : NAN;
    } else {
        magnitude = std::ldexp(static_cast<float>(mantissa + 1024), exponent - 25);
    }
    return sign ? -magnitude : magnitude;
}

inline std::uint16_t f32_to_f16(float value) {
    const std::uint16_t sign = std::signbit(value) ? 0x8000u : 0u;
    const float magnitude = std::fabs(value);
    if (std::isnan(value)) return static_cast<std::uint16_t>(sign | 0x7e00u);
    if (magnitude >= 65520.0f) return static_cast<std::uint16_t>(sign | 0x7c00u);  // rounds to inf
    if (magnitude < 6.103515625e-05f) {  // below 2^-14: subnormal, units of 2^-24
        const float units = std::nearbyint(magnitude * 16777216.0f);  // ties to even
        return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(units));
    }
    int exponent;
    const float fraction = std::frexp(magnitude, &exponent);    // magnitude = fraction * 2^exponent
    float mantissa = std::nearbyint(std::ldexp(fraction, 11));  // in [1024, 2048]
    if (mantissa == 2048.0f) {
        mantissa = 1024.0f;
        ++exponent;
    }
    const int biased = exponent - 1 + 15;
    if (biased >= 31) return static_cast<std::uint16_t>(sign | 0x7c00u);
    return static_cast<std::uint16_t>(sign | (biased << 10) | (static_cast<int>(mantissa) - 1024));
}

}  // namespace ponder::kernels::ref
