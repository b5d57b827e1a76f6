// The sampler's CPU reference and the shared arithmetic (kernels/sampling_math.h) that the GPU
// sampler runs too: greedy tie order, the top-p nucleus (ties at the threshold kept), the draw's
// determinism and its frequencies.
#include <QtTest>

#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/reference/reference.h"
#include "kernels/sampling_math.h"

using namespace ponder::kernels;

class TestSamplingReference : public QObject {
    Q_OBJECT
  private slots:
    void argmaxTakesTheLowerIdOnTies() {
        const std::vector<float> logits{0.5f, 2.0f, -1.0f, 2.0f};
        QCOMPARE(ref::sample_argmax(logits.data(), 4), 1);
    }

    void orderKeyFollowsFloatOrder() {
        const float values[] = {-INFINITY, -3.5f, -0.0f, 0.0f, 1e-30f, 2.0f, INFINITY};
        for (int i = 0; i + 1 < 7; ++i) {
            QVERIFY(float_order_key(values[i]) <= float_order_key(values[i + 1]));
        }
        QVERIFY(float_order_key(-3.5f) < float_order_key(1e-30f));
    }

    void uniformIsDeterministicAndSpread() {
        QCOMPARE(sample_uniform(42, 7), sample_uniform(42, 7));
        QVERIFY(sample_uniform(42, 7) != sample_uniform(42, 8));
        double sum = 0.0;
        for (int i = 0; i < 10000; ++i) {
            const float u = sample_uniform(1, static_cast<std::uint64_t>(i));
            QVERIFY(u >= 0.0f && u < 1.0f);
            sum += u;
        }
        QCOMPARE_LE(std::fabs(sum / 10000 - 0.5), 0.01);
    }

    void nucleusKeepsTheSmallestSetReachingTopP() {
        // p = {0.4, 0.3, 0.2, 0.1, 0, 0, 0, 0}.
        const std::vector<float> logits{std::log(4.0f), std::log(3.0f), std::log(2.0f), 0.0f,
                                        -INFINITY,      -INFINITY,      -INFINITY,      -INFINITY};
        const auto two = ref::sample_top_p(logits.data(), 8, 1.0f, 0.65f, 3, 0);
        QCOMPARE(two.threshold_key, float_order_key(logits[1]));
        QCOMPARE_LE(std::fabs(static_cast<double>(two.kept_mass) / kMassScale - 0.7), 1e-6);
        const auto three = ref::sample_top_p(logits.data(), 8, 1.0f, 0.75f, 3, 0);
        QCOMPARE(three.threshold_key, float_order_key(logits[2]));
        const auto all = ref::sample_top_p(logits.data(), 8, 1.0f, 1.0f, 3, 0);
        QCOMPARE_LE(std::fabs(static_cast<double>(all.kept_mass) / kMassScale - 1.0), 1e-6);
        // Frequencies of the 2-token nucleus: 4/7 and 3/7.
        int counts[8] = {};
        const int draws = 20000;
        for (int i = 0; i < draws; ++i) {
            const auto d =
                ref::sample_top_p(logits.data(), 8, 1.0f, 0.65f, 9, static_cast<std::uint64_t>(i));
            QVERIFY(d.token == 0 || d.token == 1);
            ++counts[d.token];
        }
        QCOMPARE_LE(std::fabs(counts[0] / static_cast<double>(draws) - 4.0 / 7.0), 0.015);
    }

    void tiesAtTheThresholdAreAllKept() {
        const std::vector<float> logits{1.0f, 1.0f, 1.0f, 0.0f};
        const auto d = ref::sample_top_p(logits.data(), 4, 1.0f, 0.1f, 5, 0);
        QCOMPARE(d.threshold_key, float_order_key(1.0f));
        bool seen[3] = {};
        for (int i = 0; i < 300; ++i) {
            const auto draw =
                ref::sample_top_p(logits.data(), 4, 1.0f, 0.1f, 5, static_cast<std::uint64_t>(i));
            QVERIFY(draw.token >= 0 && draw.token < 3);
            seen[draw.token] = true;
        }
        QVERIFY(seen[0] && seen[1] && seen[2]);
    }

    void temperatureSharpensTheDistribution() {
        const std::vector<float> logits{1.0f, 0.0f};
        const auto hot = ref::sample_top_p(logits.data(), 2, 1.0f, 1.0f, 1, 0);
        const auto cold = ref::sample_top_p(logits.data(), 2, 0.25f, 1.0f, 1, 0);
        const double p_hot = static_cast<double>(hot.mass[0]) / kMassScale;
        const double p_cold = static_cast<double>(cold.mass[0]) / kMassScale;
        QCOMPARE_LE(std::fabs(p_hot - 1.0 / (1.0 + std::exp(-1.0))), 1e-6);
        QCOMPARE_LE(std::fabs(p_cold - 1.0 / (1.0 + std::exp(-4.0))), 1e-6);
    }
};

QTEST_APPLESS_MAIN(TestSamplingReference)
#include "test_sampling_reference.moc"
