// The whole CPU engine against the tiny golden checkpoints' float64 reference logits: every
// evaluation path (one batch, token by token, a batch then tokens, fixed-size chunks), both
// checkpoint layouts, and the Context operations that reuse a cache (truncate + extend, assign)
// or stop part-way (cancel), which must give the same numbers as a fresh run.
#include <QtTest>

#include <atomic>

#include "engine/context.h"
#include "golden_model.h"

using namespace ponder;

namespace {

// Logits [T, vocab] of every token, evaluated as: `batch` tokens in one append (0 = all), then
// the rest one at a time; with forward steps of at most `step` tokens.
std::vector<float> run(const Model& model, std::span<const std::int32_t> tokens, std::int64_t batch,
                       std::int64_t step) {
    ContextOptions options;
    options.max_batch = step;
    auto context = Context::create(model, options);
    if (!context) qFatal("%s", context.status().to_string().c_str());
    const std::int64_t vocab = model.config().vocab_size;
    const auto count = static_cast<std::int64_t>(tokens.size());
    const std::int64_t prefix = batch == 0 ? count : std::min(batch, count);
    std::vector<float> logits;
    AppendOptions all;
    all.all_logits = true;
    if (prefix > 0) {
        if (Status s = (*context)->append(tokens.first(static_cast<size_t>(prefix)), all);
            !s.ok()) {
            qFatal("%s", s.to_string().c_str());
        }
        logits.assign((*context)->all_logits().begin(), (*context)->all_logits().end());
    }
    for (std::int64_t i = prefix; i < count; ++i) {
        if (Status s = (*context)->append(tokens.subspan(static_cast<size_t>(i), 1)); !s.ok()) {
            qFatal("%s", s.to_string().c_str());
        }
        logits.insert(logits.end(), (*context)->logits().begin(), (*context)->logits().end());
    }
    if (static_cast<std::int64_t>(logits.size()) != count * vocab) qFatal("wrong logits size");
    return logits;
}

}  // namespace

class TestEngineGolden : public QObject {
    Q_OBJECT
  private slots:
    void logitsMatchTheReference_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("layout");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("step");
        const int hf = static_cast<int>(CheckpointLayout::hf);
        const int original = static_cast<int>(CheckpointLayout::original);
        for (int layout : {hf, original}) {
            const char* name = layout == hf ? "hf" : "original";
            QTest::addRow("base %s prefill", name) << "base" << layout << 0 << 1000;
            QTest::addRow("base %s decode", name) << "base" << layout << 1 << 1000;
            QTest::addRow("base %s mixed:13", name) << "base" << layout << 13 << 1000;
            QTest::addRow("base %s steps of 5", name) << "base" << layout << 0 << 5;
        }
        const int automatic = static_cast<int>(CheckpointLayout::automatic);
        QTest::addRow("real-yarn prefill") << "real-yarn" << automatic << 0 << 1000;
        QTest::addRow("real-yarn decode") << "real-yarn" << automatic << 1 << 1000;
        QTest::addRow("real-yarn mixed:150") << "real-yarn" << automatic << 150 << 1000;
        QTest::addRow("real-yarn steps of 64") << "real-yarn" << automatic << 0 << 64;
    }
    void logitsMatchTheReference() {
        QFETCH(QString, model);
        QFETCH(int, layout);
        QFETCH(int, batch);
        QFETCH(int, step);
        const auto loaded =
            golden::load(model.toStdString(), static_cast<CheckpointLayout>(layout));
        const auto tokens = golden::tokens(model.toStdString());
        const auto reference = golden::reference_logits(model.toStdString());
        QCOMPARE(reference.shape[0], static_cast<std::int64_t>(tokens.size()));
        GOLDEN_VERIFY_AGREEMENT(golden::compare(reference, run(*loaded, tokens, batch, step)));
    }

    void evaluationPathsAgreeBitForBit() {
        // Each token's arithmetic does not depend on what else is in its batch.
        const auto model = golden::load("real-yarn");
        const auto tokens = golden::tokens("real-yarn");
        const std::vector<float> one_batch = run(*model, tokens, 0, 1000);
        QVERIFY(run(*model, tokens, 1, 1000) == one_batch);
        QVERIFY(run(*model, tokens, 0, 37) == one_batch);
    }

    void truncateThenExtendEqualsAFreshRun_data() {
        QTest::addColumn<int>("retain");
        QTest::addColumn<int>("keep");
        QTest::addColumn<int>("expected_evaluated");
        // real-yarn: window 128, 2 sliding layers, 300 tokens, forward steps of 1 token, so a
        // ring holds window + max(retain, 1) positions.
        QTest::addRow("within the ring") << 16 << 290 << 290;      // ring [156, 300) has [163, 290)
        QTest::addRow("past the ring: replay") << 1 << 290 << 36;  // 290 - 2 * 127
        QTest::addRow("replay from the start") << 1 << 100 << 0;
        QTest::addRow("to nothing") << 1 << 0 << 0;
    }
    void truncateThenExtendEqualsAFreshRun() {
        QFETCH(int, retain);
        QFETCH(int, keep);
        QFETCH(int, expected_evaluated);
        const auto model = golden::load("real-yarn");
        const auto tokens = golden::tokens("real-yarn");
        const auto reference = golden::reference_logits("real-yarn");
        static const std::vector<float> fresh = run(*model, tokens, 0, 1000);
        const std::int64_t vocab = model->config().vocab_size;

        ContextOptions options;
        options.sliding_retain = retain;
        options.max_batch = 1;
        auto context = Context::create(*model, options);
        QVERIFY(context.ok());
        QVERIFY((*context)->append(tokens).ok());
        (*context)->truncate(keep);
        QCOMPARE((*context)->size(), std::int64_t(keep));
        QCOMPARE((*context)->evaluated(), std::int64_t(expected_evaluated));
        QVERIFY((*context)->logits().empty() || keep == 0);

        AppendOptions all;
        all.all_logits = true;
        QVERIFY((*context)->append(std::span(tokens).subspan(static_cast<size_t>(keep)), all).ok());
        QCOMPARE((*context)->evaluated(), std::int64_t(tokens.size()));
        const auto again = (*context)->all_logits();
        QCOMPARE(static_cast<std::int64_t>(again.size()), (300 - keep) * vocab);
        GOLDEN_VERIFY_AGREEMENT(golden::compare(reference, again, keep));
        QVERIFY(std::equal(again.begin(), again.end(), fresh.begin() + keep * vocab));
    }

    void assignReusesTheCommonPrefix() {
        const auto model = golden::load("real-yarn");
        const auto tokens = golden::tokens("real-yarn");
        const auto reference = golden::reference_logits("real-yarn");
        auto context = Context::create(*model);
        QVERIFY(context.ok());
        Context& c = **context;

        // Turn 1: 200 tokens, plus 5 "generated" ones that the next prompt will not repeat.
        std::vector<std::int32_t> turn1(tokens.begin(), tokens.begin() + 200);
        QVERIFY(c.assign(turn1).ok());
        const std::int32_t stray[] = {1, 2, 3, 4, 5};
        QVERIFY(c.append(stray).ok());

        // Turn 2 shares the first 200 tokens: they are not evaluated again.
        std::int64_t evaluated_by_call = 0;
        const ForwardTrace count_rows = [&](std::string_view name, int, const float*,
                                            std::int64_t rows, std::int64_t) {
            if (name == "embed") evaluated_by_call += rows;
        };
        AppendOptions traced;
        traced.trace = &count_rows;
        QVERIFY(c.assign(tokens, traced).ok());
        QCOMPARE(evaluated_by_call, std::int64_t(100));
        QCOMPARE(c.tokens(), tokens);
        GOLDEN_VERIFY_AGREEMENT(golden::compare(reference, c.logits(), 299));

        // Assigning a prefix of the history re-evaluates only its last token, for fresh logits.
        evaluated_by_call = 0;
        QVERIFY(c.assign(std::span(tokens).first(250), traced).ok());
        QVERIFY(evaluated_by_call <= 2 * 127 + 1);
        GOLDEN_VERIFY_AGREEMENT(golden::compare(reference, c.logits(), 249));
        QCOMPARE(c.size(), std::int64_t(250));
    }

    void logitsAlwaysBelongToTheCurrentHistory() {
        const auto model = golden::load("base");
        const auto tokens = golden::tokens("base");
        const auto reference = golden::reference_logits("base");
        auto context = Context::create(*model);
        QVERIFY(context.ok());
        Context& c = **context;
        QVERIFY(c.append(std::span(tokens).first(12)).ok());
        QVERIFY(!c.logits().empty());
        // Replace the last two tokens without evaluating: no stale logits for position 11.
        c.truncate(10);
        QVERIFY(c.logits().empty());
        const std::int32_t other[] = {tokens[10] == 1 ? 2 : 1, tokens[11]};
        QVERIFY(c.append(other, {.evaluate = false}).ok());
        QVERIFY(c.logits().empty());
        // Truncating back to evaluated tokens brings their logits back only by evaluating.
        c.truncate(10);
        QVERIFY(c.assign(std::span(tokens).first(12)).ok());
        GOLDEN_VERIFY_AGREEMENT(golden::compare(reference, c.logits(), 11));
    }

    void cancelStopsWithinALayerAndLeavesAUsableContext() {
        const auto model = golden::load("base");
        const auto tokens = golden::tokens("base");
        const auto reference = golden::reference_logits("base");
        auto context = Context::create(*model);
        QVERIFY(context.ok());
        Context& c = **context;
        QVERIFY(c.append(std::span(tokens).first(10)).ok());

        // The flag goes up while layer 0 runs; layer 1 must not start.
        std::atomic<bool> cancel{false};
        int last_layer_seen = -1;
        const ForwardTrace raise = [&](std::string_view, int layer, const float*, std::int64_t,
                                       std::int64_t) {
            last_layer_seen = std::max(last_layer_seen, layer);
            if (layer == 0) cancel = true;
        };
        AppendOptions options;
        options.cancel = &cancel;
        options.trace = &raise;
        const Status status = c.append(std::span(tokens).subspan(10, 20), options);
        QCOMPARE(status.code(), StatusCode::cancelled);
        QCOMPARE(last_layer_seen, 0);
        QCOMPARE(c.size(), std::int64_t(30));       // the tokens stay in the history...
        QCOMPARE(c.evaluated(), std::int64_t(10));  // ...unevaluated
        QVERIFY(c.logits().empty());

        // A cancelled append resumes on the next one and gives the reference logits.
        QVERIFY(c.append(std::span(tokens).subspan(30, 1)).ok());
        QCOMPARE(c.evaluated(), std::int64_t(31));
        GOLDEN_VERIFY_AGREEMENT(golden::compare(reference, c.logits(), 30));
    }

    void rejectsBadTokensAndAFullContext() {
        const auto model = golden::load("base");
        ContextOptions options;
        options.max_tokens = 8;
        auto context = Context::create(*model, options);
        QVERIFY(context.ok());
        const std::int32_t outside[] = {5, 1024};
        QCOMPARE((*context)->append(outside).code(), StatusCode::invalid_argument);
        QCOMPARE((*context)->size(), std::int64_t(0));
        const std::int32_t negative[] = {-1};
        QCOMPARE((*context)->append(negative).code(), StatusCode::invalid_argument);
        const std::vector<std::int32_t> nine(9, 7);
        QCOMPARE((*context)->append(nine).code(), StatusCode::context_full);
        QVERIFY((*context)->append(std::span(nine).first(8)).ok());
        QCOMPARE((*context)->append(std::span(nine).first(1)).code(), StatusCode::context_full);
    }

    void loadFailuresAreStatuses() {
        auto missing = Model::load("/nonexistent/model");
        QVERIFY(!missing.ok());
        ModelOptions cuda;
        cuda.backend = BackendPreference::cuda;
        // No module or GPU here, or (on a GPU machine) a geometry the kernels do not cover:
        // either way unsupported, with the reason (tests/unit/engine/test_cuda_fallback.cpp).
        auto no_cuda = Model::load(golden::model_dir("base"), cuda);
        QCOMPARE(no_cuda.status().code(), StatusCode::unsupported);
        QVERIFY(no_cuda.status().message().find("CUDA") != std::string::npos);
    }

    void countsTheBytesADecodedTokenReads() {
        // docs/gpt-oss.md §8 for the 20b shapes, on a config built by hand.
        ModelConfig config = golden::load("base")->config();
        config.vocab_size = 201088;
        config.hidden_size = 2880;
        config.num_layers = 24;
        config.num_heads = 64;
        config.num_kv_heads = 8;
        config.head_dim = 64;
        config.num_experts = 32;
        config.experts_per_token = 4;
        config.intermediate_size = 2880;
        config.sliding_window = 128;
        config.max_position_embeddings = 131072;
        config.layer_is_sliding.assign(24, false);
        config.eos_token_ids.clear();
        ModelWeights unused;  // never read: no forward pass runs
        unused.layers.resize(24);
        auto model = Model::from_weights(config, unused, nullptr);
        QVERIFY2(model.ok(), model.status().to_string().c_str());
        QCOMPARE((*model)->weight_bytes_per_decoded_token(), std::uint64_t(3'708'089'088));
        QCOMPARE((*model)->weight_bytes(), std::uint64_t(13'761'264'768));
    }
};

QTEST_APPLESS_MAIN(TestEngineGolden)
#include "test_engine_golden.moc"
