// make-model's engine half: the tiny preset written in both layouts must load with
// Checkpoint::open, hold identical values in both, be reproducible from its seed whatever the
// thread count, and have the value ranges random_checkpoint.h promises.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/model/checkpoint.h"
#include "engine/model/random_checkpoint.h"
#include "engine/numeric/mxfp4.h"

using namespace ponder;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Status write_tiny(const fs::path& dir, CheckpointLayout layout, std::uint64_t seed = 7,
                  unsigned threads = 0) {
    RandomCheckpointOptions options;
    options.layout = layout;
    options.seed = seed;
    options.threads = threads;
    return write_random_checkpoint(*random_model_preset("tiny"), dir, options);
}

struct Moments {
    double mean = 0;
    double rms = 0;
};

Moments moments(const bf16* values, std::int64_t count) {
    double sum = 0, squares = 0;
    for (std::int64_t i = 0; i < count; ++i) {
        const double v = bf16_to_f32(values[i]);
        sum += v;
        squares += v * v;
    }
    return {sum / count, std::sqrt(squares / count)};
}

}  // namespace

class TestRandomCheckpoint : public QObject {
    Q_OBJECT
  private slots:
    void presets() {
        auto tiny = random_model_preset("tiny");
        QVERIFY(tiny.ok());
        QCOMPARE(tiny->vocab_size, std::int64_t{201088});
        QCOMPARE(tiny->num_heads / tiny->num_kv_heads, std::int64_t{8});
        QVERIFY(validate_model_config(*tiny, "tiny").ok());
        auto big = random_model_preset("20b");
        QVERIFY(big.ok());
        QCOMPARE(big->num_layers, std::int64_t{24});
        QCOMPARE(big->num_experts, std::int64_t{32});
        QCOMPARE(random_model_preset("120b")->num_experts, std::int64_t{128});
        QCOMPARE(random_model_preset("7b").status().code(), StatusCode::invalid_argument);
        // The 20b tensor list adds up to the published checkpoint's 13,761,264,768 bytes
        // (docs/gpt-oss.md §8) and 459 tensors (docs/gpt-oss.md §2.1).
        std::uint64_t bytes = 0;
        const auto specs = expected_tensors(*big, CheckpointLayout::hf);
        for (const TensorSpec& spec : specs) {
            std::uint64_t size = dtype_size(spec.dtype);
            for (std::int64_t dim : spec.shape)
                size *= static_cast<std::uint64_t>(dim);
            bytes += size;
        }
        QCOMPARE(bytes, std::uint64_t{13761264768});
        QCOMPARE(specs.size(), std::size_t{459});
        QCOMPARE(expected_tensors(*big, CheckpointLayout::original).size(),
                 std::size_t{24 * 15 + 3});
    }

    void tinyLoadsInBothLayoutsWithSameValues() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        QVERIFY(write_tiny(root / "hf", CheckpointLayout::hf).ok());
        QVERIFY(write_tiny(root / "original", CheckpointLayout::original).ok());
        QVERIFY(fs::exists(root / "original" / "original" / "dtypes.json"));
        QVERIFY(fs::exists(root / "original" / "generation_config.json"));
        // Well under the ~30 MB budget for a model that is written at test time.
        QVERIFY(fs::file_size(root / "hf" / "model.safetensors") < 30'000'000);

        auto hf = Checkpoint::open(root / "hf");
        QVERIFY2(hf.ok(), hf.status().to_string().c_str());
        auto original = Checkpoint::open(root / "original");
        QVERIFY2(original.ok(), original.status().to_string().c_str());
        QCOMPARE((*hf)->layout(), CheckpointLayout::hf);
        QCOMPARE((*original)->layout(), CheckpointLayout::original);

        const ModelConfig& c = (*hf)->config();
        const ModelConfig preset = *random_model_preset("tiny");
        QCOMPARE(c.hidden_size, preset.hidden_size);
        QCOMPARE(c.num_experts, preset.num_experts);
        QCOMPARE(c.max_position_embeddings, preset.max_position_embeddings);
        QCOMPARE(c.layer_is_sliding, preset.layer_is_sliding);
        QCOMPARE(c.eos_token_ids, (std::vector<std::int32_t>{200002, 199999, 200012}));
        QCOMPARE((*original)->config().eos_token_ids, c.eos_token_ids);
        QCOMPARE((*original)->config().max_position_embeddings, c.max_position_embeddings);

        const std::int64_t h = c.hidden_size;
        const ModelWeights& a = (*hf)->weights();
        const ModelWeights& b = (*original)->weights();
        const auto same = [](const bf16* x, const bf16* y, std::int64_t n) {
            return std::memcmp(x, y, static_cast<std::size_t>(n) * 2) == 0;
        };
        QVERIFY(same(a.embedding, b.embedding, c.vocab_size * h));
        QVERIFY(same(a.unembedding, b.unembedding, c.vocab_size * h));
        QVERIFY(!same(a.embedding, a.unembedding, c.vocab_size * h));
        for (std::size_t l = 0; l < a.layers.size(); ++l) {
            QVERIFY(same(a.layers[l].q_weight, b.layers[l].q_weight, c.q_width() * h));
            QVERIFY(same(a.layers[l].k_weight, b.layers[l].k_weight, c.kv_width() * h));
            QVERIFY(same(a.layers[l].v_weight, b.layers[l].v_weight, c.kv_width() * h));
            QVERIFY(same(a.layers[l].v_bias, b.layers[l].v_bias, c.kv_width()));
            QVERIFY(same(a.layers[l].sinks, b.layers[l].sinks, c.num_heads));
            const auto blocks =
                static_cast<std::size_t>(c.num_experts * h * c.intermediate_size / 32);
            QCOMPARE(std::memcmp(a.layers[l].down.blocks, b.layers[l].down.blocks, blocks * 16), 0);
            QCOMPARE(std::memcmp(a.layers[l].down.scales, b.layers[l].down.scales, blocks), 0);
        }
    }

    void valuesHaveSaneRanges() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        QVERIFY(write_tiny(dir, CheckpointLayout::hf).ok());
        auto checkpoint = Checkpoint::open(dir);
        QVERIFY(checkpoint.ok());
        const ModelConfig& c = (*checkpoint)->config();
        const LayerWeights& layer = (*checkpoint)->weights().layers[1];
        const double expected_rms = 1.0 / std::sqrt(static_cast<double>(c.hidden_size));
        const Moments q = moments(layer.q_weight, c.q_width() * c.hidden_size);
        QVERIFY(std::abs(q.mean) < 0.01);
        QVERIFY2(std::abs(q.rms / expected_rms - 1) < 0.05, qPrintable(QString::number(q.rms)));
        const Moments norm = moments(layer.attn_norm, c.hidden_size);
        QVERIFY(std::abs(norm.mean - 1) < 0.05);
        const Moments sinks = moments(layer.sinks, c.num_heads);
        QVERIFY(sinks.rms < 0.3);
        // Dequantized expert rows: RMS within a factor ~1.5 of 1/sqrt(fan_in).
        std::vector<float> row(static_cast<std::size_t>(c.hidden_size));
        double squares = 0;
        const std::int64_t groups = c.hidden_size / 32;
        for (std::int64_t r = 0; r < layer.gate_up.rows; ++r) {
            mxfp4_dequantize_row(layer.gate_up.blocks + r * groups * 16,
                                 layer.gate_up.scales + r * groups, c.hidden_size, row.data());
            for (float v : row)
                squares += double(v) * v;
        }
        const double rms = std::sqrt(squares / double(layer.gate_up.rows * c.hidden_size));
        QVERIFY2(rms > expected_rms / 1.5 && rms < expected_rms * 1.5,
                 qPrintable(QString::number(rms)));
    }

    void reproducibleFromSeedWhateverTheThreads() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        QVERIFY(write_tiny(root / "a", CheckpointLayout::hf, 7, 1).ok());
        QVERIFY(write_tiny(root / "b", CheckpointLayout::hf, 7, 3).ok());
        QVERIFY(write_tiny(root / "c", CheckpointLayout::hf, 8).ok());
        const std::string a = read_file(root / "a" / "model.safetensors");
        QVERIFY(a == read_file(root / "b" / "model.safetensors"));
        QVERIFY(a != read_file(root / "c" / "model.safetensors"));
        QCOMPARE(a.size(), read_file(root / "c" / "model.safetensors").size());
    }

    void refusesFolderWithCheckpoint() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        QVERIFY(write_tiny(dir, CheckpointLayout::hf).ok());
        const Status again = write_tiny(dir, CheckpointLayout::hf);
        QCOMPARE(again.code(), StatusCode::invalid_argument);
        QVERIFY(again.message().find("already exists") != std::string::npos);
    }

    void cancelLeavesNoModelFile() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        RandomCheckpointOptions options;
        int calls = 0;
        options.progress = [&](double, const std::string&) { return ++calls < 3; };
        const Status status = write_random_checkpoint(*random_model_preset("tiny"), dir, options);
        QCOMPARE(status.code(), StatusCode::cancelled);
        QVERIFY(!fs::exists(dir / "model.safetensors"));
        QVERIFY(!fs::exists(dir / "model.safetensors.partial"));
    }
};

QTEST_APPLESS_MAIN(TestRandomCheckpoint)
#include "test_random_checkpoint.moc"
