// bfloat16 as stored in gpt-oss checkpoints: the top 16 bits of an IEEE float32.
#pragma once

#include <cstdint>
#include <cstring>

namespace ponder {

struct bf16 {
    std::uint16_t bits;
};
static_assert(sizeof(bf16) == 2);

inline float bf16_to_f32(bf16 value) {
    const std::uint32_t widened = static_cast<std::uint32_t>(value.bits) << 16;
    float result;
    std::memcpy(&result, &widened, sizeof(result));
    return result;
}

// Round to nearest even, as PyTorch's .to(torch.bfloat16) does; NaN stays NaN.
inline bf16 f32_to_bf16(float value) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
        return bf16{static_cast<std::uint16_t>((bits >> 16) | 0x0040u)};
    }
    const std::uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
    return bf16{static_cast<std::uint16_t>((bits + rounding) >> 16)};
}

}  // namespace ponder
