// The generation loop on the tiny golden model: it samples what the logits say, stops for each
// of its reasons (stop token from the config or the caller, token limit, callback, full
// context), leaves the context ready for the next turn, and honours the cancel flag.
#include <QtTest>

#include <atomic>

#include "engine/context.h"
#include "engine/generate/generate.h"
#include "engine/model/checkpoint.h"
#include "golden_model.h"

using namespace ponder;

namespace {

std::unique_ptr<Context> new_context(const Model& model, std::int64_t max_tokens = 0) {
    ContextOptions options;
    options.max_tokens = max_tokens;
    auto context = Context::create(model, options);
    if (!context) qFatal("%s", context.status().to_string().c_str());
    return std::move(*context);
}

GenerateOptions up_to(std::int64_t max_tokens) {
    GenerateOptions options;
    options.max_tokens = max_tokens;
    return options;
}

Sampler greedy() {
    return *Sampler::create({.temperature = 0.0});
}

// The greedy continuation computed by hand, token by token.
std::vector<std::int32_t> greedy_by_hand(const Model& model, std::span<const std::int32_t> prompt,
                                         int count) {
    auto context = new_context(model);
    if (!context->append(prompt).ok()) qFatal("append failed");
    std::vector<std::int32_t> tokens;
    for (int i = 0; i < count; ++i) {
        const std::int32_t next[] = {static_cast<std::int32_t>(golden::argmax(context->logits()))};
        tokens.push_back(next[0]);
        if (!context->append(next).ok()) qFatal("append failed");
    }
    return tokens;
}

}  // namespace

class TestGenerate : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        model_ = golden::load("base");
        prompt_ = golden::tokens("base");
        prompt_.resize(20);
        expected_ = greedy_by_hand(*model_, prompt_, 8);
    }

    void greedyFollowsTheLogitsAndStopsAtTheLimit() {
        auto context = new_context(*model_);
        Sampler sampler = greedy();
        std::vector<std::int32_t> streamed;
        auto result = generate(*context, prompt_, sampler, up_to(8), [&](std::int32_t token) {
            streamed.push_back(token);
            return true;
        });
        QVERIFY2(result.ok(), result.status().to_string().c_str());
        QCOMPARE(result->tokens, expected_);
        QCOMPARE(streamed, expected_);
        QCOMPARE(result->reason, StopReason::max_tokens);
        // The history holds prompt + every token; the last one waits unevaluated.
        QCOMPARE(context->size(), std::int64_t(28));
        QCOMPARE(context->evaluated(), std::int64_t(27));
    }

    void stopsOnACallerStopTokenAndContinuesAfterIt() {
        auto context = new_context(*model_);
        Sampler sampler = greedy();
        GenerateOptions options;
        options.max_tokens = 100;
        options.stop_tokens = {expected_[2]};
        auto result = generate(*context, prompt_, sampler, options);
        QVERIFY(result.ok());
        const auto stop_at =
            std::find(expected_.begin(), expected_.end(), expected_[2]) - expected_.begin();
        QCOMPARE(result->tokens,
                 std::vector<std::int32_t>(expected_.begin(), expected_.begin() + stop_at + 1));
        QCOMPARE(result->reason, StopReason::stop_token);

        // The next turn continues from the stop token (evaluated on demand).
        auto more = generate(*context, {}, sampler, up_to(2));
        QVERIFY(more.ok());
        const auto full = greedy_by_hand(*model_, prompt_, static_cast<int>(stop_at) + 3);
        QCOMPARE(more->tokens, std::vector<std::int32_t>(full.end() - 2, full.end()));
    }

    void stopsOnTheModelsEosTokens() {
        auto checkpoint = Checkpoint::open(golden::model_dir("base"));
        QVERIFY(checkpoint.ok());
        ModelConfig config = (*checkpoint)->config();
        config.eos_token_ids = {expected_[1]};
        const ModelWeights weights = (*checkpoint)->weights();
        std::shared_ptr<const Checkpoint> storage = std::move(*checkpoint);
        ModelOptions options;
        options.threads = 2;
        auto model = Model::from_weights(config, weights, storage, options);
        QVERIFY2(model.ok(), model.status().to_string().c_str());
        auto context = new_context(**model);
        Sampler sampler = greedy();
        auto result = generate(*context, prompt_, sampler, up_to(100));
        QVERIFY(result.ok());
        QCOMPARE(result->reason, StopReason::stop_token);
        QCOMPARE(result->tokens.back(), expected_[1]);
        QVERIFY(result->tokens.size() <= 2);
    }

    void theCallbackCanStop() {
        auto context = new_context(*model_);
        Sampler sampler = greedy();
        int calls = 0;
        auto result = generate(*context, prompt_, sampler, up_to(100),
                               [&](std::int32_t) { return ++calls < 3; });
        QVERIFY(result.ok());
        QCOMPARE(result->tokens.size(), size_t(3));
        QCOMPARE(result->reason, StopReason::callback);
    }

    void aFullContextEndsGeneration() {
        auto context = new_context(*model_, 23);
        Sampler sampler = greedy();
        auto result = generate(*context, prompt_, sampler, up_to(100));
        QVERIFY(result.ok());
        QCOMPARE(result->reason, StopReason::context_full);
        QCOMPARE(result->tokens.size(), size_t(3));
        QCOMPARE(context->size(), std::int64_t(23));

        auto tiny = new_context(*model_, 10);
        auto too_long = generate(*tiny, prompt_, sampler, up_to(5));
        QCOMPARE(too_long.status().code(), StatusCode::context_full);
    }

    void cancelReturnsPromptly() {
        auto context = new_context(*model_);
        Sampler sampler = greedy();
        std::atomic<bool> cancel{false};
        GenerateOptions options;
        options.max_tokens = 100;
        options.cancel = &cancel;
        int calls = 0;
        auto result = generate(*context, prompt_, sampler, options, [&](std::int32_t) {
            if (++calls == 2) cancel = true;
            return true;
        });
        QCOMPARE(result.status().code(), StatusCode::cancelled);
        QCOMPARE(calls, 2);  // the token being evaluated when the flag went up is the last one
        QCOMPARE(context->size(), std::int64_t(22));

        // Already cancelled: nothing is evaluated at all.
        auto fresh = new_context(*model_);
        auto none = generate(*fresh, prompt_, sampler, options);
        QCOMPARE(none.status().code(), StatusCode::cancelled);
        QCOMPARE(fresh->evaluated(), std::int64_t(0));
    }

    void seededSamplingIsReproducible() {
        auto run = [&](std::uint64_t seed) {
            auto context = new_context(*model_);
            Sampler sampler = *Sampler::create({.temperature = 1.0, .top_p = 0.9, .seed = seed});
            auto result = generate(*context, prompt_, sampler, up_to(12));
            if (!result) qFatal("generate failed");
            return result->tokens;
        };
        QCOMPARE(run(42), run(42));
        QVERIFY(run(42) != run(43));
    }

    void cleanupTestCase() { model_.reset(); }

  private:
    std::unique_ptr<Model> model_;
    std::vector<std::int32_t> prompt_;
    std::vector<std::int32_t> expected_;
};

QTEST_APPLESS_MAIN(TestGenerate)
#include "test_generate.moc"
