// Checkpoint::open on the golden tiny checkpoints (tests/data/gpt-oss-tiny): both layouts of
// `base` must bind identical values, the 3-shard `real-yarn` must resolve through its index, and
// damaged copies (made in a temporary folder) must fail with the right code and a message that
// names the file and the tensor. (Plain string literals: moc 6.4 loses the class when a raw
// string literal holds an unbalanced brace.)
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/model/checkpoint.h"

using namespace ponder;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir = fs::path(PONDER_TEST_DATA_DIR) / "gpt-oss-tiny";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Replaces the one occurrence of `from` by `to` (same length, so header offsets stay valid).
void patch_file(const fs::path& path, const std::string& from, const std::string& to) {
    QCOMPARE(from.size(), to.size());
    std::string bytes = read_file(path);
    const std::size_t at = bytes.find(from);
    QVERIFY2(at != std::string::npos, from.c_str());
    QCOMPARE(bytes.find(from, at + 1), std::string::npos);
    bytes.replace(at, from.size(), to);
    write_file(path, bytes);
}

// A writable copy of a golden model folder under `tmp`.
fs::path copy_model(const QTemporaryDir& tmp, const char* model) {
    const fs::path to = fs::path(tmp.path().toStdString()) / model;
    fs::copy(data_dir / model, to, fs::copy_options::recursive);
    for (const auto& entry : fs::recursive_directory_iterator(to)) {
        fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
    }
    return to;
}

bool same_values(const bf16* a, const bf16* b, std::int64_t count) {
    return a != nullptr && b != nullptr &&
           std::memcmp(a, b, static_cast<std::size_t>(count) * sizeof(bf16)) == 0;
}

bool same_mxfp4(const Mxfp4Tensor& a, const Mxfp4Tensor& b) {
    const auto blocks = static_cast<std::size_t>(a.experts * a.rows * a.cols / 32);
    return a.experts == b.experts && a.rows == b.rows && a.cols == b.cols &&
           std::memcmp(a.blocks, b.blocks, blocks * 16) == 0 &&
           std::memcmp(a.scales, b.scales, blocks) == 0;
}

bool contains(const Status& status, const std::string& text) {
    return status.message().find(text) != std::string::npos;
}

}  // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT
  private slots:
    void opensHfLayout() {
        auto checkpoint = Checkpoint::open(data_dir / "base");
        QVERIFY2(checkpoint.ok(), checkpoint.status().to_string().c_str());
        const Checkpoint& model = **checkpoint;
        QCOMPARE(model.layout(), CheckpointLayout::hf);
        QCOMPARE(model.folder(), data_dir / "base");
        QCOMPARE(model.config().hidden_size, std::int64_t{64});
        QCOMPARE(model.config().eos_token_ids, std::vector<std::int32_t>{1022});
        QCOMPARE(model.weights().layers.size(), std::size_t{4});
        const LayerWeights& layer = model.weights().layers[3];
        QVERIFY(layer.q_weight && layer.k_bias && layer.v_weight && layer.sinks && layer.down_bias);
        QCOMPARE(layer.gate_up.experts, std::int64_t{8});
        QCOMPARE(layer.gate_up.rows, std::int64_t{192});
        QCOMPARE(layer.gate_up.cols, std::int64_t{64});
        QCOMPARE(layer.down.rows, std::int64_t{64});
        QCOMPARE(layer.down.cols, std::int64_t{96});
        // lm_head is the first tensor of the file: 8-byte length + header, then its data.
        const std::string file = read_file(data_dir / "base" / "model.safetensors");
        std::uint64_t header_length = 0;
        std::memcpy(&header_length, file.data(), 8);
        QCOMPARE(std::memcmp(model.weights().unembedding, file.data() + 8 + header_length, 128), 0);
        // Sum of every tensor's bytes = the file minus its header.
        QCOMPARE(model.tensor_bytes(), file.size() - 8 - header_length);
    }

    void opensOriginalLayoutBothWays() {
        LoadOptions options;
        options.layout = CheckpointLayout::original;
        auto from_root = Checkpoint::open(data_dir / "base", options);
        QVERIFY2(from_root.ok(), from_root.status().to_string().c_str());
        QCOMPARE((*from_root)->layout(), CheckpointLayout::original);
        QCOMPARE((*from_root)->folder(), data_dir / "base" / "original");
        // The original/ folder itself, detected by its block.N names.
        auto direct = Checkpoint::open(data_dir / "base" / "original");
        QVERIFY2(direct.ok(), direct.status().to_string().c_str());
        QCOMPARE((*direct)->layout(), CheckpointLayout::original);
        // OpenAI's config names the same hyperparameters differently.
        const ModelConfig& a = (*direct)->config();
        auto hf = Checkpoint::open(data_dir / "base");
        QVERIFY(hf.ok());
        const ModelConfig& b = (*hf)->config();
        QCOMPARE(a.num_experts, b.num_experts);
        QCOMPARE(a.experts_per_token, b.experts_per_token);
        QCOMPARE(a.rope_scaling.original_max_position, b.rope_scaling.original_max_position);
        QCOMPARE(a.rope_scaling.beta_fast, b.rope_scaling.beta_fast);
        QCOMPARE(a.rope_scaling.beta_slow, b.rope_scaling.beta_slow);
        QCOMPARE(a.layer_is_sliding, b.layer_is_sliding);
    }

    void bothLayoutsBindIdenticalValues() {
        auto hf = Checkpoint::open(data_dir / "base");
        LoadOptions options;
        options.layout = CheckpointLayout::original;
        auto original = Checkpoint::open(data_dir / "base", options);
        QVERIFY(hf.ok() && original.ok());
        const ModelConfig& c = (*hf)->config();
        const ModelWeights& x = (*hf)->weights();
        const ModelWeights& y = (*original)->weights();
        const std::int64_t h = c.hidden_size;
        QVERIFY(same_values(x.embedding, y.embedding, c.vocab_size * h));
        QVERIFY(same_values(x.unembedding, y.unembedding, c.vocab_size * h));
        QVERIFY(same_values(x.final_norm, y.final_norm, h));
        QVERIFY(x.embedding != y.embedding);  // really two files
        for (std::size_t i = 0; i < x.layers.size(); ++i) {
            const LayerWeights& a = x.layers[i];
            const LayerWeights& b = y.layers[i];
            // q, k and v of the original layout are row slices of the packed qkv tensor.
            QVERIFY(same_values(a.q_weight, b.q_weight, c.q_width() * h));
            QVERIFY(same_values(a.k_weight, b.k_weight, c.kv_width() * h));
            QVERIFY(same_values(a.v_weight, b.v_weight, c.kv_width() * h));
            QVERIFY(same_values(a.q_bias, b.q_bias, c.q_width()));
            QVERIFY(same_values(a.k_bias, b.k_bias, c.kv_width()));
            QVERIFY(same_values(a.v_bias, b.v_bias, c.kv_width()));
            QCOMPARE(b.k_weight, b.q_weight + c.q_width() * h);
            QVERIFY(same_values(a.o_weight, b.o_weight, h * c.q_width()));
            QVERIFY(same_values(a.o_bias, b.o_bias, h));
            QVERIFY(same_values(a.sinks, b.sinks, c.num_heads));
            QVERIFY(same_values(a.attn_norm, b.attn_norm, h));
            QVERIFY(same_values(a.mlp_norm, b.mlp_norm, h));
            QVERIFY(same_values(a.router_weight, b.router_weight, c.num_experts * h));
            QVERIFY(same_values(a.router_bias, b.router_bias, c.num_experts));
            QVERIFY(same_mxfp4(a.gate_up, b.gate_up));
            QVERIFY(same_mxfp4(a.down, b.down));
            QVERIFY(same_values(a.gate_up_bias, b.gate_up_bias,
                                c.num_experts * 2 * c.intermediate_size));
            QVERIFY(same_values(a.down_bias, b.down_bias, c.num_experts * h));
        }
    }

    void opensShardedHfThroughIndex() {
        auto checkpoint = Checkpoint::open(data_dir / "real-yarn");
        QVERIFY2(checkpoint.ok(), checkpoint.status().to_string().c_str());
        const ModelConfig& config = (*checkpoint)->config();
        QCOMPARE(config.num_experts, std::int64_t{32});
        QCOMPARE(config.num_heads, std::int64_t{16});
        QCOMPARE(config.sliding_window, std::int64_t{128});
        QCOMPARE((*checkpoint)->layout(), CheckpointLayout::hf);
        for (const LayerWeights& layer : (*checkpoint)->weights().layers) {
            QVERIFY(layer.q_weight && layer.gate_up.blocks && layer.gate_up.scales &&
                    layer.down.blocks && layer.down.scales);
        }
    }

    void progressRisesToOne() {
        std::vector<double> fractions;
        LoadOptions options;
        options.progress = [&](double fraction, const std::string& stage) {
            fractions.push_back(fraction);
            return !stage.empty();
        };
        QVERIFY(Checkpoint::open(data_dir / "real-yarn", options).ok());
        // 3 config/shard steps + one per tensor (3 + 4 * 19) + done.
        QVERIFY(fractions.size() >= 80);
        QCOMPARE(fractions.back(), 1.0);
        QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));
    }

    void cancelReturnsCancelled() {
        for (int stop_at : {1, 3, 40}) {
            int calls = 0;
            LoadOptions options;
            options.progress = [&](double, const std::string&) { return ++calls < stop_at; };
            auto checkpoint = Checkpoint::open(data_dir / "real-yarn", options);
            QVERIFY(!checkpoint.ok());
            QCOMPARE(checkpoint.status().code(), StatusCode::cancelled);
            QCOMPARE(calls, stop_at);  // no further callbacks after the cancel
        }
    }

    void truncatedShardNamesTheFile() {
        QTemporaryDir tmp;
        const fs::path model = copy_model(tmp, "real-yarn");
        const fs::path shard = model / "model-00001-of-00002.safetensors";
        fs::resize_file(shard, fs::file_size(shard) - 1000);
        auto checkpoint = Checkpoint::open(model);
        QCOMPARE(checkpoint.status().code(), StatusCode::bad_model);
        QVERIFY2(contains(checkpoint.status(), "model-00001-of-00002.safetensors: tensor "),
                 checkpoint.status().message().c_str());
        QVERIFY(contains(checkpoint.status(), "truncated"));
    }

    void wrongShapeAndDtypeAreNamed() {
        QTemporaryDir tmp;
        const fs::path model = copy_model(tmp, "base");
        // Same byte count, so the file is a valid safetensors file that does not fit the config.
        patch_file(
            model / "model.safetensors",
            "\"model.layers.3.self_attn.q_proj.weight\":{\"dtype\":\"BF16\",\"shape\":[256,64]",
            "\"model.layers.3.self_attn.q_proj.weight\":{\"dtype\":\"BF16\",\"shape\":[64,256]");
        patch_file(model / "model.safetensors",
                   "\"model.layers.1.self_attn.sinks\":{\"dtype\":\"BF16\"",
                   "\"model.layers.1.self_attn.sinks\":{\"dtype\":\"F16\" ");
        auto checkpoint = Checkpoint::open(model);
        QCOMPARE(checkpoint.status().code(), StatusCode::bad_model);
        const Status status = checkpoint.status();
        QVERIFY2(contains(status,
                          "model.safetensors: tensor model.layers.3.self_attn.q_proj.weight "
                          "has shape [64, 256], expected [256, 64]"),
                 status.message().c_str());
        QVERIFY2(contains(status,
                          "model.safetensors: tensor model.layers.1.self_attn.sinks has "
                          "dtype F16, expected BF16"),
                 status.message().c_str());
    }

    void missingAndUnexpectedTensors() {
        QTemporaryDir tmp;
        const fs::path model = copy_model(tmp, "base");
        patch_file(model / "original" / "model.safetensors", "\"block.2.attn.sinks\"",
                   "\"block.2.attn.sinkz\"");
        auto checkpoint = Checkpoint::open(model / "original");
        QCOMPARE(checkpoint.status().code(), StatusCode::bad_model);
        QVERIFY2(contains(checkpoint.status(), "missing tensor block.2.attn.sinks BF16 [4]"),
                 checkpoint.status().message().c_str());
        QVERIFY2(contains(checkpoint.status(),
                          "model.safetensors: unexpected tensor block.2.attn.sinkz"),
                 checkpoint.status().message().c_str());
    }

    void misalignedBf16IsReported() {
        QTemporaryDir tmp;
        const fs::path model = copy_model(tmp, "base");
        // One more byte of header padding shifts every tensor to an odd file offset.
        std::string bytes = read_file(model / "model.safetensors");
        std::uint64_t length = 0;
        std::memcpy(&length, bytes.data(), 8);
        bytes = bytes.substr(0, 8 + length) + " " + bytes.substr(8 + length);
        ++length;
        std::memcpy(bytes.data(), &length, 8);
        write_file(model / "model.safetensors", bytes);
        auto checkpoint = Checkpoint::open(model);
        QCOMPARE(checkpoint.status().code(), StatusCode::bad_model);
        QVERIFY2(contains(checkpoint.status(),
                          "model.safetensors: tensor model.embed_tokens.weight "
                          "data starts at byte"),
                 checkpoint.status().message().c_str());
        QVERIFY(contains(checkpoint.status(), "not 2-byte aligned for BF16"));
    }

    void indexMustAgreeWithShards() {
        QTemporaryDir tmp;
        const fs::path model = copy_model(tmp, "real-yarn");
        // lm_head.weight is in shard 0; the index now claims shard 1.
        patch_file(model / "model.safetensors.index.json",
                   "\"lm_head.weight\": \"model-00000-of-00002.safetensors\"",
                   "\"lm_head.weight\": \"model-00001-of-00002.safetensors\"");
        auto checkpoint = Checkpoint::open(model);
        QCOMPARE(checkpoint.status().code(), StatusCode::bad_model);
        QVERIFY2(contains(checkpoint.status(), "lm_head.weight"),
                 checkpoint.status().message().c_str());

        // A shard the index names but that is not there.
        fs::remove(model / "model-00002-of-00002.safetensors");
        checkpoint = Checkpoint::open(model);
        QCOMPARE(checkpoint.status().code(), StatusCode::io_error);
        QVERIFY(contains(checkpoint.status(), "model-00002-of-00002.safetensors"));
    }

    void indexCannotLeaveTheFolder() {
        QTemporaryDir tmp;
        const fs::path model = copy_model(tmp, "real-yarn");
        patch_file(model / "model.safetensors.index.json",
                   "\"lm_head.weight\": \"model-00000-of-00002.safetensors\"",
                   "\"lm_head.weight\": \"../../../../../../../etc//passwd\"");
        auto checkpoint = Checkpoint::open(model);
        QCOMPARE(checkpoint.status().code(), StatusCode::bad_model);
        QVERIFY(contains(checkpoint.status(), "expected a file name in the model folder"));
    }

    void folderWithoutCheckpoint() {
        QTemporaryDir tmp;
        auto empty = Checkpoint::open(tmp.path().toStdString());
        QCOMPARE(empty.status().code(), StatusCode::bad_model);
        QVERIFY(contains(empty.status(), "no gpt-oss checkpoint"));
        auto missing = Checkpoint::open(fs::path(tmp.path().toStdString()) / "nope");
        QCOMPARE(missing.status().code(), StatusCode::io_error);
        // Asking for the HF layout of a folder that only has original/.
        const fs::path model = copy_model(tmp, "base");
        fs::remove(model / "model.safetensors");
        LoadOptions hf_only;
        hf_only.layout = CheckpointLayout::hf;
        QCOMPARE(Checkpoint::open(model, hf_only).status().code(), StatusCode::bad_model);
        auto fallback = Checkpoint::open(model);  // auto falls back to original/
        QVERIFY2(fallback.ok(), fallback.status().to_string().c_str());
        QCOMPARE((*fallback)->layout(), CheckpointLayout::original);
    }

    void badConfigIsReported() {
        QTemporaryDir tmp;
        const fs::path model = copy_model(tmp, "base");
        patch_file(model / "config.json", "\"num_local_experts\": 8", "\"num_local_experts\": 9");
        auto checkpoint = Checkpoint::open(model);
        QCOMPARE(checkpoint.status().code(), StatusCode::bad_model);
        // 9 experts in the config, 8 in the file: the router's shape says so.
        QVERIFY2(
            contains(checkpoint.status(), "mlp.router.weight has shape [8, 64], expected [9, 64]"),
            checkpoint.status().message().c_str());
    }

    void generationConfigSuppliesEos() {
        QTemporaryDir tmp;
        const fs::path model = copy_model(tmp, "base");
        write_file(model / "generation_config.json", "{\"eos_token_id\": [1000, 1001]}");
        auto hf = Checkpoint::open(model);
        QVERIFY(hf.ok());
        QCOMPARE((*hf)->config().eos_token_ids, (std::vector<std::int32_t>{1000, 1001}));
        LoadOptions options;
        options.layout = CheckpointLayout::original;
        auto original = Checkpoint::open(model, options);  // the top folder's file applies too
        QVERIFY(original.ok());
        QCOMPARE((*original)->config().eos_token_ids, (std::vector<std::int32_t>{1000, 1001}));
        write_file(model / "generation_config.json", "{\"eos_token_id\": 5000}");
        QCOMPARE(Checkpoint::open(model).status().code(), StatusCode::bad_model);
    }
};

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"
