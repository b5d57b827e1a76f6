// MXFP4 decoding (docs/gpt-oss.md §3): the E2M1 table, low nibble first, and scales applied as
// a plain 2^(byte - 127) with no special case for any byte (0, 1, 127, 254, 255).
#include <QtTest>

#include <cmath>
#include <limits>

#include "engine/numeric/mxfp4.h"

using namespace ponder;

class TestMxfp4 : public QObject {
    Q_OBJECT
  private slots:
    void allSixteenNibbles() {
        const float expected[16] = {0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  3.0f,  4.0f,  6.0f,
                                    -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};
        for (int nibble = 0; nibble < 16; ++nibble) {
            const float value = mxfp4_decode(static_cast<std::uint8_t>(nibble), 127);
            QCOMPARE(value, expected[nibble]);
            QCOMPARE(std::signbit(value), nibble >= 8);  // 8 is -0.0
        }
        // Only the low 4 bits count.
        QCOMPARE(mxfp4_decode(0xF7, 127), 6.0f);
    }

    void scalesArePowersOfTwo() {
        QCOMPARE(mxfp4_decode(2, 126), 0.5f);
        QCOMPARE(mxfp4_decode(2, 130), 8.0f);
        QCOMPARE(mxfp4_decode(15, 128), -12.0f);
    }

    void extremeScalesAreNotSpecialCased() {
        // 0: 2^-127, so values land in the float subnormal range, exactly.
        QCOMPARE(mxfp4_decode(1, 0), std::ldexp(1.0f, -128));
        QCOMPARE(mxfp4_decode(3, 0), 3.0f * std::ldexp(1.0f, -128));
        QVERIFY(std::fpclassify(mxfp4_decode(1, 0)) == FP_SUBNORMAL);
        QVERIFY(std::fpclassify(mxfp4_decode(7, 0)) == FP_NORMAL);  // 6 * 2^-127 = 1.5 * 2^-125
        QCOMPARE(mxfp4_decode(0, 0), 0.0f);
        // 1: 2^-126 = the smallest normal float.
        QCOMPARE(mxfp4_decode(2, 1), std::numeric_limits<float>::min());
        QCOMPARE(mxfp4_decode(1, 1), std::ldexp(1.0f, -127));
        // 254: 2^127; 6 * 2^127 exceeds the float range and becomes infinity.
        QCOMPARE(mxfp4_decode(2, 254), std::ldexp(1.0f, 127));
        QCOMPARE(mxfp4_decode(5, 254), 1.5f * std::ldexp(1.0f, 128 - 1) * 2.0f);
        QVERIFY(std::isinf(mxfp4_decode(6, 254)) && mxfp4_decode(6, 254) > 0);
        // 255 (NaN in the OCP spec; the reference code just computes 2^128).
        QCOMPARE(mxfp4_decode(1, 255), std::ldexp(1.0f, 127));
        QVERIFY(std::isinf(mxfp4_decode(2, 255)) && mxfp4_decode(2, 255) > 0);
        QVERIFY(std::isinf(mxfp4_decode(10, 255)) && mxfp4_decode(10, 255) < 0);
        QCOMPARE(mxfp4_decode(0, 255), 0.0f);
        QVERIFY(!std::isnan(mxfp4_decode(8, 255)));
    }

    void lowNibbleIsTheEarlierElement() {
        std::uint8_t blocks[32] = {};
        blocks[0] = 0x21;   // element 0 = nibble 1 (0.5), element 1 = nibble 2 (1.0)
        blocks[15] = 0xF7;  // element 30 = 6.0, element 31 = -6.0
        blocks[16] = 0x9C;  // block 1: element 32 = nibble 12 (-2), element 33 = nibble 9 (-0.5)
        const std::uint8_t scales[2] = {127, 129};  // x1, x4
        float out[64];
        mxfp4_dequantize_row(blocks, scales, 64, out);
        QCOMPARE(out[0], 0.5f);
        QCOMPARE(out[1], 1.0f);
        QCOMPARE(out[2], 0.0f);
        QCOMPARE(out[30], 6.0f);
        QCOMPARE(out[31], -6.0f);
        QCOMPARE(out[32], -8.0f);
        QCOMPARE(out[33], -2.0f);
        QCOMPARE(out[63], 0.0f);
    }

    void rowMatchesElementwiseDecode() {
        std::uint8_t blocks[3 * 16];
        std::uint8_t scales[3] = {0, 120, 255};
        for (int i = 0; i < 48; ++i)
            blocks[i] = static_cast<std::uint8_t>(i * 37 + 11);
        float out[96];
        mxfp4_dequantize_row(blocks, scales, 96, out);
        for (int k = 0; k < 96; ++k) {
            const std::uint8_t byte = blocks[k / 2];
            const std::uint8_t nibble = k % 2 == 0 ? byte & 0x0F : byte >> 4;
            const float expected = std::ldexp(fp4_e2m1_values[nibble], scales[k / 32] - 127);
            QCOMPARE(out[k], expected);
        }
    }
};

QTEST_APPLESS_MAIN(TestMxfp4)
#include "test_mxfp4.moc"
