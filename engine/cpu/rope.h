// Rotary position embedding as gpt-oss uses it (docs/gpt-oss.md §4.4-4.5): NeoX half-split pairs
// (i, i + d/2), YaRN inverse frequencies with the ramp used untruncated, and the YaRN attention
// factor m multiplied into both cos and sin (so q.k scales by m^2). Same table for every layer
// and every position: YaRN is always on, also below the original context length.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model/config.h"

namespace ponder::cpu {

struct YarnRope {
    std::vector<float> inv_freq;    // [head_dim / 2], evaluated in float64, stored as float
    float attention_factor = 1.0f;  // m = 0.1 ln(factor) + 1

    // The tables for `config` (rope_theta, head_dim, rope_scaling).
    static YarnRope from_config(const ModelConfig& config);

    // cos/sin [head_dim / 2] of `position`, each already multiplied by the attention factor.
    // The angle position * inv_freq is formed in float64 so large positions keep their phase.
    void cos_sin(std::int64_t position, float* cos_out, float* sin_out) const;
};

// Rotates one head vector [2 * half] in place: out[i] = x[i] c - x[i+half] s,
// out[i+half] = x[i+half] c + x[i] s.
void apply_rope(float* head, const float* cos, const float* sin, std::int64_t half);

}  // namespace ponder::cpu
