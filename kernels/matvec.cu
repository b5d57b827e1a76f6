// y = W x (+ b) for one token, W bf16 [rows, cols], x bf16, y f32: the decode-time o_proj, router
// logits and unembedding. Pure bandwidth: every weight byte is read once; x is staged per block.
#include "kernels/launch_checks.h"
#include "kernels/matvec_warp.cuh"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kWarps = 8;
constexpr int kRowsPerWarp = 2;
constexpr int kRowsPerBlock = kWarps * kRowsPerWarp;

// grid (ceil(rows / 16), k_splits); block 256. Block (b, s) computes rows [16b, 16b + 16) over
// the s-th slice of the columns and writes y[s][row].
__global__ void __launch_bounds__(kWarps * 32) bf16_bf16w_matvec(MatvecArgs a) {
    extern __shared__ uint4 x_slice_storage[];
    bf16_bits* x_slice = reinterpret_cast<bf16_bits*>(x_slice_storage);
    const int chunks = a.cols / 8;
    const int split = blockIdx.y;
    const int chunk_begin = static_cast<int>(static_cast<long long>(chunks) * split / a.k_splits);
    const int chunk_end =
        static_cast<int>(static_cast<long long>(chunks) * (split + 1) / a.k_splits);
    stage_chunks(x_slice, a.x + 8 * chunk_begin, chunk_end - chunk_begin);
    __syncthreads();

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int row0 = blockIdx.x * kRowsPerBlock + warp * kRowsPerWarp;
    if (row0 >= a.rows) return;
    const bool has_row1 = row0 + 1 < a.rows;
    const bf16_bits* w0 = a.weight + static_cast<std::size_t>(row0) * a.cols + 8 * chunk_begin;
    const bf16_bits* w1 = has_row1 ? w0 + a.cols : w0;
    float sum0 = 0.0f, sum1 = 0.0f;
    dot2_bf16_partial(w0, w1, x_slice, chunk_end - chunk_begin, sum0, sum1);
    sum0 = warp_sum(sum0);
    sum1 = warp_sum(sum1);
    if (lane == 0) {
        float* y = a.y + static_cast<std::size_t>(split) * a.rows;
        const bool add_bias = a.bias != nullptr && split == 0;
        y[row0] = add_bias ? sum0 + bf16_to_f32(a.bias[row0]) : sum0;
        if (has_row1) y[row0 + 1] = add_bias ? sum1 + bf16_to_f32(a.bias[row0 + 1]) : sum1;
    }
}

}  // namespace
}  // namespace gpu

Status bf16_bf16w_matvec(const MatvecArgs& a, StreamHandle stream) {
    const char* name = "bf16_bf16w_matvec";
    PONDER_KERNELS_TRY(require_pointer(name, "weight", a.weight));
    PONDER_KERNELS_TRY(optional_pointer(name, "bias", a.bias, 2));
    PONDER_KERNELS_TRY(require_pointer(name, "x", a.x));
    PONDER_KERNELS_TRY(require_pointer(name, "y", a.y, 4));
    PONDER_KERNELS_TRY(require_range(name, "rows", a.rows, 1, 1 << 30));
    PONDER_KERNELS_TRY(require_multiple(name, "cols", a.cols, 8));
    PONDER_KERNELS_TRY(require_range(name, "cols", a.cols, 8, kMaxMatvecCols));
    PONDER_KERNELS_TRY(require_range(name, "k_splits", a.k_splits, 1, 16));
    if (a.k_splits > a.cols / 8) {
        return Status::error(StatusCode::invalid_argument,
                             "%s: k_splits = %d exceeds the %d column chunks", name, a.k_splits,
                             a.cols / 8);
    }
    const int chunks_per_split = (a.cols / 8 + a.k_splits - 1) / a.k_splits;
    const dim3 grid((a.rows + gpu::kRowsPerBlock - 1) / gpu::kRowsPerBlock, a.k_splits);
    const std::size_t smem = static_cast<std::size_t>(chunks_per_split) * 16;
    gpu::bf16_bf16w_matvec<<<grid, gpu::kWarps * 32, smem, stream>>>(a);
    return gpu::check_launch(name);
}

}  // namespace ponder::kernels
