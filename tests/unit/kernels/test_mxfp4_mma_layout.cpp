// The MXFP4 tensor-core data path of the MoE kernels, checked on the CPU with the same
// host/device functions the kernels run (kernels/mxfp4_layout.h): the E2M1 -> fp16 bit trick,
// the MMA tile layout, and the emulation of mma.sync m16n8k16 (kernels/reference/mma_emulation.h,
// fragment layouts from the PTX ISA) whose block-scaled result must equal plain dot products.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/mxfp4_layout.h"
#include "kernels/reference/mma_emulation.h"
#include "kernels/reference/numeric.h"
#include "kernels/reference/reference.h"

using namespace ponder::kernels;
using ponder::kernels::ref::f16_to_f32;
using ponder::kernels::ref::f32_to_f16;

namespace {

float half_lo(std::uint32_t word) {
    return f16_to_f32(static_cast<std::uint16_t>(word & 0xffffu));
}
float half_hi(std::uint32_t word) {
    return f16_to_f32(static_cast<std::uint16_t>(word >> 16));
}

// The kernels double each decoded fp16 weight (f16x2_times_two); exact, so emulate in f32.
std::uint32_t times_two(std::uint32_t word) {
    return static_cast<std::uint32_t>(f32_to_f16(half_lo(word) * 2.0f)) |
           (static_cast<std::uint32_t>(f32_to_f16(half_hi(word) * 2.0f)) << 16);
}

}  // namespace

class TestMxfp4MmaLayout : public QObject {
    Q_OBJECT
  private slots:
    void e2m1DecodesToExactFp16() {
        // Every byte value in every byte position: half = E2M1(nibble) * 2^-14 exactly.
        for (int position = 0; position < 4; ++position) {
            for (std::uint32_t byte = 0; byte < 256; ++byte) {
                const std::uint32_t word =
                    (byte << (8 * position)) | (0x7a3c5e19u & ~(0xffu << (8 * position)));
                std::uint32_t out[4];
                e2m1x8_to_f16x2(word, out);
                // out[0] = (e0, e2), out[1] = (e4, e6), out[2] = (e1, e3), out[3] = (e5, e7)
                const int element_of[4][2] = {{0, 2}, {4, 6}, {1, 3}, {5, 7}};
                for (int r = 0; r < 4; ++r) {
                    for (int h = 0; h < 2; ++h) {
                        const int element = element_of[r][h];
                        const unsigned nibble = (word >> (4 * element)) & 0xfu;
                        const float got = (h == 0 ? half_lo(out[r]) : half_hi(out[r])) * 16384.0f;
                        const float expected = ref::e2m1_value(nibble);
                        QCOMPARE(got, expected);
                        QCOMPARE(std::signbit(got), std::signbit(expected));  // -0 stays -0
                        // Doubled, no value is an fp16 subnormal any more (tensor-core safe).
                        const float doubled = half_lo(times_two(out[r] >> (16 * h)));
                        QVERIFY(doubled == 0.0f || std::fabs(doubled) >= 6.103515625e-05f);
                    }
                }
            }
        }
    }

    void mmaOrderPositionInvertsTheTable() {
        for (int group = 0; group < 3; ++group) {
            for (int j = 0; j < 8; ++j) {
                QCOMPARE(mma_order_position(group * 8 + kMmaOrder[j]), group * 8 + j);
            }
        }
    }

    void e8m0ScaleIsExact() {
        QCOMPARE(e8m0_scale(127, 1), 2.0f);
        QCOMPARE(e8m0_scale(130, kGateUpScaleLog2), std::ldexp(1.0f, 3 + kGateUpScaleLog2));
        QCOMPARE(e8m0_scale(0, kDownScaleLog2), std::ldexp(1.0f, -127 + kDownScaleLog2));
        QVERIFY(std::isinf(e8m0_scale(255, kDownScaleLog2)));
    }

    void repackMovesEveryWordOnce() {
        // Source words numbered 0..n-1: the tile layout must hold each exactly once, at the
        // place the documented formula says.
        const int E = 2, rows = 32, cols = 128;
        const int groups = cols / 32;
        std::vector<std::uint32_t> words(static_cast<std::size_t>(E) * rows * groups * 4);
        for (std::size_t i = 0; i < words.size(); ++i)
            words[i] = static_cast<std::uint32_t>(i);
        std::vector<std::uint8_t> scales(static_cast<std::size_t>(E) * rows * groups);
        for (std::size_t i = 0; i < scales.size(); ++i)
            scales[i] = static_cast<std::uint8_t>(i * 7);
        for (const bool interleaved : {false, true}) {
            std::vector<std::uint32_t> tiled(words.size(), 0xffffffffu);
            std::vector<std::uint8_t> tiled_scales(scales.size());
            Mxfp4RepackArgs args;
            args.blocks = reinterpret_cast<const std::uint8_t*>(words.data());
            args.scales = scales.data();
            args.tile_blocks = reinterpret_cast<std::uint8_t*>(tiled.data());
            args.tile_scales = tiled_scales.data();
            args.num_experts = E;
            args.rows = rows;
            args.cols = cols;
            args.gate_up_interleaved = interleaved;
            ref::mxfp4_repack_mma(args);
            std::vector<std::uint32_t> sorted = tiled;
            std::sort(sorted.begin(), sorted.end());
            QCOMPARE(sorted, words);
            // Tile 1, pair 1, lane 13 (g 3, t 1), word 1 = tile row g + 8 = 11, block 2.
            const int tiles = rows / 16, pairs = cols / 64;
            const std::size_t at = tile_pair_index(1, 1, 1, tiles, pairs) * 128 + 13 * 4 + 1;
            const int row = interleaved ? 16 + 2 * 3 + 1 : 16 + 11;
            QCOMPARE(tiled[at],
                     words[((static_cast<std::size_t>(1) * rows + row) * groups + 2) * 4 + 1]);
            QCOMPARE(tiled_scales[tile_pair_index(1, 1, 1, tiles, pairs) * 32 + 3 * 4 + 1],
                     scales[(static_cast<std::size_t>(1) * rows + row) * groups + 2]);
        }
    }

    void emulatedTileMmaEqualsDotProducts_data() {
        QTest::addColumn<bool>("gate_up");
        QTest::newRow("gate_up (interleaved rows, prescaled activations)") << true;
        QTest::newRow("down (natural rows)") << false;
    }

    void emulatedTileMmaEqualsDotProducts() {
        // One expert, 32 rows x 128 inputs (2 tiles x 2 pairs), 8 token columns. Walk the tile
        // exactly as the kernels do: per pair the lane's 16 bytes and scale word, per block the
        // fragments of block_a_fragments, B from MMA-order activations, scale on the accumulator.
        QFETCH(bool, gate_up);
        const int rows = 32, cols = 128, groups = cols / 32, tokens = 8;
        std::mt19937 rng(gate_up ? 7 : 11);
        std::vector<std::uint8_t> blocks(static_cast<std::size_t>(rows) * groups * 16),
            scales(rows * groups);
        for (auto& b : blocks)
            b = static_cast<std::uint8_t>(rng());
        for (auto& s : scales)
            s = static_cast<std::uint8_t>(118 + rng() % 14);
        std::vector<float> x(static_cast<std::size_t>(tokens) * cols);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        for (auto& v : x)
            v = ref::round_bf16(normal(rng));
        const int act_log2 = gate_up ? kGateUpActivationLog2 : 0;
        std::vector<std::uint16_t> act(x.size());  // fp16, MMA order, as the kernels stage it
        for (int n = 0; n < tokens; ++n) {
            for (int k = 0; k < cols; ++k) {
                act[n * cols + mma_order_position(k)] =
                    f32_to_f16(std::ldexp(x[n * cols + k], act_log2));
            }
        }
        std::vector<std::uint8_t> tiled(blocks.size()), tiled_scales(scales.size());
        Mxfp4RepackArgs args;
        args.blocks = blocks.data();
        args.scales = scales.data();
        args.tile_blocks = tiled.data();
        args.tile_scales = tiled_scales.data();
        args.num_experts = 1;
        args.rows = rows;
        args.cols = cols;
        args.gate_up_interleaved = gate_up;
        ref::mxfp4_repack_mma(args);

        const int tiles = rows / 16, pairs = cols / 64;
        const int extra_log2 = gate_up ? kGateUpScaleLog2 : kDownScaleLog2;
        for (int m = 0; m < tiles; ++m) {
            double acc[32][4] = {};
            for (int p = 0; p < pairs; ++p) {
                const std::size_t index = tile_pair_index(0, m, p, tiles, pairs);
                for (int blk = 0; blk < 2; ++blk) {
                    std::uint32_t a0[32][4], a1[32][4], b0[32][2], b1[32][2];
                    double c[32][4] = {};
                    for (int lane = 0; lane < 32; ++lane) {
                        const int g = lane / 4, t = lane % 4;
                        std::uint32_t w[4];
                        std::memcpy(w, &tiled[index * 512 + lane * 16], 16);
                        block_a_fragments(blk ? w[2] : w[0], blk ? w[3] : w[1], a0[lane], a1[lane]);
                        for (int i = 0; i < 4; ++i) {
                            a0[lane][i] = times_two(a0[lane][i]);
                            a1[lane][i] = times_two(a1[lane][i]);
                        }
                        std::uint32_t group[4];  // column g's MMA-order group of block 2p + blk
                        std::memcpy(group, &act[g * cols + ((2 * p + blk) * 4 + t) * 8], 16);
                        b0[lane][0] = group[0];
                        b0[lane][1] = group[1];
                        b1[lane][0] = group[2];
                        b1[lane][1] = group[3];
                    }
                    ref::mma_m16n8k16(a0, b0, c, false);
                    ref::mma_m16n8k16(a1, b1, c, false);
                    for (int lane = 0; lane < 32; ++lane) {
                        std::uint32_t s;
                        std::memcpy(&s, &tiled_scales[index * 32 + (lane / 4) * 4], 4);
                        const double scale_g = e8m0_scale((s >> (16 * blk)) & 0xffu, extra_log2);
                        const double scale_g8 =
                            e8m0_scale((s >> (16 * blk + 8)) & 0xffu, extra_log2);
                        acc[lane][0] += c[lane][0] * scale_g;
                        acc[lane][1] += c[lane][1] * scale_g;
                        acc[lane][2] += c[lane][2] * scale_g8;
                        acc[lane][3] += c[lane][3] * scale_g8;
                    }
                }
            }
            for (int lane = 0; lane < 32; ++lane) {
                const int g = lane / 4, t = lane % 4;
                for (int i = 0; i < 4; ++i) {
                    const int tile_row = g + 8 * (i / 2), n = 2 * t + i % 2;
                    const int row = tile_row_source(m, tile_row, gate_up);
                    double expected = 0.0, magnitude = 0.0;
                    for (int k = 0; k < cols; ++k) {
                        const double term =
                            static_cast<double>(ref::mxfp4_weight(blocks.data(), scales.data(),
                                                                  rows, cols, 0, row, k)) *
                            x[n * cols + k];
                        expected += term;
                        magnitude += std::fabs(term);
                    }
                    // Only the activations' fp16 rounding separates the two (2^-11 relative).
                    QVERIFY2(std::fabs(acc[lane][i] - expected) <= 1e-3 * magnitude + 1e-9,
                             qPrintable(QString("tile %1 row %2 col %3: %4 vs %5")
                                            .arg(m)
                                            .arg(row)
                                            .arg(n)
                                            .arg(acc[lane][i])
                                            .arg(expected)));
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestMxfp4MmaLayout)
#include "test_mxfp4_mma_layout.moc"
