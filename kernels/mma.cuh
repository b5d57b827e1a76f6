// Warp-level tensor-core and async-copy primitives through inline PTX that assembles for sm_80 and
// newer, so the same code runs on sm_90 (H100/H200) and sm_120 (RTX 50): mma.sync m16n8k16,
// ldmatrix and cp.async. No wgmma/tcgen05 (arch-specific). Fragment layouts (PTX ISA, "Matrix
// Fragments for mma.m16n8k16"), with g = lane / 4 and t = lane % 4:
//   A (16x16, row):  a0 = (g, 2t..2t+1)   a1 = (g+8, 2t..)   a2 = (g, 2t+8..)   a3 = (g+8, 2t+8..)
//   B (16x8, col):   b0 = (k 2t..2t+1, n g)   b1 = (k 2t+8..2t+9, n g)
//   C/D (16x8 f32):  c0,c1 = (g, 2t..2t+1)   c2,c3 = (g+8, 2t..2t+1)
// Each 32-bit register holds two 16-bit values, the lower column (or k) in the low half.
#pragma once

#include <cstdint>

namespace ponder::kernels::gpu {

// c += A * B with fp16 operands and f32 accumulation.
__device__ __forceinline__ void mma_f16_16816(float c[4], const std::uint32_t a[4],
                                              std::uint32_t b0, std::uint32_t b1) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
        "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// c += A * B with bf16 operands and f32 accumulation.
__device__ __forceinline__ void mma_bf16_16816(float c[4], const std::uint32_t a[4],
                                               std::uint32_t b0, std::uint32_t b1) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
        "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Four 8x8 b16 matrices from shared memory, transposed: lane i gives the address of row i % 8 of
// matrix i / 8; afterwards r[m] of lane l holds (row 2(l%4), col l/4) low and (row 2(l%4)+1,
// col l/4) high of matrix m, i.e. a B fragment when rows are k.
__device__ __forceinline__ void ldmatrix_x4_trans(std::uint32_t r[4], const void* smem_row) {
    const auto address = static_cast<std::uint32_t>(__cvta_generic_to_shared(smem_row));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(address));
}

// 16-byte global -> shared copy that bypasses registers; when !valid it writes 16 zero bytes
// (src-size 0) and reads nothing, so tiles past the end are zero-filled.
__device__ __forceinline__ void cp_async_16(void* smem, const void* global, bool valid) {
    const auto address = static_cast<std::uint32_t>(__cvta_generic_to_shared(smem));
    const int src_bytes = valid ? 16 : 0;
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(address), "l"(global),
                 "r"(src_bytes));
}
__device__ __forceinline__ void cp_async_commit() {
    asm volatile("cp.async.commit_group;\n" ::);
}
// Waits until at most `pending` committed groups are still in flight.
template <int pending>
__device__ __forceinline__ void cp_async_wait() {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(pending));
}

}  // namespace ponder::kernels::gpu
