// bf16_bf16w_matvec (decode projections) and bf16_bf16w_gemm (cuBLAS, prefill) against the CPU
// reference: the gpt-oss shapes (o_proj 2880 x 4096, router 32 x 2880 split over columns, the
// 201,088-row unembedding), odd row counts (the last warp's second row), ragged column slices.
#include <cstdio>

#include "gpu_test_support.h"
#include "kernels/gemm_cublas.h"
#include "kernels/launchers.h"
#include "kernels/reference/reference.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

void matvec_case(Checker& check, std::mt19937& rng, int rows, int cols, int k_splits,
                 bool with_bias) {
    const auto weight = random_bf16(rng, static_cast<std::size_t>(rows) * cols, 0.05f);
    const auto bias = random_bf16(rng, rows, 0.5f);
    const auto x = random_bf16(rng, cols, 1.0f);
    DeviceBuffer d_w = upload(check, weight, "weight"), d_b = upload(check, bias, "bias"),
                 d_x = upload(check, x, "x");
    DeviceBuffer d_y = poisoned(check, static_cast<std::size_t>(k_splits) * rows * 4, "y");
    MatvecArgs args;
    args.weight = d_w.as<bf16_bits>();
    args.bias = with_bias ? d_b.as<bf16_bits>() : nullptr;
    args.x = d_x.as<bf16_bits>();
    args.y = d_y.as<float>();
    args.rows = rows;
    args.cols = cols;
    args.k_splits = k_splits;
    check.ok(bf16_bf16w_matvec(args, nullptr), "bf16_bf16w_matvec");
    check.ok(device_synchronize(), "matvec run");
    const auto slices = download<float>(check, d_y, static_cast<std::size_t>(k_splits) * rows, "y");
    std::vector<float> got(rows, 0.0f);
    for (int s = 0; s < k_splits; ++s) {
        for (int r = 0; r < rows; ++r)
            got[r] += slices[static_cast<std::size_t>(s) * rows + r];
    }
    std::vector<float> expected(rows);
    ref::matmul_bf16(weight.data(), with_bias ? bias.data() : nullptr, x.data(), 1, rows, cols,
                     expected.data());
    char name[96];
    std::snprintf(name, sizeof(name), "matvec rows=%d cols=%d k_splits=%d bias=%d", rows, cols,
                  k_splits, with_bias);
    // f32 accumulation of up to 8192 products in another order: ~1e-6 relative to the magnitude.
    check.close(name, got, expected, 2e-4, 1e-4);
}

void gemm_case(Checker& check, Blas& blas, std::mt19937& rng, int tokens, int rows, int cols,
               float beta) {
    const auto weight = random_bf16(rng, static_cast<std::size_t>(rows) * cols, 0.05f);
    const auto x = random_bf16(rng, static_cast<std::size_t>(tokens) * cols, 1.0f);
    std::vector<float> y0(static_cast<std::size_t>(tokens) * rows, 0.5f);
    DeviceBuffer d_w = upload(check, weight, "weight"), d_x = upload(check, x, "x"),
                 d_y = upload(check, y0, "y");
    GemmArgs args;
    args.weight = d_w.as<bf16_bits>();
    args.x = d_x.as<bf16_bits>();
    args.y = d_y.as<float>();
    args.num_tokens = tokens;
    args.rows = rows;
    args.cols = cols;
    args.beta = beta;
    check.ok(bf16_bf16w_gemm(blas, args, nullptr), "bf16_bf16w_gemm");
    check.ok(device_synchronize(), "gemm run");
    std::vector<float> expected(y0.size());
    ref::matmul_bf16(weight.data(), nullptr, x.data(), tokens, rows, cols, expected.data());
    for (std::size_t i = 0; i < expected.size(); ++i)
        expected[i] += beta * y0[i];
    char name[96];
    std::snprintf(name, sizeof(name), "gemm (cuBLAS) T=%d rows=%d cols=%d beta=%g", tokens, rows,
                  cols, static_cast<double>(beta));
    check.close(name, download<float>(check, d_y, y0.size(), "y"), expected, 2e-4, 1e-3);
}

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    Checker check;
    std::mt19937 rng(99);
    matvec_case(check, rng, 2880, 4096, 1, false);    // o_proj
    matvec_case(check, rng, 32, 2880, 4, true);       // router, 4 column slices
    matvec_case(check, rng, 128, 2880, 8, true);      // 120b router
    matvec_case(check, rng, 33, 2880, 3, true);       // odd rows, ragged slices
    matvec_case(check, rng, 1, 8, 1, true);           // smallest
    matvec_case(check, rng, 201088, 2880, 1, false);  // unembedding
    Blas blas;
    if (check.ok(blas.create(), "cublasCreate")) {
        gemm_case(check, blas, rng, 37, 5120, 2880, 0.0f);  // q/k/v for a 37-token chunk
        gemm_case(check, blas, rng, 5, 2880, 4096, 1.0f);   // o_proj, accumulating
        gemm_case(check, blas, rng, 64, 32, 2880, 0.0f);    // router logits
    }
    return check.finish("gpu_kernels_matvec_gemm");
}
