// Rewrites a checkpoint MXFP4 tensor into the MMA tile layout (mxfp4_layout.h) once, at load:
// the same bytes reordered so that each lane of the expert kernels fetches its fragments of a
// 16-row tile-pair with one 16-byte load. Pure data movement; one thread per (tile-pair, lane).
#include "kernels/cuda_common.cuh"
#include "kernels/launch_checks.h"
#include "kernels/mxfp4_layout.h"

namespace ponder::kernels {
namespace gpu {
namespace {

__global__ void u8_mxfp4_repack_mma(Mxfp4RepackArgs a) {
    const int tiles = a.rows / kTileRows, pairs = a.cols / kPairElems;
    const int groups = a.cols / kMxfp4BlockElems;
    const long long thread = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    const long long tile_pairs = static_cast<long long>(a.num_experts) * tiles * pairs;
    if (thread >= tile_pairs * 32) return;
    const int lane = static_cast<int>(thread % 32);
    const long long index = thread / 32;  // = tile_pair_index(e, m, p, tiles, pairs)
    const int p = static_cast<int>(index % pairs);
    const int m = static_cast<int>((index / pairs) % tiles);
    const int e = static_cast<int>(index / (static_cast<long long>(pairs) * tiles));
    const int g = lane / 4, tid = lane % 4;
    std::uint32_t words[4];
#pragma unroll
    for (int word = 0; word < 4; ++word) {
        const int row = tile_row_source(m, g + 8 * (word & 1), a.gate_up_interleaved);
        const int block = 2 * p + (word >> 1);
        const std::size_t src =
            ((static_cast<std::size_t>(e) * a.rows + row) * groups + block) * 16 + 4 * tid;
        words[word] = *reinterpret_cast<const std::uint32_t*>(a.blocks + src);
    }
    reinterpret_cast<uint4*>(a.tile_blocks)[index * 32 + lane] =
        make_uint4(words[0], words[1], words[2], words[3]);
    if (tid == 0) {
        std::uint32_t packed = 0;
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const int row = tile_row_source(m, g + 8 * (j & 1), a.gate_up_interleaved);
            const int block = 2 * p + (j >> 1);
            packed |= static_cast<std::uint32_t>(
                          a.scales[(static_cast<std::size_t>(e) * a.rows + row) * groups + block])
                      << (8 * j);
        }
        reinterpret_cast<std::uint32_t*>(a.tile_scales)[index * 8 + g] = packed;
    }
}

}  // namespace
}  // namespace gpu

Status u8_mxfp4_repack_mma(const Mxfp4RepackArgs& a, StreamHandle stream) {
    const char* name = "u8_mxfp4_repack_mma";
    PONDER_KERNELS_TRY(require_pointer(name, "blocks", a.blocks, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "scales", a.scales, 1));
    PONDER_KERNELS_TRY(require_pointer(name, "tile_blocks", a.tile_blocks));
    PONDER_KERNELS_TRY(require_pointer(name, "tile_scales", a.tile_scales, 4));
    PONDER_KERNELS_TRY(require_range(name, "num_experts", a.num_experts, 1, 1024));
    PONDER_KERNELS_TRY(require_multiple(name, "rows", a.rows, kTileRows));
    PONDER_KERNELS_TRY(require_multiple(name, "cols", a.cols, kPairElems));
    if (a.gate_up_interleaved && a.rows % 2 != 0) {
        return Status::error(StatusCode::invalid_argument, "%s: interleaved rows = %d is odd", name,
                             a.rows);
    }
    const long long threads =
        static_cast<long long>(a.num_experts) * (a.rows / kTileRows) * (a.cols / kPairElems) * 32;
    const int block = 256;
    gpu::u8_mxfp4_repack_mma<<<static_cast<unsigned>((threads + block - 1) / block), block, 0,
                               stream>>>(a);
    return gpu::check_launch(name);
}

}  // namespace ponder::kernels
