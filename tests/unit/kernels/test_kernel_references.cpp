// The CPU references of the CUDA kernels (kernels/reference) on small hand-computed cases: the
// gpu tests trust these, so each spec rule they encode is pinned here (docs/gpt-oss.md §3-4).
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/reference/numeric.h"
#include "kernels/reference/reference.h"

using namespace ponder::kernels;
using ponder::kernels::ref::bf16_to_f32;
using ponder::kernels::ref::f32_to_bf16;

namespace {

double sigmoid(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}

std::vector<bf16_bits> bf16_vector(std::size_t n, float value) {
    return std::vector<bf16_bits>(n, f32_to_bf16(value));
}

// A bf16 value is within half a bf16 ulp of the exact one.
bool close_bf16(bf16_bits got, double expected) {
    return std::fabs(bf16_to_f32(got) - expected) <= std::fabs(expected) / 256.0 + 1e-6;
}

}  // namespace

class TestKernelReferences : public QObject {
    Q_OBJECT
  private slots:
    void ropeRotatesHalfSplitPairs() {
        // Pair (i, i + 32): out0 = x0 c - x1 s, out1 = x1 c + x0 s, with m on both cos and sin.
        float o0, o1;
        ref::rope_pair(1.0f, 0.0f, 2, 0.25f, 1.0f, &o0, &o1);  // angle 0.5
        QCOMPARE_LE(std::fabs(o0 - std::cos(0.5)), 1e-6);
        QCOMPARE_LE(std::fabs(o1 - std::sin(0.5)), 1e-6);
        ref::rope_pair(0.0f, 1.0f, 2, 0.25f, 2.0f, &o0, &o1);
        QCOMPARE_LE(std::fabs(o0 + 2.0 * std::sin(0.5)), 1e-6);
        QCOMPARE_LE(std::fabs(o1 - 2.0 * std::cos(0.5)), 1e-6);
    }

    void qkvRopeWritesQueryAndCacheSlot() {
        // One KV head: 8 q heads + 1 k + 1 v = 10 heads of 64 rows. Position 5, capacity 4: slot 1.
        const int heads = 10, rows = heads * 64, pos = 5, capacity = 4;
        std::vector<float> qkv(rows, 0.0f);
        std::vector<bf16_bits> bias(rows, f32_to_bf16(0.0f));
        qkv[0] = 1.0f;           // q head 0, dim 0 -> rotated with dim 32
        qkv[8 * 64 + 1] = 1.0f;  // k head, dim 1
        qkv[9 * 64 + 3] = 0.5f;  // v head, dim 3: not rotated
        bias[9 * 64 + 3] = f32_to_bf16(0.25f);
        std::vector<float> inv_freq(32, 0.0f);
        inv_freq[0] = 0.1f;
        inv_freq[1] = 0.2f;
        std::vector<bf16_bits> q(8 * 64), k(capacity * 64, 0), v(capacity * 64, 0);
        ref::HostKvCache cache{k.data(), v.data(), capacity, 0};
        ref::qkv_bias_rope_cache(qkv.data(), bias.data(), 1, pos, 1, inv_freq.data(), 1.5f,
                                 q.data(), cache);
        const float angle0 = 5.0f * 0.1f, angle1 = 5.0f * 0.2f;
        QVERIFY(close_bf16(q[0], 1.5 * std::cos(angle0)));
        QVERIFY(close_bf16(q[32], 1.5 * std::sin(angle0)));
        QVERIFY(close_bf16(k[1 * 64 + 1], 1.5 * std::cos(angle1)));
        QVERIFY(close_bf16(k[1 * 64 + 33], 1.5 * std::sin(angle1)));
        QCOMPARE(bf16_to_f32(v[1 * 64 + 3]), 0.75f);
        QCOMPARE(bf16_to_f32(k[0 * 64 + 1]), 0.0f);  // other slots untouched
    }

    void sinkJoinsTheDenominatorOnly() {
        // One key with score 0 and V = 2 everywhere: out = 2 * exp(0) / (exp(sink) + exp(0)).
        std::vector<bf16_bits> q = bf16_vector(8 * 64, 0.0f), k = bf16_vector(64, 1.0f),
                               v = bf16_vector(64, 2.0f);
        ref::HostKvCache cache{k.data(), v.data(), 1, 0};
        std::vector<float> out(8 * 64);
        for (const float sink : {0.0f, std::log(3.0f), -8.0f}) {
            const std::vector<bf16_bits> sinks = bf16_vector(8, sink);
            ref::sdpa_sink_window(q.data(), cache, sinks.data(), 1, 1, 0, 0.125f, out.data());
            const double expected = 2.0 / (std::exp(bf16_to_f32(sinks[0])) + 1.0);
            QCOMPARE_LE(std::fabs(out[0] - expected), 1e-6);
            QCOMPARE_LE(std::fabs(out[7 * 64 + 63] - expected), 1e-6);
            QVERIFY(out[0] < 2.0f);  // the real keys' probabilities sum to less than 1
        }
    }

    void slidingWindowAdmitsExactlyWKeys() {
        // Query at position 5, window 2: keys 4 and 5 only (i - W < j <= i). Scores all 0 and a
        // -inf sink, so the output is the mean of the admitted keys' values (value = key index).
        const int capacity = 8;
        std::vector<bf16_bits> q = bf16_vector(8 * 64, 0.0f), k = bf16_vector(capacity * 64, 0.0f),
                               v(capacity * 64);
        for (int j = 0; j < capacity; ++j) {
            for (int d = 0; d < 64; ++d)
                v[j * 64 + d] = f32_to_bf16(static_cast<float>(j));
        }
        const std::vector<bf16_bits> sinks(8, 0xff80u);  // bf16 -inf
        std::vector<float> out(8 * 64);
        ref::sdpa_sink_window(q.data(), ref::HostKvCache{k.data(), v.data(), capacity, 2},
                              sinks.data(), 1, 1, 5, 0.125f, out.data());
        QCOMPARE(out[0], 4.5f);
        ref::sdpa_sink_window(q.data(), ref::HostKvCache{k.data(), v.data(), capacity, 0},
                              sinks.data(), 1, 1, 5, 0.125f, out.data());
        QCOMPARE(out[0], 2.5f);  // full attention: keys 0..5
        // A ring of 2 slots at position 9 with window 2: keys 8 (slot 0) and 9 (slot 1).
        ref::sdpa_sink_window(q.data(), ref::HostKvCache{k.data(), v.data(), 2, 2}, sinks.data(), 1,
                              1, 9, 0.125f, out.data());
        QCOMPARE(out[0], 0.5f);
    }

    void fullLayerSeesOnlyKeysTheRingHolds() {
        // A full layer (window 0) with 4 slots: a chunk of 2 queries at positions 3 and 4 writes
        // key 4 over key 0 (slot 0). Both kernels start at the oldest key the ring still holds,
        // 1: query 3 sees keys 1-3, query 4 keys 1-4 (value = position, scores 0, sink -inf).
        const int capacity = 4;
        std::vector<bf16_bits> q = bf16_vector(2 * 8 * 64, 0.0f),
                               k = bf16_vector(capacity * 64, 0.0f), v(capacity * 64);
        const float position_in_slot[capacity] = {4.0f, 1.0f, 2.0f, 3.0f};
        for (int slot = 0; slot < capacity; ++slot) {
            for (int d = 0; d < 64; ++d)
                v[slot * 64 + d] = f32_to_bf16(position_in_slot[slot]);
        }
        const std::vector<bf16_bits> sinks(8, 0xff80u);  // bf16 -inf
        std::vector<float> out(2 * 8 * 64);
        ref::sdpa_sink_window(q.data(), ref::HostKvCache{k.data(), v.data(), capacity, 0},
                              sinks.data(), 2, 1, 3, 0.125f, out.data());
        QCOMPARE(out[0], 2.0f);       // (1 + 2 + 3) / 3, not slot 0's key 4 read as key 0
        QCOMPARE(out[8 * 64], 2.5f);  // (1 + 2 + 3 + 4) / 4
        // Decode at position 4 (one query): the same bound, pos - capacity + 1.
        ref::sdpa_sink_window(q.data(), ref::HostKvCache{k.data(), v.data(), capacity, 0},
                              sinks.data(), 1, 1, 4, 0.125f, out.data());
        QCOMPARE(out[0], 2.5f);
    }

    void topFourKeepsLowerIndexOnTies() {
        const int experts = 32;
        std::vector<float> logits(2 * experts, 0.0f);  // two slices summed
        for (const int e : {13, 5, 9, 7, 11})
            logits[e] = 0.5f;
        for (const int e : {13, 5, 9, 7, 11})
            logits[experts + e] = 0.5f;
        std::vector<bf16_bits> bias(experts, f32_to_bf16(0.0f));
        std::int32_t idx[4];
        float w[4];
        ref::topk_softmax(logits.data(), 2, bias.data(), 1, experts, idx, w);
        QCOMPARE(idx[0], 5);
        QCOMPARE(idx[1], 7);
        QCOMPARE(idx[2], 9);
        QCOMPARE(idx[3], 11);
        for (const float weight : w)
            QCOMPARE(weight, 0.25f);
        // Top-k first, softmax over the 4 selected only: bias lifts expert 2 to the top.
        bias[2] = f32_to_bf16(2.0f);
        ref::topk_softmax(logits.data(), 2, bias.data(), 1, experts, idx, w);
        QCOMPARE(idx[0], 2);
        const double e1 = std::exp(-1.0);
        QCOMPARE_LE(std::fabs(w[0] - 1.0 / (1.0 + 3.0 * e1)), 1e-6);
        QCOMPARE_LE(std::fabs(w[1] - e1 / (1.0 + 3.0 * e1)), 1e-6);
    }

    void topFourRanksNanLogitsLast() {
        // The same rule as the engine's CPU router (test_cpu_ops): NaN counts as -inf, so the 4
        // ids are valid and distinct and NaN experts get weight 0. Here the NaN comes from one
        // slice of the sum, as a NaN in the router mat-vec's partial results would.
        const int experts = 32;
        const float nan = std::numeric_limits<float>::quiet_NaN();
        std::vector<float> logits(2 * experts, -1.0f);
        logits[0] = nan;            // expert 0: NaN + -1
        logits[experts + 3] = nan;  // expert 3: -1 + NaN
        logits[17] = 2.0f;          // expert 17: 2 + -1 = 1, the only one above -2
        std::int32_t idx[4];
        float w[4];
        ref::topk_softmax(logits.data(), 2, nullptr, 1, experts, idx, w);
        QCOMPARE(idx[0], 17);
        QCOMPARE(idx[1], 1);  // then the -2s, lowest index first, skipping the NaNs at 0 and 3
        QCOMPARE(idx[2], 2);
        QCOMPARE(idx[3], 4);
        const double e3 = std::exp(-3.0);
        QCOMPARE_LE(std::fabs(w[0] - 1.0 / (1.0 + 3.0 * e3)), 1e-6);
        QCOMPARE_LE(std::fabs(w[1] - e3 / (1.0 + 3.0 * e3)), 1e-6);

        // Every logit NaN: experts 0-3, equal weights.
        std::fill(logits.begin(), logits.end(), nan);
        ref::topk_softmax(logits.data(), 2, nullptr, 1, experts, idx, w);
        for (int n = 0; n < 4; ++n) {
            QCOMPARE(idx[n], n);
            QCOMPARE(w[n], 0.25f);
        }
    }

    void swigluClampsGateAboveAndUpBothSides() {
        const float limit = 7.0f, alpha = 1.702f;
        QCOMPARE_LE(std::fabs(ref::swiglu(10.0f, 0.0f, limit, alpha) - 7.0 * sigmoid(1.702 * 7.0)),
                    1e-5);
        QCOMPARE_LE(std::fabs(ref::swiglu(1.0f, 10.0f, limit, alpha) - sigmoid(1.702) * 8.0), 1e-5);
        QCOMPARE_LE(std::fabs(ref::swiglu(1.0f, -10.0f, limit, alpha) + sigmoid(1.702) * 6.0),
                    1e-5);
        // The gate has no lower clamp: -10 stays -10 (and nearly vanishes through the sigmoid).
        QCOMPARE_LE(std::fabs(ref::swiglu(-10.0f, 0.0f, limit, alpha) + 10.0 * sigmoid(-17.02)),
                    1e-9);
    }

    void mxfp4LowNibbleIsTheEvenElement() {
        // One row of 32: byte 0 = 0x21 -> element 0 = nibble 1 (0.5), element 1 = nibble 2 (1.0);
        // byte 1 = 0xf9 -> element 2 = nibble 9 (-0.5), element 3 = nibble 15 (-6). Scale 128: x2.
        std::vector<std::uint8_t> blocks(16, 0), scales{128};
        blocks[0] = 0x21;
        blocks[1] = 0xf9;
        QCOMPARE(ref::mxfp4_weight(blocks.data(), scales.data(), 1, 32, 0, 0, 0), 1.0f);
        QCOMPARE(ref::mxfp4_weight(blocks.data(), scales.data(), 1, 32, 0, 0, 1), 2.0f);
        QCOMPARE(ref::mxfp4_weight(blocks.data(), scales.data(), 1, 32, 0, 0, 2), -1.0f);
        QCOMPARE(ref::mxfp4_weight(blocks.data(), scales.data(), 1, 32, 0, 0, 3), -12.0f);
        scales[0] = 126;  // 2^-1
        QCOMPARE(ref::mxfp4_weight(blocks.data(), scales.data(), 1, 32, 0, 0, 3), -3.0f);
    }

    void moeSumsWeightedExpertsWithBiases() {
        // W1 = 0, b1: gate 1, up 0 -> every act = sigmoid(1.702). W2 = 0.5 everywhere (nibble 1,
        // scale 127) -> y_r = 0.5 * I * sigmoid(1.702) + b2[e][r]; out = sum_n w_n y.
        const int E = 32, H = 64, I = 64;
        std::vector<std::uint8_t> w1(static_cast<std::size_t>(E) * 2 * I * H / 2, 0),
            s1(static_cast<std::size_t>(E) * 2 * I * H / 32, 127),
            w2(static_cast<std::size_t>(E) * H * I / 2, 0x11),
            s2(static_cast<std::size_t>(E) * H * I / 32, 127);
        std::vector<bf16_bits> b1(static_cast<std::size_t>(E) * 2 * I),
            b2(static_cast<std::size_t>(E) * H);
        for (std::size_t i = 0; i < b1.size(); ++i)
            b1[i] = f32_to_bf16(i % 2 == 0 ? 1.0f : 0.0f);
        for (int e = 0; e < E; ++e) {
            for (int r = 0; r < H; ++r)
                b2[e * H + r] = f32_to_bf16(static_cast<float>(e));
        }
        ref::HostExperts ex{w1.data(), s1.data(), b1.data(), w2.data(), s2.data(), b2.data(),
                            E,         H,         I,         7.0f,      1.702f};
        const std::vector<bf16_bits> x = bf16_vector(H, 1.0f);
        const std::int32_t idx[4] = {3, 10, 0, 31};
        const float w[4] = {0.4f, 0.3f, 0.2f, 0.1f};
        std::vector<float> residual(H, 1.0f), act(4 * I);
        ref::moe(ex, x.data(), idx, w, 1, residual.data(), act.data());
        const double a = sigmoid(1.702);
        QCOMPARE_LE(std::fabs(act[0] - a), 1e-6);
        const double expected = 1.0 + 0.5 * I * a + (0.4 * 3 + 0.3 * 10 + 0.2 * 0 + 0.1 * 31);
        QCOMPARE_LE(std::fabs(residual[0] - expected), 1e-4);
        QCOMPARE_LE(std::fabs(residual[H - 1] - expected), 1e-4);
    }

    void rmsnormAddsResidualThenScales() {
        std::vector<float> x{1.0f, 1.0f, 0.0f, 0.0f}, delta{1.0f, 3.0f, 0.0f, 0.0f};
        const std::vector<bf16_bits> bias{f32_to_bf16(1.0f), 0, 0, 0};
        const std::vector<bf16_bits> weight{f32_to_bf16(1.0f), f32_to_bf16(2.0f), f32_to_bf16(1.0f),
                                            f32_to_bf16(1.0f)};
        std::vector<bf16_bits> out(4);
        ref::rmsnorm_residual(x.data(), delta.data(), bias.data(), weight.data(), 1, 4, 0.0f,
                              out.data());
        QCOMPARE(x[0], 3.0f);  // 1 + (1 + 1)
        QCOMPARE(x[1], 4.0f);
        // rms = sqrt((9 + 16) / 4) = 2.5
        QCOMPARE(bf16_to_f32(out[0]), ref::round_bf16(1.2f));
        QCOMPARE(bf16_to_f32(out[1]), ref::round_bf16(3.2f));
        QCOMPARE(bf16_to_f32(out[2]), 0.0f);
    }

    void embeddingZeroesUnknownIds() {
        const std::vector<bf16_bits> table{f32_to_bf16(1.0f), f32_to_bf16(2.0f), f32_to_bf16(3.0f),
                                           f32_to_bf16(4.0f)};
        const std::int32_t tokens[3] = {1, 2, -1};
        std::vector<float> x(6, 9.0f);
        ref::embedding(tokens, 3, table.data(), 2, 2, x.data());
        QCOMPARE(x[0], 3.0f);
        QCOMPARE(x[1], 4.0f);
        QCOMPARE(x[2], 0.0f);
        QCOMPARE(x[5], 0.0f);
    }
};

QTEST_APPLESS_MAIN(TestKernelReferences)
#include "test_kernel_references.moc"
