// One-warp probes of the device primitives every tensor-core kernel relies on (mma.cuh,
// moe_common.cuh): mma.sync m16n8k16 with fp16 and bf16 operands, ldmatrix .x4 .trans, the fp16
// doubling of decoded MXFP4 weights. The gpu test gpu_kernels_primitives compares them with an
// emulation written from the PTX ISA, so that a failing kernel test can be traced to either a
// primitive or the index arithmetic around it.
#include "kernels/cuda_common.cuh"
#include "kernels/launch_checks.h"
#include "kernels/moe_common.cuh"
#include "kernels/primitives_probe.h"

namespace ponder::kernels {
namespace gpu {
namespace {

__global__ void mma_m16n8k16_probe(const std::uint32_t* a, const std::uint32_t* b, float* d,
                                   bool bf16) {
    const int lane = threadIdx.x;
    std::uint32_t fragment[4];
    for (int i = 0; i < 4; ++i)
        fragment[i] = a[lane * 4 + i];
    float c[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    if (bf16) {
        mma_bf16_16816(c, fragment, b[lane * 2], b[lane * 2 + 1]);
    } else {
        mma_f16_16816(c, fragment, b[lane * 2], b[lane * 2 + 1]);
    }
    for (int i = 0; i < 4; ++i)
        d[lane * 4 + i] = c[i];
}

// Lane i points at row i % 8 of matrix i / 8 of a 16 x 16 b16 tile (rows = matrix & 1, columns
// = matrix >> 1, as attention_prefill.cu addresses V).
__global__ void ldmatrix_x4_trans_probe(const std::uint16_t* tile, std::uint32_t* out) {
    __shared__ __align__(16) std::uint16_t smem[16][24];  // padded rows, 48 bytes (16-aligned)
    const int lane = threadIdx.x;
    for (int i = lane; i < 256; i += 32)
        smem[i / 16][i % 16] = tile[i];
    __syncwarp();
    const int matrix = lane / 8;
    std::uint32_t r[4];
    ldmatrix_x4_trans(r, &smem[(matrix & 1) * 8 + lane % 8][(matrix >> 1) * 8]);
    for (int i = 0; i < 4; ++i)
        out[lane * 4 + i] = r[i];
}

__global__ void f16x2_times_two_probe(const std::uint32_t* in, std::uint32_t* out, int n) {
    for (int i = threadIdx.x; i < n; i += blockDim.x)
        out[i] = f16x2_times_two(in[i]);
}

}  // namespace
}  // namespace gpu

Status mma_m16n8k16_probe(const std::uint32_t* a, const std::uint32_t* b, float* d, bool bf16) {
    PONDER_KERNELS_TRY(require_pointer("mma_m16n8k16_probe", "a", a, 4));
    PONDER_KERNELS_TRY(require_pointer("mma_m16n8k16_probe", "b", b, 4));
    PONDER_KERNELS_TRY(require_pointer("mma_m16n8k16_probe", "d", d, 4));
    gpu::mma_m16n8k16_probe<<<1, 32>>>(a, b, d, bf16);
    return gpu::check_launch("mma_m16n8k16_probe");
}

Status ldmatrix_x4_trans_probe(const std::uint16_t* tile, std::uint32_t* out) {
    PONDER_KERNELS_TRY(require_pointer("ldmatrix_x4_trans_probe", "tile", tile, 2));
    PONDER_KERNELS_TRY(require_pointer("ldmatrix_x4_trans_probe", "out", out, 4));
    gpu::ldmatrix_x4_trans_probe<<<1, 32>>>(tile, out);
    return gpu::check_launch("ldmatrix_x4_trans_probe");
}

Status f16x2_times_two_probe(const std::uint32_t* in, std::uint32_t* out, int n) {
    PONDER_KERNELS_TRY(require_pointer("f16x2_times_two_probe", "in", in, 4));
    PONDER_KERNELS_TRY(require_pointer("f16x2_times_two_probe", "out", out, 4));
    gpu::f16x2_times_two_probe<<<1, 256>>>(in, out, n);
    return gpu::check_launch("f16x2_times_two_probe");
}

}  // namespace ponder::kernels
