// Diagnostic launchers (one warp, default stream) that run single device primitives on given
// operands, for tests/gpu/kernels/gpu_kernels_primitives.cpp. Not used by the inference path.
#pragma once

#include <cstdint>

#include "kernels/kernel_status.h"

namespace ponder::kernels {

// d[lane][0..3] = fragments of A (16x16) * B (16x8) for a[lane][0..3], b[lane][0..1] given in
// mma.sync m16n8k16 fragment order; fp16 operands, or bf16 when `bf16`. Device pointers.
Status mma_m16n8k16_probe(const std::uint32_t* a, const std::uint32_t* b, float* d, bool bf16);

// out[lane][0..3] = the four registers ldmatrix.x4.trans returns for a row-major 16 x 16 b16 tile.
Status ldmatrix_x4_trans_probe(const std::uint16_t* tile, std::uint32_t* out);

// out[i] = 2 * in[i] as fp16x2, through the MoE kernels' mul.rn.f16x2.
Status f16x2_times_two_probe(const std::uint32_t* in, std::uint32_t* out, int n);

}  // namespace ponder::kernels
