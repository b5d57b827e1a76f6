// RMSNorm (docs/gpt-oss.md §4.3): y = x / sqrt(mean(x^2) + eps) * scale, the learned scale applied
// after normalising (no "1 + scale").
#pragma once

#include <cstdint>

#include "engine/numeric/bf16.h"

namespace ponder::cpu {

// Normalises `rows` vectors of `width` floats from x into y (may alias).
void rms_norm(const float* x, const bf16* scale, double eps, std::int64_t rows, std::int64_t width,
              float* y);

}  // namespace ponder::cpu
