// A CPU emulation of one warp's mma.sync.m16n8k16 (f32 accumulate), written from the PTX ISA's
// fragment tables ("Matrix Fragments for mma.m16n8k16 with floating point type"), independent of
// the kernels' own index code: the unit and gpu tests feed it the fragments a kernel would build.
#pragma once

#include <cstdint>

namespace ponder::kernels::ref {

// c[lane][i] += (A * B) at the fragment positions of lane (g = lane / 4, t = lane % 4):
//   A 16x16: a[lane][0] = (g, 2t..2t+1), [1] = (g+8, 2t..), [2] = (g, 2t+8..), [3] = (g+8, 2t+8..)
//   B 16x8:  b[lane][0] = (k 2t..2t+1, n g), [1] = (k 2t+8..2t+9, n g)
//   C 16x8:  c[lane][0..1] = (g, 2t..2t+1), [2..3] = (g+8, 2t..2t+1)
// Each 32-bit word holds two fp16 (or bf16 when `bf16`) values, the lower index in the low half.
// Products and sums in double.
void mma_m16n8k16(const std::uint32_t a[32][4], const std::uint32_t b[32][2], double c[32][4],
                  bool bf16);

}  // namespace ponder::kernels::ref
