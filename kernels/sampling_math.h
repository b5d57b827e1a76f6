// The sampler's arithmetic, shared by the GPU kernels (sampling.cu) and the CPU reference so both
// draw the same uniform number and count probability mass in the same fixed-point units.
#pragma once

#include <cstdint>

#include "kernels/hd.h"

namespace ponder::kernels {

// splitmix64 finaliser: a counter-based generator, so a replayed graph needs only the counter.
PONDER_HD std::uint64_t splitmix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// Uniform in [0, 1) with 24 random bits (every value exact in f32).
PONDER_HD float sample_uniform(std::uint64_t seed, std::uint64_t counter) {
    const std::uint64_t bits = splitmix64(seed ^ splitmix64(counter));
    return static_cast<float>(bits >> 40) * (1.0f / 16777216.0f);
}

// Probability mass in units of 2^-40. Integer sums are associative, so per-block histograms and
// prefix sums give the same totals in any order: the sampler is deterministic for a seed.
inline constexpr float kMassScale = 1099511627776.0f;  // 2^40
PONDER_HD std::uint64_t mass_fixed_point(float p) {
    return static_cast<std::uint64_t>(p * kMassScale);
}

// Maps a float to an unsigned key with the same order (negatives below positives).
PONDER_HD std::uint32_t float_order_key(float value) {
    const std::uint32_t bits = f32_to_bits(value);
    return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

}  // namespace ponder::kernels
