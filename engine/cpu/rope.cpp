#include "engine/cpu/rope.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ponder::cpu {

YarnRope YarnRope::from_config(const ModelConfig& config) {
    const std::int64_t half = config.head_dim / 2;
    const double base = config.rope_theta;
    const double dim = static_cast<double>(config.head_dim);
    const RopeScaling& yarn = config.rope_scaling;
    const double context = static_cast<double>(yarn.original_max_position);

    // The dimension index at which a frequency completes `rotations` turns over the original
    // context; YaRN interpolates below beta_slow turns, extrapolates above beta_fast.
    auto correction_dim = [&](double rotations) {
        return (dim / 2.0) * std::log(context / (rotations * 2.0 * std::numbers::pi)) /
               std::log(base);
    };
    double low = correction_dim(yarn.beta_fast);
    double high = correction_dim(yarn.beta_slow);
    if (yarn.truncate) {
        low = std::floor(low);
        high = std::ceil(high);
    }
    // As Hugging Face's _compute_yarn_parameters: keep the ramp inside the dimensions and never
    // let it collapse to a step (a no-op for gpt-oss, where 0 < low < high < d/2 - 1).
    low = std::max(low, 0.0);
    high = std::min(high, dim - 1.0);
    if (high == low) high += 0.001;

    YarnRope rope;
    rope.inv_freq.resize(static_cast<size_t>(half));
    for (std::int64_t i = 0; i < half; ++i) {
        const double freq = std::pow(base, 2.0 * static_cast<double>(i) / dim);
        const double extrapolated = 1.0 / freq;
        const double interpolated = 1.0 / (yarn.factor * freq);
        const double ramp = (static_cast<double>(i) - low) / (high - low);
        const double keep = 1.0 - std::clamp(ramp, 0.0, 1.0);  // 1: original frequency
        rope.inv_freq[static_cast<size_t>(i)] =
            static_cast<float>(interpolated * (1.0 - keep) + extrapolated * keep);
    }
    rope.attention_factor =
        yarn.factor > 1.0 ? static_cast<float>(0.1 * std::log(yarn.factor) + 1.0) : 1.0f;
    return rope;
}

void YarnRope::cos_sin(std::int64_t position, float* cos_out, float* sin_out) const {
    const double m = attention_factor;
    for (size_t i = 0; i < inv_freq.size(); ++i) {
        const double angle = static_cast<double>(position) * static_cast<double>(inv_freq[i]);
        cos_out[i] = static_cast<float>(m * std::cos(angle));
        sin_out[i] = static_cast<float>(m * std::sin(angle));
    }
}

void apply_rope(float* head, const float* cos, const float* sin, std::int64_t half) {
    for (std::int64_t i = 0; i < half; ++i) {
        const float first = head[i];
        const float second = head[i + half];
        head[i] = first * cos[i] - second * sin[i];
        head[i + half] = second * cos[i] + first * sin[i];
    }
}

}  // namespace ponder::cpu
