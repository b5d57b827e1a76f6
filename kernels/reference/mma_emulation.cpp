#include "kernels/reference/mma_emulation.h"

#include "kernels/reference/numeric.h"

namespace ponder::kernels::ref {

void mma_m16n8k16(const std::uint32_t a[32][4], const std::uint32_t b[32][2], double c[32][4],
                  bool bf16) {
    auto value = [bf16](std::uint32_t word, int half) {
        const auto bits = static_cast<std::uint16_t>(half ? word >> 16 : word & 0xffffu);
        return static_cast<double>(bf16 ? bf16_to_f32(bits) : f16_to_f32(bits));
    };
    double A[16][16], B[16][8];
    for (int lane = 0; lane < 32; ++lane) {
        const int g = lane / 4, t = lane % 4;
        for (int h = 0; h < 2; ++h) {
            A[g][2 * t + h] = value(a[lane][0], h);
            A[g + 8][2 * t + h] = value(a[lane][1], h);
            A[g][2 * t + 8 + h] = value(a[lane][2], h);
            A[g + 8][2 * t + 8 + h] = value(a[lane][3], h);
            B[2 * t + h][g] = value(b[lane][0], h);
            B[2 * t + 8 + h][g] = value(b[lane][1], h);
        }
    }
    for (int lane = 0; lane < 32; ++lane) {
        const int g = lane / 4, t = lane % 4;
        for (int i = 0; i < 4; ++i) {
            const int row = g + 8 * (i / 2), col = 2 * t + i % 2;
            double sum = 0.0;
            for (int k = 0; k < 16; ++k)
                sum += A[row][k] * B[k][col];
            c[lane][i] += sum;
        }
    }
}

}  // namespace ponder::kernels::ref
