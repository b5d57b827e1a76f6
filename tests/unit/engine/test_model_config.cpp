// parse_model_config in both namings (HF config.json, OpenAI original/config.json), the
// generation_config.json eos ids, and the validation of inconsistent or malformed configs.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "engine/model/config.h"

using namespace ponder;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir = fs::path(PONDER_TEST_DATA_DIR) / "gpt-oss-tiny";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A minimal valid HF-named config; `extra` is spliced in as more fields (later keys win in
// nlohmann only for duplicates, so tests replace fields by naming them in `extra` only).
std::string hf_config(const std::string& extra = "", const std::string& skip = "") {
    const std::vector<std::pair<std::string, std::string>> fields = {
        {"vocab_size", "1024"},       {"hidden_size", "64"},        {"num_hidden_layers", "2"},
        {"num_attention_heads", "4"}, {"num_key_value_heads", "2"}, {"head_dim", "64"},
        {"num_local_experts", "8"},   {"num_experts_per_tok", "4"}, {"intermediate_size", "96"},
        {"sliding_window", "8"},      {"rope_theta", "150000"},
    };
    std::string json = "{";
    for (const auto& [name, value] : fields) {
        if (name == skip || extra.find("\"" + name + "\"") != std::string::npos) continue;
        json += "\"" + name + "\": " + value + ", ";
    }
    json += extra.empty() ? "\"model_type\": \"gpt_oss\"" : extra;
    return json + "}";
}

Result<ModelConfig> parse(const std::string& json) {
    return parse_model_config(json, "c.json");
}

void expect_error(const std::string& json, StatusCode code, const std::string& text) {
    const Status status = parse(json).status();
    QCOMPARE(status.code(), code);
    QVERIFY2(status.message().rfind("c.json: ", 0) == 0, status.message().c_str());
    QVERIFY2(status.message().find(text) != std::string::npos, status.message().c_str());
}

}  // namespace

class TestModelConfig : public QObject {
    Q_OBJECT
  private slots:
    void hfNames() {
        auto config =
            parse_model_config(read_file(data_dir / "real-yarn" / "config.json"), "config.json");
        QVERIFY2(config.ok(), config.status().to_string().c_str());
        QCOMPARE(config->vocab_size, std::int64_t{1024});
        QCOMPARE(config->hidden_size, std::int64_t{96});
        QCOMPARE(config->num_layers, std::int64_t{4});
        QCOMPARE(config->num_heads, std::int64_t{16});
        QCOMPARE(config->num_kv_heads, std::int64_t{4});
        QCOMPARE(config->head_dim, std::int64_t{64});
        QCOMPARE(config->num_experts, std::int64_t{32});
        QCOMPARE(config->experts_per_token, std::int64_t{4});
        QCOMPARE(config->intermediate_size, std::int64_t{96});
        QCOMPARE(config->sliding_window, std::int64_t{128});
        QCOMPARE(config->max_position_embeddings, std::int64_t{131072});
        QCOMPARE(config->rope_theta, 150000.0);
        QCOMPARE(config->rope_scaling.factor, 32.0);
        QCOMPARE(config->rope_scaling.beta_fast, 32.0);
        QCOMPARE(config->rope_scaling.beta_slow, 1.0);
        QCOMPARE(config->rope_scaling.original_max_position, std::int64_t{4096});
        QCOMPARE(config->rope_scaling.truncate, false);
        QCOMPARE(config->swiglu_limit, 7.0);
        QCOMPARE(config->rms_norm_eps, 1e-5);
        QCOMPARE(config->layer_is_sliding, (std::vector<bool>{true, false, true, false}));
        QCOMPARE(config->eos_token_ids, std::vector<std::int32_t>{1022});
        QCOMPARE(config->q_width(), std::int64_t{1024});
        QCOMPARE(config->kv_width(), std::int64_t{256});
    }

    void openaiNames() {
        auto config = parse_model_config(read_file(data_dir / "base" / "original" / "config.json"),
                                         "original/config.json");
        QVERIFY2(config.ok(), config.status().to_string().c_str());
        QCOMPARE(config->num_experts, std::int64_t{8});
        QCOMPARE(config->experts_per_token, std::int64_t{4});
        QCOMPARE(config->sliding_window, std::int64_t{8});
        QCOMPARE(config->rope_scaling.factor, 32.0);
        QCOMPARE(config->rope_scaling.beta_fast, 32.0);  // rope_ntk_beta
        QCOMPARE(config->rope_scaling.beta_slow, 1.0);   // rope_ntk_alpha
        QCOMPARE(config->rope_scaling.original_max_position, std::int64_t{256});
        // Not in OpenAI's file: computed or the reference code's constants.
        QCOMPARE(config->max_position_embeddings, std::int64_t{256 * 32});
        QCOMPARE(config->rms_norm_eps, 1e-5);
        QCOMPARE(config->swiglu_alpha, 1.702);
        QCOMPARE(config->layer_is_sliding, (std::vector<bool>{true, false, true, false}));
        QVERIFY(config->eos_token_ids.empty());
    }

    void openaiRopeNamesAreMapped() {
        auto config = parse(hf_config(
            R"("rope_scaling_factor": 16.0, "rope_ntk_alpha": 2.0, "rope_ntk_beta": 24.0,)"
            R"( "initial_context_length": 2048)"));
        QVERIFY2(config.ok(), config.status().to_string().c_str());
        QCOMPARE(config->rope_scaling.factor, 16.0);
        QCOMPARE(config->rope_scaling.beta_slow, 2.0);
        QCOMPARE(config->rope_scaling.beta_fast, 24.0);
        QCOMPARE(config->rope_scaling.original_max_position, std::int64_t{2048});
        QCOMPARE(config->max_position_embeddings, std::int64_t{2048 * 16});
    }

    void bothNamesMustAgree() {
        QVERIFY(parse(hf_config(R"("num_experts": 8)")).ok());
        expect_error(hf_config(R"("num_experts": 16)"), StatusCode::bad_model,
                     "num_local_experts and num_experts disagree");
        expect_error(hf_config(R"("experts_per_token": 2)"), StatusCode::bad_model,
                     "num_experts_per_tok and experts_per_token disagree");
    }

    void eosIntListOrAbsent() {
        QCOMPARE(parse(hf_config(R"("eos_token_id": 7)"))->eos_token_ids,
                 std::vector<std::int32_t>{7});
        QCOMPARE(parse(hf_config(R"("eos_token_id": [7, 9])"))->eos_token_ids,
                 (std::vector<std::int32_t>{7, 9}));
        QVERIFY(parse(hf_config(R"("eos_token_id": null)"))->eos_token_ids.empty());
        expect_error(hf_config(R"("eos_token_id": "7")"), StatusCode::bad_model,
                     "eos_token_id entry \"7\" is not a token id");
        expect_error(hf_config(R"("eos_token_id": 1024)"), StatusCode::bad_model,
                     "eos_token_id 1024 is outside the vocabulary of 1024");
    }

    void generationConfig() {
        ModelConfig config = *parse(hf_config(R"("eos_token_id": 7)"));
        QVERIFY(apply_generation_config(config, R"({"eos_token_id": [1, 2, 3]})", "g.json").ok());
        QCOMPARE(config.eos_token_ids, (std::vector<std::int32_t>{1, 2, 3}));
        QVERIFY(apply_generation_config(config, R"({"do_sample": true})", "g.json").ok());
        QCOMPARE(config.eos_token_ids, (std::vector<std::int32_t>{1, 2, 3}));  // kept
        const Status bad = apply_generation_config(config, R"({"eos_token_id": [5000]})", "g.json");
        QCOMPARE(bad.code(), StatusCode::bad_model);
        QVERIFY2(bad.message().rfind("g.json: ", 0) == 0, bad.message().c_str());
        QCOMPARE(apply_generation_config(config, "nope", "g.json").code(), StatusCode::bad_model);
    }

    void missingAndMistypedFields() {
        expect_error(hf_config("", "num_hidden_layers"), StatusCode::bad_model,
                     "missing num_hidden_layers");
        expect_error(hf_config("", "num_local_experts"), StatusCode::bad_model,
                     "missing num_local_experts (or num_experts)");
        expect_error(hf_config(R"("hidden_size": "64")"), StatusCode::bad_model,
                     "hidden_size is \"64\", expected an integer");
        expect_error(hf_config(R"("hidden_size": 64.5)"), StatusCode::bad_model,
                     "hidden_size is 64.5, expected an integer");
        expect_error(hf_config(R"("rope_theta": "big")"), StatusCode::bad_model,
                     "rope_theta is \"big\", expected a number");
        expect_error("{\"a\": ", StatusCode::bad_model, "not valid JSON");
        expect_error("[1]", StatusCode::bad_model, "expected an object");
    }

    void inconsistentSizes() {
        expect_error(hf_config(R"("hidden_size": 48)"), StatusCode::bad_model,
                     "must be multiples of 32");
        expect_error(hf_config(R"("intermediate_size": 100)"), StatusCode::bad_model,
                     "must be multiples of 32");
        expect_error(hf_config(R"("num_key_value_heads": 3)"), StatusCode::bad_model,
                     "num_attention_heads 4 is not a multiple of num_key_value_heads 3");
        expect_error(hf_config(R"("head_dim": 63)"), StatusCode::bad_model, "head_dim 63 is odd");
        expect_error(hf_config(R"("num_experts_per_tok": 9)"), StatusCode::bad_model,
                     "num_experts_per_tok 9 exceeds num_local_experts 8");
        expect_error(hf_config(R"("num_hidden_layers": 0)"), StatusCode::bad_model,
                     "num_hidden_layers is 0, expected a positive number");
        expect_error(hf_config(R"("vocab_size": -5)"), StatusCode::bad_model,
                     "vocab_size is -5, expected a positive number");
        expect_error(hf_config(R"("vocab_size": 4000000000)"), StatusCode::bad_model,
                     "implausibly large");
        expect_error(hf_config(R"("rms_norm_eps": 0)"), StatusCode::bad_model, "rms_norm_eps is 0");
    }

    void layerTypes() {
        auto config = parse(hf_config(R"("layer_types": ["full_attention", "sliding_attention"])"));
        QVERIFY(config.ok());
        QCOMPARE(config->layer_is_sliding, (std::vector<bool>{false, true}));
        expect_error(hf_config(R"("layer_types": ["full_attention"])"), StatusCode::bad_model,
                     "layer_types has 1 entries, expected num_hidden_layers = 2");
        expect_error(hf_config(R"("layer_types": ["full_attention", "local"])"),
                     StatusCode::bad_model, "layer_types entry \"local\" is neither");
        expect_error(hf_config(R"("layer_types": "full")"), StatusCode::bad_model,
                     "expected a list");
    }

    void ropeScaling() {
        auto config = parse(hf_config(
            R"("rope_scaling": {"rope_type": "yarn", "factor": 8.0, "beta_fast": 16,)"
            R"( "beta_slow": 2, "original_max_position_embeddings": 1024, "truncate": true})"));
        QVERIFY2(config.ok(), config.status().to_string().c_str());
        QCOMPARE(config->rope_scaling.factor, 8.0);
        QCOMPARE(config->rope_scaling.beta_fast, 16.0);
        QCOMPARE(config->rope_scaling.beta_slow, 2.0);
        QCOMPARE(config->rope_scaling.original_max_position, std::int64_t{1024});
        QCOMPARE(config->rope_scaling.truncate, true);
        QCOMPARE(config->max_position_embeddings, std::int64_t{8192});
        expect_error(hf_config(R"("rope_scaling": {"rope_type": "linear", "factor": 2.0})"),
                     StatusCode::bad_model, "gpt-oss uses \"yarn\"");
        expect_error(hf_config(R"("rope_scaling": {"factor": "x"})"), StatusCode::bad_model,
                     "factor is \"x\", expected a number");
        expect_error(hf_config(R"("rope_scaling": {"factor": -1.0})"), StatusCode::bad_model,
                     "rope_scaling.factor is");
        expect_error(hf_config(R"("rope_scaling": 3)"), StatusCode::bad_model,
                     "rope_scaling is 3, expected an object");
    }

    void otherModelsAreUnsupported() {
        expect_error(hf_config(R"("model_type": "llama")"), StatusCode::unsupported,
                     "model_type is \"llama\", expected \"gpt_oss\"");
        expect_error(hf_config(R"("tie_word_embeddings": true)"), StatusCode::unsupported,
                     "tie_word_embeddings");
        expect_error(hf_config(R"("attention_bias": false)"), StatusCode::unsupported,
                     "attention_bias");
    }

    void readsFolderWithGenerationConfig() {
        auto config = read_model_config(data_dir / "base" / "config.json");
        QVERIFY2(config.ok(), config.status().to_string().c_str());
        QCOMPARE(config->hidden_size, std::int64_t{64});
        auto missing = read_model_config(data_dir / "nope" / "config.json");
        QCOMPARE(missing.status().code(), StatusCode::io_error);
    }
};

QTEST_APPLESS_MAIN(TestModelConfig)
#include "test_model_config.moc"
