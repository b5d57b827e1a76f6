#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/reference/reference.h"
#include "kernels/sampling_math.h"

namespace ponder::kernels::ref {

std::int32_t sample_argmax(const float* logits, int vocab) {
    std::int32_t best = 0;
    for (int i = 1; i < vocab; ++i) {
        if (logits[i] > logits[best]) best = i;  // strict: ties keep the lower id
    }
    return best;
}

TopPDraw sample_top_p(const float* logits, int vocab, float temperature, float top_p,
                      std::uint64_t seed, std::uint64_t counter) {
    TopPDraw draw;
    const float inv_temperature = 1.0f / temperature;
    float max_logit = -INFINITY;
    for (int i = 0; i < vocab; ++i)
        max_logit = std::max(max_logit, logits[i]);
    double z = 0.0;
    for (int i = 0; i < vocab; ++i)
        z += std::exp((logits[i] - max_logit) * inv_temperature);
    const float z_f32 = static_cast<float>(z);
    draw.mass.resize(vocab);
    for (int i = 0; i < vocab; ++i) {
        const float p = std::exp((logits[i] - max_logit) * inv_temperature) / z_f32;
        draw.mass[i] = mass_fixed_point(p);
    }
    // Threshold: the key of the token at which the descending cumulative mass reaches top_p;
    // every token with a key >= it is kept (ties with it included).
    draw.threshold_key = 0;
    if (top_p < 1.0f) {
        std::vector<int> order(vocab);
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](int a, int b) {
            return float_order_key(logits[a]) > float_order_key(logits[b]);
        });
        const std::uint64_t target = mass_fixed_point(top_p);
        std::uint64_t cumulative = 0;
        draw.threshold_key = float_order_key(logits[order[vocab - 1]]);
        for (int i = 0; i < vocab; ++i) {
            cumulative += draw.mass[order[i]];
            if (cumulative >= target) {
                draw.threshold_key = float_order_key(logits[order[i]]);
                break;
            }
        }
    }
    for (int i = 0; i < vocab; ++i) {
        if (float_order_key(logits[i]) >= draw.threshold_key) draw.kept_mass += draw.mass[i];
    }
    const float u = sample_uniform(seed, counter);
    draw.r =
        static_cast<std::uint64_t>(static_cast<double>(u) * static_cast<double>(draw.kept_mass));
    std::uint64_t cumulative = 0;
    for (int i = 0; i < vocab; ++i) {
        if (float_order_key(logits[i]) < draw.threshold_key) continue;
        cumulative += draw.mass[i];
        draw.token = i;
        if (cumulative > draw.r) break;
    }
    return draw;
}

}  // namespace ponder::kernels::ref
