// Judging a GPU draw against the CPU reference sampler (gpu_kernels_sampling, gpu_kernels_graph).
#pragma once

#include <vector>

#include "kernels/reference/reference.h"
#include "kernels/sampling_math.h"

namespace ponder::kernels::test {

// Whether `token` is an acceptable draw for the reference draw `d`: the same token, or a kept
// token whose cumulative interval ends or starts within `slack` mass units of the draw.
inline bool acceptable(const std::vector<float>& logits, const ref::TopPDraw& d, int token) {
    if (token == d.token) return true;
    if (token < 0 || token >= static_cast<int>(logits.size())) return false;
    const std::uint64_t slack = d.kept_mass / 100000 + 1;
    std::uint64_t cumulative = 0;
    for (int i = 0; i < static_cast<int>(logits.size()); ++i) {
        if (float_order_key(logits[i]) < d.threshold_key) continue;
        const std::uint64_t before = cumulative;
        cumulative += d.mass[i];
        if (i == token) {
            const auto near = [&](std::uint64_t edge) {
                return (edge > d.r ? edge - d.r : d.r - edge) <= slack;
            };
            return near(before) || near(cumulative);
        }
    }
    return false;  // not in the reference's nucleus
}

}  // namespace ponder::kernels::test
