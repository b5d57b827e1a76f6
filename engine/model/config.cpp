#include "engine/model/config.h"

#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/io/text_file.h"

namespace ponder {

namespace {

using nlohmann::json;

// Every integer field is capped so that products of a few of them (tensor byte sizes) stay far
// inside int64: a hostile config cannot make a shape computation wrap around.
constexpr std::int64_t max_dimension = std::int64_t{1} << 24;

// A JSON value for an error message, cut short: a hostile file may hold a megabyte-long array.
std::string brief(const json& value) {
    std::string text = value.dump();
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

// Reads fields of one JSON object, remembering the first error so callers can read many fields
// and check once. Each field may have an HF name and an OpenAI name; when both are present they
// must agree.
class FieldReader {
  public:
    FieldReader(const json& object, std::string_view source) : object_(object), source_(source) {}

    std::optional<std::int64_t> integer(const char* hf_name, const char* openai_name = nullptr) {
        return read<std::int64_t>(hf_name, openai_name, [&](const json& value, const char* name) {
            if (!value.is_number_integer()) return type_error(name, value, "an integer");
            return std::optional<std::int64_t>(value.get<std::int64_t>());
        });
    }

    std::optional<double> number(const char* hf_name, const char* openai_name = nullptr) {
        return read<double>(hf_name, openai_name, [&](const json& value, const char* name) {
            if (!value.is_number()) return type_error<double>(name, value, "a number");
            return std::optional<double>(value.get<double>());
        });
    }

    std::optional<bool> boolean(const char* name) {
        return read<bool>(name, nullptr, [&](const json& value, const char* key) {
            if (!value.is_boolean()) return type_error<bool>(key, value, "true or false");
            return std::optional<bool>(value.get<bool>());
        });
    }

    std::optional<std::string> string(const char* name) {
        return read<std::string>(name, nullptr, [&](const json& value, const char* key) {
            if (!value.is_string()) return type_error<std::string>(key, value, "a string");
            return std::optional<std::string>(value.get<std::string>());
        });
    }

    // Like integer(), but a missing field is an error.
    std::int64_t required(const char* hf_name, const char* openai_name = nullptr) {
        auto value = integer(hf_name, openai_name);
        if (!value && status_.ok()) {
            std::string names = hf_name;
            if (openai_name != nullptr) names += std::string(" (or ") + openai_name + ")";
            fail("missing " + names);
        }
        return value.value_or(0);
    }

    void fail(const std::string& message) {
        if (status_.ok()) status_ = Status(StatusCode::bad_model, source_ + ": " + message);
    }
    const Status& status() const { return status_; }
    const json* find(const char* name) const {
        const auto it = object_.find(name);
        return it == object_.end() ? nullptr : &*it;
    }

  private:
    template <typename T = std::int64_t>
    std::optional<T> type_error(const char* name, const json& value, const char* expected) {
        fail(std::string(name) + " is " + brief(value) + ", expected " + expected);
        return std::nullopt;
    }

    template <typename T, typename Convert>
    std::optional<T> read(const char* hf_name, const char* openai_name, Convert convert) {
        std::optional<T> result;
        const char* found_name = nullptr;
        for (const char* name : {hf_name, openai_name}) {
            if (name == nullptr) continue;
            const json* value = find(name);
            if (value == nullptr) continue;
            std::optional<T> converted = convert(*value, name);
            if (!converted) return std::nullopt;
            if (result && *result != *converted) {
                fail(std::string(found_name) + " and " + name + " disagree");
                return std::nullopt;
            }
            result = converted;
            found_name = name;
        }
        return result;
    }

    const json& object_;
    std::string source_;
    Status status_;
};

Result<json> parse_object(std::string_view text, std::string_view source) {
    json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) {
        return Status(StatusCode::bad_model, std::string(source) + ": not valid JSON");
    }
    if (!root.is_object()) {
        return Status(StatusCode::bad_model,
                      std::string(source) + ": JSON " + root.type_name() + ", expected an object");
    }
    return root;
}

// eos_token_id as HF writes it: one integer or a list of integers.
std::optional<std::vector<std::int32_t>> read_eos_ids(FieldReader& fields) {
    const json* value = fields.find("eos_token_id");
    if (value == nullptr || value->is_null()) return std::nullopt;
    std::vector<std::int32_t> ids;
    const auto add = [&](const json& id) {
        if (!id.is_number_integer() || id.get<std::int64_t>() < 0 ||
            id.get<std::int64_t>() > max_dimension) {
            fields.fail("eos_token_id entry " + brief(id) + " is not a token id");
            return false;
        }
        ids.push_back(static_cast<std::int32_t>(id.get<std::int64_t>()));
        return true;
    };
    if (value->is_array()) {
        for (const json& id : *value) {
            if (!add(id)) return std::nullopt;
        }
    } else if (!add(*value)) {
        return std::nullopt;
    }
    return ids;
}

void read_rope(FieldReader& fields, ModelConfig& config) {
    RopeScaling& rope = config.rope_scaling;
    const std::optional<std::int64_t> initial_context = fields.integer("initial_context_length");
    const json* scaling = fields.find("rope_scaling");
    if (scaling != nullptr && !scaling->is_null()) {
        if (!scaling->is_object()) {
            fields.fail("rope_scaling is " + brief(*scaling) + ", expected an object");
            return;
        }
        FieldReader yarn(*scaling, "rope_scaling");
        const auto type = yarn.string("rope_type");
        const auto legacy_type = yarn.string("type");
        const std::string kind = type.value_or(legacy_type.value_or("yarn"));
        if (kind != "yarn") {
            fields.fail("rope_scaling.rope_type is \"" + kind + "\", gpt-oss uses \"yarn\"");
        }
        if (auto factor = yarn.number("factor")) rope.factor = *factor;
        if (auto beta_fast = yarn.number("beta_fast")) rope.beta_fast = *beta_fast;
        if (auto beta_slow = yarn.number("beta_slow")) rope.beta_slow = *beta_slow;
        if (auto truncate = yarn.boolean("truncate")) rope.truncate = *truncate;
        if (auto original = yarn.integer("original_max_position_embeddings")) {
            rope.original_max_position = *original;
        } else if (initial_context) {
            rope.original_max_position = *initial_context;
        }
        if (!yarn.status().ok()) fields.fail(yarn.status().message());
    } else {
        // OpenAI names; absent ones keep the reference code's defaults (config.h).
        if (auto factor = fields.number("rope_scaling_factor")) rope.factor = *factor;
        if (auto alpha = fields.number("rope_ntk_alpha")) rope.beta_slow = *alpha;
        if (auto beta = fields.number("rope_ntk_beta")) rope.beta_fast = *beta;
        if (initial_context) rope.original_max_position = *initial_context;
    }
}

void read_layer_types(FieldReader& fields, ModelConfig& config) {
    config.layer_is_sliding.clear();
    const json* types = fields.find("layer_types");
    if (types == nullptr || types->is_null()) {
        // docs/gpt-oss.md §1.2: even layers use the sliding window, odd layers attend fully.
        for (std::int64_t i = 0; i < config.num_layers; ++i) {
            config.layer_is_sliding.push_back(i % 2 == 0);
        }
        return;
    }
    if (!types->is_array()) {
        fields.fail("layer_types is " + brief(*types) + ", expected a list");
        return;
    }
    for (const json& type : *types) {
        if (type == "sliding_attention") {
            config.layer_is_sliding.push_back(true);
        } else if (type == "full_attention") {
            config.layer_is_sliding.push_back(false);
        } else {
            fields.fail("layer_types entry " + brief(type) +
                        " is neither \"sliding_attention\" nor \"full_attention\"");
            return;
        }
    }
}

Status unsupported(std::string_view source, const std::string& message) {
    return Status(StatusCode::unsupported, std::string(source) + ": " + message);
}

}  // namespace

Result<ModelConfig> parse_model_config(std::string_view json_text, std::string_view source) {
    auto root = parse_object(json_text, source);
    if (!root) return root.status();
    FieldReader fields(*root, source);

    // Folders of other models are refused with a reason rather than a wall of tensor errors.
    if (auto type = fields.string("model_type"); type && *type != "gpt_oss") {
        return unsupported(source, "model_type is \"" + *type + "\", expected \"gpt_oss\"");
    }
    if (auto bias = fields.boolean("attention_bias"); bias && !*bias) {
        return unsupported(source, "attention_bias is false; gpt-oss attention has biases");
    }
    if (auto tied = fields.boolean("tie_word_embeddings"); tied && *tied) {
        return unsupported(source,
                           "tie_word_embeddings is true; gpt-oss has a separate unembedding");
    }

    ModelConfig config;
    config.vocab_size = fields.required("vocab_size");
    config.hidden_size = fields.required("hidden_size");
    config.num_layers = fields.required("num_hidden_layers");
    config.num_heads = fields.required("num_attention_heads");
    config.num_kv_heads = fields.required("num_key_value_heads");
    config.head_dim = fields.required("head_dim");
    config.num_experts = fields.required("num_local_experts", "num_experts");
    config.experts_per_token = fields.required("num_experts_per_tok", "experts_per_token");
    config.intermediate_size = fields.required("intermediate_size");
    config.sliding_window = fields.required("sliding_window");
    if (auto theta = fields.number("rope_theta")) config.rope_theta = *theta;
    if (auto eps = fields.number("rms_norm_eps")) config.rms_norm_eps = *eps;
    if (auto limit = fields.number("swiglu_limit")) config.swiglu_limit = *limit;
    if (auto alpha = fields.number("swiglu_alpha")) config.swiglu_alpha = *alpha;
    read_rope(fields, config);
    if (!fields.status().ok()) return fields.status();

    // OpenAI's config has no max_position_embeddings: the reference extends the original
    // context by the YaRN factor. Out-of-range products become 0 and fail validation.
    const double extended =
        static_cast<double>(config.rope_scaling.original_max_position) * config.rope_scaling.factor;
    const bool representable = extended > 0 && extended <= double(max_dimension);
    config.max_position_embeddings = fields.integer("max_position_embeddings")
                                         .value_or(representable ? std::int64_t(extended) : 0);
    read_layer_types(fields, config);
    if (auto eos = read_eos_ids(fields)) config.eos_token_ids = std::move(*eos);
    if (!fields.status().ok()) return fields.status();
    if (Status status = validate_model_config(config, source); !status.ok()) return status;
    return config;
}

Status apply_generation_config(ModelConfig& config, std::string_view json_text,
                               std::string_view source) {
    auto root = parse_object(json_text, source);
    if (!root) return root.status();
    FieldReader fields(*root, source);
    auto eos = read_eos_ids(fields);
    if (!fields.status().ok()) return fields.status();
    if (!eos) return Status::success();
    for (std::int32_t id : *eos) {
        if (id >= config.vocab_size) {
            return Status(StatusCode::bad_model,
                          std::string(source) + ": eos_token_id " + std::to_string(id) +
                              " is outside the vocabulary of " + std::to_string(config.vocab_size));
        }
    }
    config.eos_token_ids = std::move(*eos);
    return Status::success();
}

Result<ModelConfig> read_model_config(const std::filesystem::path& config_file) {
    auto text = read_text_file(config_file, file_caps::model_config);
    if (!text) return text.status();
    auto config = parse_model_config(*text, config_file.string());
    if (!config) return config;
    const std::filesystem::path generation = config_file.parent_path() / "generation_config.json";
    std::error_code error;
    // Anything by that name is read: a pipe or a device there is an error naming it, not skipped.
    if (std::filesystem::exists(std::filesystem::symlink_status(generation, error))) {
        auto generation_text = read_text_file(generation, file_caps::model_config);
        if (!generation_text) return generation_text.status();
        Status status = apply_generation_config(*config, *generation_text, generation.string());
        if (!status.ok()) return status;
    }
    return config;
}

Status validate_model_config(const ModelConfig& config, std::string_view source) {
    const auto fail = [&](const std::string& message) {
        return Status(StatusCode::bad_model, std::string(source) + ": " + message);
    };
    // Real-valued parameters first: a bad YaRN factor also spoils the computed
    // max_position_embeddings, and the factor is the cause worth naming.
    const std::pair<const char*, double> positives[] = {
        {"rms_norm_eps", config.rms_norm_eps},
        {"rope_theta", config.rope_theta},
        {"rope_scaling.factor", config.rope_scaling.factor},
        {"rope_scaling.beta_fast", config.rope_scaling.beta_fast},
        {"rope_scaling.beta_slow", config.rope_scaling.beta_slow},
        {"swiglu_limit", config.swiglu_limit},
        {"swiglu_alpha", config.swiglu_alpha},
    };
    for (const auto& [name, value] : positives) {
        if (!(value > 0) || !std::isfinite(value)) {
            return fail(std::string(name) + " is " + std::to_string(value) +
                        ", expected a positive finite number");
        }
    }
    const std::pair<const char*, std::int64_t> sizes[] = {
        {"vocab_size", config.vocab_size},
        {"hidden_size", config.hidden_size},
        {"num_hidden_layers", config.num_layers},
        {"num_attention_heads", config.num_heads},
        {"num_key_value_heads", config.num_kv_heads},
        {"head_dim", config.head_dim},
        {"num_local_experts", config.num_experts},
        {"num_experts_per_tok", config.experts_per_token},
        {"intermediate_size", config.intermediate_size},
        {"sliding_window", config.sliding_window},
        {"max_position_embeddings", config.max_position_embeddings},
        {"original_max_position_embeddings", config.rope_scaling.original_max_position},
    };
    for (const auto& [name, value] : sizes) {
        if (value <= 0) {
            return fail(std::string(name) + " is " + std::to_string(value) +
                        ", expected a positive number");
        }
        if (value > max_dimension) {
            return fail(std::string(name) + " is " + std::to_string(value) +
                        ", implausibly large (limit " + std::to_string(max_dimension) + ")");
        }
    }
    if (config.num_heads % config.num_kv_heads != 0) {
        return fail("num_attention_heads " + std::to_string(config.num_heads) +
                    " is not a multiple of num_key_value_heads " +
                    std::to_string(config.num_kv_heads));
    }
    if (config.head_dim % 2 != 0) {
        return fail("head_dim " + std::to_string(config.head_dim) +
                    " is odd; RoPE rotates pairs (d, d + head_dim/2)");
    }
    if (config.hidden_size % 32 != 0 || config.intermediate_size % 32 != 0) {
        return fail("hidden_size " + std::to_string(config.hidden_size) +
                    " and intermediate_size " + std::to_string(config.intermediate_size) +
                    " must be multiples of 32 (the MXFP4 block size)");
    }
    if (config.experts_per_token > config.num_experts) {
        return fail("num_experts_per_tok " + std::to_string(config.experts_per_token) +
                    " exceeds num_local_experts " + std::to_string(config.num_experts));
    }
    if (static_cast<std::int64_t>(config.layer_is_sliding.size()) != config.num_layers) {
        return fail("layer_types has " + std::to_string(config.layer_is_sliding.size()) +
                    " entries, expected num_hidden_layers = " + std::to_string(config.num_layers));
    }
    for (std::int32_t id : config.eos_token_ids) {
        if (id < 0 || id >= config.vocab_size) {
            return fail("eos_token_id " + std::to_string(id) + " is outside the vocabulary of " +
                        std::to_string(config.vocab_size));
        }
    }
    return Status::success();
}

}  // namespace ponder
