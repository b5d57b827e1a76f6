// MXFP4 on tensor cores: the bit-exact E2M1 -> fp16 decode and the "MMA tile layout" the expert
// kernels read. Host and device share these functions (hd.h); tests/unit/kernels checks them
// exhaustively on the CPU, including an emulation of the mma.sync fragment mapping.
//
// Why fp16 and not bf16 operands: an E2M1 nibble (sign, 2 exponent bits, 1 mantissa bit) placed
// at fp16 bits {15, 11, 10, 9} IS that value times 2^-14, zero and the 0.5 subnormal included,
// so decoding takes a few shifts and byte permutes per 8 weights. bf16 has no such placement.
// The block scale 2^(s-127) is applied to the f32 accumulator per 32-element block instead.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/hd.h"

namespace ponder::kernels {

// Decodes the 8 nibbles of one little-endian 32-bit word of MXFP4 blocks (element i = nibble i:
// the low nibble of byte j is element 2j, the high nibble element 2j+1; docs/gpt-oss.md §3.2)
// into four fp16x2 words, each half = E2M1(nibble) * 2^-14 exactly:
//   out[0] = (e0, e2)   out[1] = (e4, e6)   out[2] = (e1, e3)   out[3] = (e5, e7)
// (low half first). The pairing is free because the activations are stored in the same order
// ("MMA order", below); it lets both halves of a word come out of one shift and mask.
PONDER_HD void e2m1x8_to_f16x2(std::uint32_t x, std::uint32_t out[4]) {
    // Spread each nibble into its own byte as fp16's high byte: magnitude bits to 1..3, sign to 7.
    const std::uint32_t even = ((x << 1) & 0x0e0e0e0eu) | ((x << 4) & 0x80808080u);  // e0 e2 e4 e6
    const std::uint32_t odd = ((x >> 3) & 0x0e0e0e0eu) | (x & 0x80808080u);          // e1 e3 e5 e7
    out[0] = byte_perm(even, 0u, 0x1404u);
    out[1] = byte_perm(even, 0u, 0x3424u);
    out[2] = byte_perm(odd, 0u, 0x1404u);
    out[3] = byte_perm(odd, 0u, 0x3424u);
}

// The A fragments (mma m16n8k16, mma.cuh) of one 32-element block of a 16-row tile, from the
// lane's word of tile row g (word_g) and of tile row g + 8 (word_g8), before the kernels double
// them: k16 step 0 takes the lane's elements {0, 2 | 4, 6}, step 1 the elements {1, 3 | 5, 7}.
// Register order a0..a3 = (row g, k 2t..), (row g + 8, k 2t..), (row g, k 2t + 8..), (row g + 8,
// ..).
PONDER_HD void block_a_fragments(std::uint32_t word_g, std::uint32_t word_g8,
                                 std::uint32_t step0[4], std::uint32_t step1[4]) {
    std::uint32_t row_g[4], row_g8[4];
    e2m1x8_to_f16x2(word_g, row_g);
    e2m1x8_to_f16x2(word_g8, row_g8);
    step0[0] = row_g[0];
    step0[1] = row_g8[0];
    step0[2] = row_g[1];
    step0[3] = row_g8[1];
    step1[0] = row_g[2];
    step1[1] = row_g8[2];
    step1[2] = row_g[3];
    step1[3] = row_g8[3];
}

// "MMA order" of activations: within every group of 8 consecutive elements, position j holds
// element kMmaOrder[j]. A lane's 16-byte load of one group is then exactly its two B fragments
// for the two k16 steps of a 32-element block, matching e2m1x8_to_f16x2's pairing.
inline constexpr int kMmaOrder[8] = {0, 2, 4, 6, 1, 3, 5, 7};
PONDER_HD int mma_order_position(int k) {  // where element k of a row lives in MMA order
    const int j = k & 7;
    return (k & ~7) + ((j & 1) ? 4 + (j >> 1) : (j >> 1));
}

// f32 value of 2^(s - 127 + extra_log2) for an E8M0 scale byte s, exact (extra_log2 >= 1 keeps
// s = 0 normal; s + extra_log2 >= 255 gives +inf, as ldexp would overflow).
PONDER_HD float e8m0_scale(std::uint32_t s, int extra_log2) {
    std::uint32_t field = s + static_cast<std::uint32_t>(extra_log2);
    if (field > 255u) field = 255u;
    return bits_to_f32(field << 23);
}

// The decode above leaves weights at 2^-14; the kernels double them with one fp16 multiply
// (so that no subnormal reaches the tensor core) and prescale gate/up activations by 2^-2 (so
// that a bf16 activation cannot overflow fp16). The accumulator scale restores both.
inline constexpr int kDecodedWeightLog2 = -13;
inline constexpr int kGateUpActivationLog2 = -2;
// extra_log2 for e8m0_scale() on the accumulators of MLP1 (gate/up) and MLP2 (down).
inline constexpr int kGateUpScaleLog2 = -kDecodedWeightLog2 - kGateUpActivationLog2;
inline constexpr int kDownScaleLog2 = -kDecodedWeightLog2;

// --- MMA tile layout ----------------------------------------------------------------------
// Per expert, a [rows, cols] MXFP4 matrix is cut into tiles of 16 rows and pairs of blocks
// (64 input elements). Tile m, pair p holds 512 bytes of nibbles; lane L (g = L / 4, tid = L % 4)
// of the warp that multiplies the tile owns bytes [16L, 16L + 16):
//   word 0: tile row g,     block 2p,     bytes [4 tid, 4 tid + 4)  -> A fragment rows g
//   word 1: tile row g + 8, block 2p,     same bytes                -> A fragment rows g + 8
//   word 2: tile row g,     block 2p + 1
//   word 3: tile row g + 8, block 2p + 1
// and 32 bytes of scales, 4 per g: s(g, 2p), s(g + 8, 2p), s(g, 2p + 1), s(g + 8, 2p + 1).
// A warp therefore reads a whole tile-pair with one coalesced 512-byte load.
inline constexpr int kTileRows = 16;
inline constexpr int kPairElems = 64;
inline constexpr int kTilePairBytes = 512;
inline constexpr int kTilePairScaleBytes = 32;

// Source row of tile row r (0..15) of tile m. For MLP1 the gate row 2j and the up row 2j+1 of
// output j = 8m + (r & 7) go to tile rows r and r + 8, so one lane's accumulators hold both.
PONDER_HD int tile_row_source(int m, int r, bool gate_up_interleaved) {
    return gate_up_interleaved ? 16 * m + 2 * (r & 7) + (r >> 3) : 16 * m + r;
}

// Index of (expert e, tile m, pair p) in units of tile-pairs.
PONDER_HD std::size_t tile_pair_index(int e, int m, int p, int tiles, int pairs) {
    return (static_cast<std::size_t>(e) * tiles + m) * pairs + p;
}

}  // namespace ponder::kernels
