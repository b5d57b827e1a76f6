// The model-math pieces of the CPU backend checked against docs/gpt-oss.md §4 by hand: YaRN
// frequencies (the spec's own table), RoPE pairs, RMSNorm, attention with sinks, the sliding
// window boundary, GQA, routing with ties and the clamped SwiGLU.
#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

#include "engine/cpu/attention.h"
#include "engine/cpu/kv_cache.h"
#include "engine/cpu/moe.h"
#include "engine/cpu/norm.h"
#include "engine/cpu/rope.h"
#include "engine/cpu/thread_pool.h"

using namespace ponder;
using namespace ponder::cpu;

namespace {

ModelConfig gpt_oss_rope_config() {
    ModelConfig config;
    config.head_dim = 64;
    config.rope_theta = 150000.0;
    config.rope_scaling.factor = 32.0;
    config.rope_scaling.beta_fast = 32.0;
    config.rope_scaling.beta_slow = 1.0;
    config.rope_scaling.original_max_position = 4096;
    config.rope_scaling.truncate = false;
    return config;
}

// A cache of `positions` entries whose key rows are `key` and value rows come from `value(j)`.
template <typename ValueFn>
LayerKvCache filled_cache(std::int64_t width, std::int64_t ring, std::int64_t positions,
                          const std::vector<float>& key, ValueFn value) {
    LayerKvCache cache(width, ring);
    if (!cache.reserve(positions).ok()) qFatal("reserve failed");
    for (std::int64_t j = 0; j < positions; ++j) {
        const std::vector<float> v = value(j);
        cache.append(key.data(), v.data());
    }
    return cache;
}

const bf16 no_sink = f32_to_bf16(-1e30f);  // exp(-1e30 - max) = 0: a softmax without sink

}  // namespace

class TestCpuOps : public QObject {
    Q_OBJECT
  private slots:
    void yarnInverseFrequenciesMatchTheSpecTable() {
        // docs/gpt-oss.md §4.5, float64 evaluation of the untruncated formula.
        const double expected[32] = {
            1.000000000e+00, 6.890443059e-01, 4.747820555e-01, 3.271458719e-01, 2.254180002e-01,
            1.553229895e-01, 1.070244215e-01, 7.374456821e-02, 5.081327482e-02, 3.170569618e-02,
            1.933500113e-02, 1.159204926e-02, 6.794959490e-03, 3.860359317e-03, 2.093792379e-03,
            1.052602101e-03, 4.564839192e-04, 1.293187012e-04, 3.830881237e-05, 2.639646903e-05,
            1.818833668e-05, 1.253256982e-05, 8.635495875e-06, 5.950239261e-06, 4.099978482e-06,
            2.825066827e-06, 1.946596211e-06, 1.341291035e-06, 9.242089502e-07, 6.368209146e-07,
            4.387978251e-07, 3.023511428e-07};
        const YarnRope rope = YarnRope::from_config(gpt_oss_rope_config());
        QCOMPARE(rope.inv_freq.size(), size_t(32));
        for (int i = 0; i < 32; ++i) {
            const double relative = std::abs(rope.inv_freq[i] - expected[i]) / expected[i];
            QVERIFY2(relative < 1e-6, qPrintable(QString("inv_freq[%1] = %2, spec %3")
                                                     .arg(i)
                                                     .arg(rope.inv_freq[i], 0, 'e', 9)
                                                     .arg(expected[i], 0, 'e', 9)));
        }
        QVERIFY(std::abs(rope.attention_factor - 1.3465735902799727) < 1e-7);
    }

    void truncatedYarnWouldDiffer() {
        // The spec's trap: flooring/ceiling the ramp ends changes the middle frequencies.
        ModelConfig config = gpt_oss_rope_config();
        config.rope_scaling.truncate = true;
        const YarnRope truncated = YarnRope::from_config(config);
        const YarnRope exact = YarnRope::from_config(gpt_oss_rope_config());
        QVERIFY(std::abs(truncated.inv_freq[9] - exact.inv_freq[9]) / exact.inv_freq[9] > 1e-3);
        QCOMPARE(truncated.inv_freq[0], exact.inv_freq[0]);
    }

    void ropeRotatesHalfSplitPairsScaledByTheAttentionFactor() {
        const YarnRope rope = YarnRope::from_config(gpt_oss_rope_config());
        const float m = rope.attention_factor;
        std::vector<float> cos(32);
        std::vector<float> sin(32);
        rope.cos_sin(0, cos.data(), sin.data());
        for (int i = 0; i < 32; ++i) {
            QCOMPARE(cos[i], m);  // position 0: no rotation, but still scaled by m
            QCOMPARE(sin[i], 0.0f);
        }
        const std::int64_t position = 1000;
        rope.cos_sin(position, cos.data(), sin.data());
        std::vector<float> head(64);
        for (int i = 0; i < 64; ++i)
            head[i] = static_cast<float>(i + 1);
        const std::vector<float> before = head;
        apply_rope(head.data(), cos.data(), sin.data(), 32);
        for (int i = 0; i < 32; ++i) {
            const double angle = double(position) * double(rope.inv_freq[i]);
            const double c = m * std::cos(angle);
            const double s = m * std::sin(angle);
            QVERIFY(std::abs(head[i] - (before[i] * c - before[i + 32] * s)) < 1e-4);
            QVERIFY(std::abs(head[i + 32] - (before[i + 32] * c + before[i] * s)) < 1e-4);
        }
    }

    void rmsNormScalesAfterNormalising() {
        const float x[4] = {3.0f, 4.0f, 0.0f, -5.0f};
        const bf16 scale[4] = {f32_to_bf16(1.0f), f32_to_bf16(2.0f), f32_to_bf16(3.0f),
                               f32_to_bf16(0.5f)};
        float y[4];
        rms_norm(x, scale, 1e-5, 1, 4, y);
        const double inv_rms = 1.0 / std::sqrt((9.0 + 16.0 + 0.0 + 25.0) / 4.0 + 1e-5);
        QVERIFY(std::abs(y[0] - 3.0 * inv_rms) < 1e-6);
        QVERIFY(std::abs(y[1] - 8.0 * inv_rms) < 1e-6);
        QCOMPARE(y[2], 0.0f);
        QVERIFY(std::abs(y[3] - -2.5 * inv_rms) < 1e-6);
    }

    void sinkJoinsTheDenominatorUnscaled() {
        // head_dim 4 -> scale 1/2. q.k = 4 -> score 2. A sink logit of 2 (raw, not halved) takes
        // exactly half of the mass, and has no value of its own.
        ThreadPool pool(1);
        const std::vector<float> key = {1, 1, 1, 1};
        LayerKvCache cache = filled_cache(4, 0, 1, key, [](std::int64_t) {
            return std::vector<float>{2, 4, 6, 8};
        });
        const float q[4] = {1, 1, 1, 1};
        float out[4];
        const AttentionShape shape{1, 1, 4, 0};
        const bf16 sink = f32_to_bf16(2.0f);
        f32_sdpa_sink_window(pool, best_dot_kernels(), shape, q, 0, 1, cache, &sink, out);
        for (int i = 0; i < 4; ++i)
            QVERIFY(std::abs(out[i] - 0.5f * float(2 * (i + 1))) < 1e-6);

        // A huge sink takes all the mass: the output goes to zero, it does not renormalise.
        const bf16 big_sink = f32_to_bf16(60.0f);
        f32_sdpa_sink_window(pool, best_dot_kernels(), shape, q, 0, 1, cache, &big_sink, out);
        for (float value : out)
            QVERIFY(std::abs(value) < 1e-20);

        // Two keys: p_j = exp(s_j) / (exp(z) + sum exp(s)).
        LayerKvCache two(4, 0);
        QVERIFY(two.reserve(2).ok());
        const float k0[4] = {1, 0, 0, 0};
        const float k1[4] = {0, 2, 0, 0};
        const float v0[4] = {1, 0, 0, 0};
        const float v1[4] = {0, 1, 0, 0};
        two.append(k0, v0);
        two.append(k1, v1);
        const float q2[4] = {2, 2, 0, 0};  // scores 1 and 2
        const bf16 sink_half = f32_to_bf16(0.5f);
        f32_sdpa_sink_window(pool, best_dot_kernels(), shape, q2, 1, 1, two, &sink_half, out);
        const double denominator = std::exp(0.5) + std::exp(1.0) + std::exp(2.0);
        QVERIFY(std::abs(out[0] - std::exp(1.0) / denominator) < 1e-6);
        QVERIFY(std::abs(out[1] - std::exp(2.0) / denominator) < 1e-6);
    }

    void slidingWindowAdmitsExactlyTheLastWKeys() {
        // Scores are all equal (q = 0) and the sink is off, so the output is the mean of the
        // visible values. Value j is 1 only at one position: visible iff the output is 1/W.
        ThreadPool pool(2);
        const std::int64_t window = 4;
        const std::int64_t position = 10;
        const std::vector<float> key = {0.3f, -0.2f};
        const float q[2] = {0.0f, 0.0f};
        const AttentionShape shape{1, 1, 2, window};
        for (std::int64_t marked : {position - window, position - window + 1, position}) {
            for (std::int64_t ring : {std::int64_t{0}, window + 2}) {
                LayerKvCache cache = filled_cache(2, ring, position + 1, key, [&](std::int64_t j) {
                    return std::vector<float>{j == marked ? 1.0f : 0.0f, 1.0f};
                });
                float out[2];
                f32_sdpa_sink_window(pool, best_dot_kernels(), shape, q, position, 1, cache,
                                     &no_sink, out);
                const float expected = marked > position - window ? 1.0f / float(window) : 0.0f;
                QVERIFY2(std::abs(out[0] - expected) < 1e-6,
                         qPrintable(QString("key %1 at query %2, ring %3: %4")
                                        .arg(marked)
                                        .arg(position)
                                        .arg(ring)
                                        .arg(out[0])));
                QVERIFY(std::abs(out[1] - 1.0f) <
                        1e-6);  // the weights of the visible keys sum to 1
            }
        }
        // A full layer (window 0) sees every key up to and including its own position.
        LayerKvCache cache = filled_cache(2, 0, position + 1, key, [](std::int64_t j) {
            return std::vector<float>{j == 0 ? 1.0f : 0.0f, 0.0f};
        });
        float out[2];
        const AttentionShape full{1, 1, 2, 0};
        f32_sdpa_sink_window(pool, best_dot_kernels(), full, q, position, 1, cache, &no_sink, out);
        QVERIFY(std::abs(out[0] - 1.0f / float(position + 1)) < 1e-6);
    }

    void queryHeadsShareKvHeadsInGroups() {
        // 4 query heads over 2 KV heads: heads 0, 1 read KV head 0; heads 2, 3 read KV head 1.
        ThreadPool pool(2);
        const std::vector<float> key(4, 0.0f);  // [kv head 0 (2), kv head 1 (2)]
        LayerKvCache cache = filled_cache(4, 0, 3, key, [](std::int64_t) {
            return std::vector<float>{1, 2, 10, 20};
        });
        const std::vector<float> q(8, 0.0f);
        std::vector<float> out(8);
        const bf16 sinks[4] = {no_sink, no_sink, no_sink, no_sink};
        const AttentionShape shape{4, 2, 2, 0};
        f32_sdpa_sink_window(pool, best_dot_kernels(), shape, q.data(), 2, 1, cache, sinks,
                             out.data());
        const float expected[8] = {1, 2, 1, 2, 10, 20, 10, 20};
        for (int i = 0; i < 8; ++i)
            QVERIFY(std::abs(out[i] - expected[i]) < 1e-6);
    }

    void ringKeepsTheNewestPositions() {
        LayerKvCache ring(1, 5);
        QVERIFY(ring.reserve(100).ok());
        for (int j = 0; j < 12; ++j) {
            const float value = float(j);
            ring.append(&value, &value);
        }
        QCOMPARE(ring.begin(), std::int64_t(7));
        QCOMPARE(ring.end(), std::int64_t(12));
        for (int j = 7; j < 12; ++j)
            QCOMPARE(*ring.key(j), float(j));
        ring.truncate(9);
        QCOMPARE(ring.end(), std::int64_t(9));
        QCOMPARE(*ring.value(8), 8.0f);
        ring.restart_at(3);
        QCOMPARE(ring.begin(), std::int64_t(3));
        QCOMPARE(ring.end(), std::int64_t(3));
    }

    void routerTakesTopKOnRawLogitsThenSoftmax() {
        const float logits[5] = {1.0f, 3.0f, 3.0f, 0.0f, 2.0f};
        std::int32_t experts[3];
        float weights[3];
        route_top_k(logits, 1, 5, 3, experts, weights);
        QCOMPARE(experts[0], 1);  // tie between 1 and 2: the lower index first
        QCOMPARE(experts[1], 2);
        QCOMPARE(experts[2], 4);
        const double total = 2 * std::exp(3.0) + std::exp(2.0);
        QVERIFY(std::abs(weights[0] - std::exp(3.0) / total) < 1e-6);
        QVERIFY(std::abs(weights[1] - std::exp(3.0) / total) < 1e-6);
        QVERIFY(std::abs(weights[2] - std::exp(2.0) / total) < 1e-6);

        // A tie at the cut: of experts 0 and 3 (both 5), only the lower index makes top-2.
        const float cut[4] = {5.0f, 9.0f, 1.0f, 5.0f};
        route_top_k(cut, 1, 4, 2, experts, weights);
        QCOMPARE(experts[0], 1);
        QCOMPARE(experts[1], 0);
        QVERIFY(std::abs(weights[0] + weights[1] - 1.0f) < 1e-6);
    }

    void routerRanksNanLogitsLast() {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        std::int32_t experts[4];
        float weights[4];
        // A NaN at index 0 used to stay "best" (no comparison with it is true) and win every slot
        // it was first in; it sorts last instead, behind every number.
        const float first_nan[5] = {nan, 1.0f, -3.0f, 2.0f, 0.5f};
        route_top_k(first_nan, 1, 5, 3, experts, weights);
        QCOMPARE(experts[0], 3);
        QCOMPARE(experts[1], 1);
        QCOMPARE(experts[2], 4);
        const double total = std::exp(2.0) + std::exp(1.0) + std::exp(0.5);
        QVERIFY(std::abs(weights[0] - std::exp(2.0) / total) < 1e-6);

        // Fewer numbers than slots: the NaN experts fill the rest, lowest index first, with
        // weight 0; the ids stay distinct.
        const float mostly_nan[5] = {nan, nan, 4.0f, nan, nan};
        route_top_k(mostly_nan, 1, 5, 3, experts, weights);
        QCOMPARE(experts[0], 2);
        QCOMPARE(experts[1], 0);
        QCOMPARE(experts[2], 1);
        QCOMPARE(weights[0], 1.0f);
        QCOMPARE(weights[1], 0.0f);
        QCOMPARE(weights[2], 0.0f);

        // All NaN: experts 0..k-1 with equal weights (no NaN weight reaches the experts).
        const float all_nan[4] = {nan, nan, nan, nan};
        route_top_k(all_nan, 1, 4, 4, experts, weights);
        for (int n = 0; n < 4; ++n) {
            QCOMPARE(experts[n], n);
            QCOMPARE(weights[n], 0.25f);
        }

        // +inf wins outright and takes all the weight; a second +inf shares it equally.
        const float infinite[4] = {1.0f, inf, 2.0f, inf};
        route_top_k(infinite, 1, 4, 3, experts, weights);
        QCOMPARE(experts[0], 1);
        QCOMPARE(experts[1], 3);
        QCOMPARE(experts[2], 2);
        QCOMPARE(weights[0], 0.5f);
        QCOMPARE(weights[1], 0.5f);
        QCOMPARE(weights[2], 0.0f);
    }

    void swigluClampsGateAboveAndUpBothWays() {
        const float limit = 7.0f;
        const float alpha = 1.702f;
        // Rows of (gate, up) pairs, interleaved as in the checkpoint.
        const float gate_up[] = {10.0f,  10.0f,    // gate -> 7, up -> 7
                                 -10.0f, -10.0f,   // gate stays -10, up -> -7
                                 0.5f,   -0.25f};  // inside the limits
        float out[3];
        swiglu_clamped(gate_up, 1, 3, limit, alpha, out);
        auto reference = [&](double gate, double up) {
            return gate / (1.0 + std::exp(-alpha * gate)) * (up + 1.0);
        };
        QVERIFY(std::abs(out[0] - reference(7.0, 7.0)) < 1e-5);
        QVERIFY(std::abs(out[1] - reference(-10.0, -7.0)) < 1e-6);
        QVERIFY(std::abs(out[2] - reference(0.5, -0.25)) < 1e-6);
        QVERIFY(out[1] != 0.0f);  // a negative gate is not clamped to 0 or -7
    }
};

QTEST_APPLESS_MAIN(TestCpuOps)
#include "test_cpu_ops.moc"
