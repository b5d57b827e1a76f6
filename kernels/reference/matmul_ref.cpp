#include <vector>

#include "kernels/reference/numeric.h"
#include "kernels/reference/reference.h"

namespace ponder::kernels::ref {

void matmul_bf16(const bf16_bits* weight, const bf16_bits* bias, const bf16_bits* x, int num_tokens,
                 int rows, int cols, float* y) {
    std::vector<float> w_row(cols);
    std::vector<float> x_f32(static_cast<std::size_t>(num_tokens) * cols);
    for (std::size_t i = 0; i < x_f32.size(); ++i)
        x_f32[i] = bf16_to_f32(x[i]);
    for (int r = 0; r < rows; ++r) {
        for (int k = 0; k < cols; ++k) {
            w_row[k] = bf16_to_f32(weight[static_cast<std::size_t>(r) * cols + k]);
        }
        for (int t = 0; t < num_tokens; ++t) {
            const float* xt = x_f32.data() + static_cast<std::size_t>(t) * cols;
            double sum = 0.0;
            for (int k = 0; k < cols; ++k)
                sum += static_cast<double>(w_row[k]) * xt[k];
            if (bias != nullptr) sum += bf16_to_f32(bias[r]);
            y[static_cast<std::size_t>(t) * rows + r] = static_cast<float>(sum);
        }
    }
}

}  // namespace ponder::kernels::ref
