// The sampler's rules on hand-made logits: greedy, temperature, top-k, top-p, min-p, the order
// they apply in, and determinism for a seed.
#include <QtTest>

#include <cmath>
#include <vector>

#include "engine/generate/sampler.h"

using namespace ponder;

namespace {

Sampler make(const SamplerOptions& options) {
    auto sampler = Sampler::create(options);
    if (!sampler) qFatal("%s", sampler.status().to_string().c_str());
    return *sampler;
}

// Logits whose softmax is exactly `probabilities`.
std::vector<float> logits_of(const std::vector<double>& probabilities) {
    std::vector<float> logits;
    for (double p : probabilities)
        logits.push_back(static_cast<float>(std::log(p)));
    return logits;
}

std::vector<std::int32_t> tokens_of(const std::vector<TokenProbability>& distribution) {
    std::vector<std::int32_t> tokens;
    for (const TokenProbability& entry : distribution)
        tokens.push_back(entry.token);
    return tokens;
}

}  // namespace

class TestSampler : public QObject {
    Q_OBJECT
  private slots:
    void greedyTakesTheArgmaxLowestIdOnTies() {
        Sampler sampler = make({.temperature = 0.0});
        const std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
        for (int i = 0; i < 5; ++i)
            QCOMPARE(sampler.sample(logits), 1);
        const auto distribution = sampler.distribution(logits);
        QCOMPARE(distribution.size(), size_t(1));
        QCOMPARE(distribution[0].token, 1);
        QCOMPARE(distribution[0].probability, 1.0);
    }

    void temperatureScalesLogitsBeforeTheSoftmax() {
        const std::vector<float> logits = {1.0f, 2.0f, 3.0f};
        for (double temperature : {1.0, 0.5, 2.0}) {
            const auto distribution = make({.temperature = temperature}).distribution(logits);
            QCOMPARE(tokens_of(distribution), (std::vector<std::int32_t>{2, 1, 0}));
            double total = 0.0;
            for (float l : logits)
                total += std::exp(l / temperature);
            for (const TokenProbability& entry : distribution) {
                QVERIFY(std::abs(entry.probability -
                                 std::exp(logits[entry.token] / temperature) / total) < 1e-12);
            }
        }
    }

    void topKKeepsTheKMostLikely() {
        const auto logits = logits_of({0.1, 0.4, 0.2, 0.3});
        const auto distribution = make({.top_k = 2}).distribution(logits);
        QCOMPARE(tokens_of(distribution), (std::vector<std::int32_t>{1, 3}));
        QVERIFY(std::abs(distribution[0].probability - 0.4 / 0.7) < 1e-6);
        QVERIFY(std::abs(distribution[1].probability - 0.3 / 0.7) < 1e-6);
    }

    void topPKeepsTheSmallestSetReachingP() {
        const auto logits = logits_of({0.05, 0.5, 0.15, 0.3});
        QCOMPARE(tokens_of(make({.top_p = 0.75}).distribution(logits)),
                 (std::vector<std::int32_t>{1, 3}));
        QCOMPARE(tokens_of(make({.top_p = 0.4}).distribution(logits)),
                 (std::vector<std::int32_t>{1}));
        QCOMPARE(tokens_of(make({.top_p = 0.9}).distribution(logits)),
                 (std::vector<std::int32_t>{1, 3, 2}));
        QCOMPARE(make({.top_p = 1.0}).distribution(logits).size(), size_t(4));
        const auto kept = make({.top_p = 0.75}).distribution(logits);
        QVERIFY(std::abs(kept[0].probability - 0.5 / 0.8) < 1e-6);
    }

    void minPDropsTokensFarBelowTheBest() {
        const auto logits = logits_of({0.05, 0.5, 0.15, 0.3});
        // min_p 0.5: keep p >= 0.25.
        QCOMPARE(tokens_of(make({.min_p = 0.5}).distribution(logits)),
                 (std::vector<std::int32_t>{1, 3}));
        // min_p 0.25: keep p >= 0.125.
        QCOMPARE(tokens_of(make({.min_p = 0.25}).distribution(logits)),
                 (std::vector<std::int32_t>{1, 3, 2}));
    }

    void filtersApplyInOrder() {
        // top-k 3 leaves {0.5, 0.3, 0.15}/0.95; top-p 0.8 then needs 0.5/0.95 + 0.3/0.95 = 0.84.
        const auto logits = logits_of({0.05, 0.5, 0.15, 0.3});
        const auto distribution = make({.top_p = 0.8, .top_k = 3}).distribution(logits);
        QCOMPARE(tokens_of(distribution), (std::vector<std::int32_t>{1, 3}));
    }

    void aSeedFixesTheSequence() {
        std::vector<float> logits(50);
        for (size_t i = 0; i < logits.size(); ++i)
            logits[i] = static_cast<float>(std::sin(double(i)));
        auto draw = [&](std::uint64_t seed) {
            Sampler sampler = make({.temperature = 1.0, .seed = seed});
            std::vector<std::int32_t> tokens;
            for (int i = 0; i < 200; ++i)
                tokens.push_back(sampler.sample(logits));
            return tokens;
        };
        QCOMPARE(draw(7), draw(7));
        QVERIFY(draw(7) != draw(8));
        Sampler sampler = make({.seed = 7});
        const std::int32_t first = sampler.sample(logits);
        sampler.sample(logits);
        sampler.reseed(7);
        QCOMPARE(sampler.sample(logits), first);
    }

    void drawsFollowTheDistribution() {
        const auto logits = logits_of({0.1, 0.6, 0.3});
        Sampler sampler = make({.seed = 3});
        int counts[3] = {};
        const int draws = 20000;
        for (int i = 0; i < draws; ++i)
            counts[sampler.sample(logits)]++;
        QVERIFY(std::abs(counts[0] / double(draws) - 0.1) < 0.015);
        QVERIFY(std::abs(counts[1] / double(draws) - 0.6) < 0.015);
        QVERIFY(std::abs(counts[2] / double(draws) - 0.3) < 0.015);
        // A masked token is never drawn.
        Sampler top1 = make({.top_k = 1, .seed = 3});
        for (int i = 0; i < 100; ++i)
            QCOMPARE(top1.sample(logits), 1);
    }

    void rejectsInvalidOptions() {
        QVERIFY(!Sampler::create({.temperature = -1.0}).ok());
        QVERIFY(!Sampler::create({.temperature = NAN}).ok());
        QVERIFY(!Sampler::create({.top_p = 0.0}).ok());
        QVERIFY(!Sampler::create({.top_p = 1.5}).ok());
        QVERIFY(!Sampler::create({.top_k = -2}).ok());
        QVERIFY(!Sampler::create({.min_p = 1.5}).ok());
        QCOMPARE(Sampler::create({.top_p = 2.0}).status().code(), StatusCode::invalid_argument);
    }
};

QTEST_APPLESS_MAIN(TestSampler)
#include "test_sampler.moc"
