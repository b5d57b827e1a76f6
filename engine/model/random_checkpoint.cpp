#include "engine/model/random_checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/io/output_file.h"
#include "engine/io/safetensors_writer.h"
#include "engine/numeric/bf16.h"

namespace ponder {

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

namespace {

// Bytes generated per thread per write: large enough to keep threads busy, small enough that
// the whole buffer stays a few tens of MB.
constexpr std::uint64_t chunk_bytes_per_thread = 4ull << 20;

constexpr std::int32_t harmony_return = 200002;     // <|return|>
constexpr std::int32_t harmony_endoftext = 199999;  // <|endoftext|>, HF's pad token
constexpr std::int32_t harmony_call = 200012;       // <|call|>
constexpr std::int32_t harmony_startoftext = 199998;

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// How one stretch of a tensor's elements is generated. Element i of the stretch is a pure
// function of (key, i): the counter-based generator needs no state and splits across threads.
struct Stream {
    enum class Kind { normal, near_one, bytes, scales } kind = Kind::normal;
    std::uint64_t key = 0;
    float std = 0;         // normal / near_one
    int base_scale = 127;  // scales: E8M0 byte around which the block scales vary by +-1
};

struct Segment {
    std::uint64_t elements;  // how many consecutive elements use `stream`
    Stream stream;
};

// ~N(0, 1) from one 64-bit draw: the sum of four 16-bit uniforms (Irwin-Hall), rescaled. Not
// Gaussian in the tails, which is irrelevant for weights that only need a sane spread.
float normalish(std::uint64_t bits) {
    const std::uint64_t sum =
        (bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48);
    return (static_cast<float>(sum) / 65536.0f - 2.0f) * 1.7320508f;
}

// E8M0 byte for blocks whose dequantized values have an RMS near 1/sqrt(fan_in). Uniform
// random nibbles have an RMS of 2.926 (the root mean square of the E2M1 magnitudes).
int scale_byte_for(std::int64_t fan_in) {
    const double target = 1.0 / (std::sqrt(static_cast<double>(fan_in)) * 2.926);
    return 127 + static_cast<int>(std::lround(std::log2(target)));
}

class ValueGenerator {
  public:
    ValueGenerator(const ModelConfig& config, std::uint64_t seed)
        : config_(config), seed_(splitmix64(seed)) {}

    // The streams of `spec`, in element order. Keys use the HF role, so the original layout's
    // packed qkv reuses the q, k and v streams and both layouts hold identical values.
    std::vector<Segment> segments(const TensorSpec& spec) const {
        const std::int64_t hidden = config_.hidden_size;
        const auto count = [&](std::int64_t rows, std::int64_t cols) {
            return static_cast<std::uint64_t>(rows * cols);
        };
        using R = TensorRole;
        switch (spec.role) {
            case R::qkv_weight:
                return {{count(config_.q_width(), hidden), stream(spec.layer, R::q_weight)},
                        {count(config_.kv_width(), hidden), stream(spec.layer, R::k_weight)},
                        {count(config_.kv_width(), hidden), stream(spec.layer, R::v_weight)}};
            case R::qkv_bias:
                return {{count(config_.q_width(), 1), stream(spec.layer, R::q_bias)},
                        {count(config_.kv_width(), 1), stream(spec.layer, R::k_bias)},
                        {count(config_.kv_width(), 1), stream(spec.layer, R::v_bias)}};
            default: {
                std::uint64_t elements = 1;
                for (std::int64_t dim : spec.shape)
                    elements *= static_cast<std::uint64_t>(dim);
                return {{elements, stream(spec.layer, spec.role)}};
            }
        }
    }

  private:
    Stream stream(std::int64_t layer, TensorRole role) const {
        Stream s;
        s.key = splitmix64(seed_ ^ (static_cast<std::uint64_t>(layer + 1) << 8 |
                                    static_cast<std::uint64_t>(role)));
        const auto inverse_sqrt = [](std::int64_t n) {
            return static_cast<float>(1.0 / std::sqrt(static_cast<double>(n)));
        };
        const std::int64_t hidden = config_.hidden_size;
        using R = TensorRole;
        using K = Stream::Kind;
        switch (role) {
            case R::attn_norm:
            case R::mlp_norm:
            case R::final_norm:
                s.kind = K::near_one, s.std = 0.05f;
                break;
            case R::embedding:
            case R::unembedding:
            case R::q_weight:
            case R::k_weight:
            case R::v_weight:
            case R::router_weight:
                s.std = inverse_sqrt(hidden);
                break;
            case R::o_weight:
                s.std = inverse_sqrt(config_.q_width());
                break;
            case R::sinks:
                s.std = 0.1f;
                break;
            case R::gate_up_blocks:
            case R::down_blocks:
                s.kind = K::bytes;
                break;
            case R::gate_up_scales:
                s.kind = K::scales, s.base_scale = scale_byte_for(hidden);
                break;
            case R::down_scales:
                s.kind = K::scales, s.base_scale = scale_byte_for(config_.intermediate_size);
                break;
            default:
                s.std = 0.02f;
                break;  // biases
        }
        return s;
    }

    const ModelConfig& config_;
    std::uint64_t seed_;
};

// Writes elements [begin, begin + count) of one stream into `out` (bf16 or byte elements).
void fill_stream(const Stream& stream, std::uint64_t begin, std::uint64_t count,
                 std::uint8_t* out) {
    using K = Stream::Kind;
    switch (stream.kind) {
        case K::normal:
        case K::near_one: {
            const float offset = stream.kind == K::near_one ? 1.0f : 0.0f;
            for (std::uint64_t i = 0; i < count; ++i) {
                const float value =
                    offset + stream.std * normalish(splitmix64(stream.key + begin + i));
                const bf16 packed = f32_to_bf16(value);
                std::memcpy(out + 2 * i, &packed, 2);
            }
            break;
        }
        case K::bytes:
            for (std::uint64_t i = 0; i < count; ++i) {
                const std::uint64_t index = begin + i;
                out[i] = static_cast<std::uint8_t>(splitmix64(stream.key + index / 8) >>
                                                   (8 * (index % 8)));
            }
            break;
        case K::scales:
            for (std::uint64_t i = 0; i < count; ++i) {
                const int jitter = static_cast<int>(splitmix64(stream.key + begin + i) % 3) - 1;
                out[i] = static_cast<std::uint8_t>(std::clamp(stream.base_scale + jitter, 0, 255));
            }
            break;
    }
}

// Elements [begin, begin + count) of a tensor made of `segments`.
void fill(const std::vector<Segment>& segments, std::uint64_t element_size, std::uint64_t begin,
          std::uint64_t count, std::uint8_t* out) {
    std::uint64_t segment_start = 0;
    for (const Segment& segment : segments) {
        const std::uint64_t segment_end = segment_start + segment.elements;
        const std::uint64_t from = std::max(begin, segment_start);
        const std::uint64_t to = std::min(begin + count, segment_end);
        if (from < to) {
            fill_stream(segment.stream, from - segment_start, to - from,
                        out + (from - begin) * element_size);
        }
        segment_start = segment_end;
    }
}

ordered_json hf_config_json(const ModelConfig& c) {
    ordered_json layer_types = ordered_json::array();
    for (bool sliding : c.layer_is_sliding) {
        layer_types.push_back(sliding ? "sliding_attention" : "full_attention");
    }
    ordered_json j;
    j["architectures"] = {"GptOssForCausalLM"};
    j["attention_bias"] = true;
    j["attention_dropout"] = 0.0;
    if (!c.eos_token_ids.empty()) j["eos_token_id"] = c.eos_token_ids.front();
    j["experts_per_token"] = c.experts_per_token;
    j["head_dim"] = c.head_dim;
    j["hidden_act"] = "silu";
    j["hidden_size"] = c.hidden_size;
    j["initial_context_length"] = c.rope_scaling.original_max_position;
    j["intermediate_size"] = c.intermediate_size;
    j["layer_types"] = layer_types;
    j["max_position_embeddings"] = c.max_position_embeddings;
    j["model_type"] = "gpt_oss";
    j["num_attention_heads"] = c.num_heads;
    j["num_experts_per_tok"] = c.experts_per_token;
    j["num_hidden_layers"] = c.num_layers;
    j["num_key_value_heads"] = c.num_kv_heads;
    j["num_local_experts"] = c.num_experts;
    if (c.vocab_size > harmony_endoftext) j["pad_token_id"] = harmony_endoftext;
    j["quantization_config"] = {{"modules_to_not_convert",
                                 {"model.layers.*.self_attn", "model.layers.*.mlp.router",
                                  "model.embed_tokens", "lm_head"}},
                                {"quant_method", "mxfp4"}};
    j["rms_norm_eps"] = c.rms_norm_eps;
    j["rope_scaling"] = {{"beta_fast", c.rope_scaling.beta_fast},
                         {"beta_slow", c.rope_scaling.beta_slow},
                         {"factor", c.rope_scaling.factor},
                         {"original_max_position_embeddings", c.rope_scaling.original_max_position},
                         {"rope_type", "yarn"},
                         {"truncate", c.rope_scaling.truncate}};
    j["rope_theta"] = c.rope_theta;
    j["sliding_window"] = c.sliding_window;
    j["swiglu_limit"] = c.swiglu_limit;
    j["tie_word_embeddings"] = false;
    j["use_cache"] = true;
    j["vocab_size"] = c.vocab_size;
    return j;
}

// OpenAI's names; it has no fields for eps, layer types or eos (the reference hard-codes them).
ordered_json original_config_json(const ModelConfig& c) {
    ordered_json j;
    j["num_hidden_layers"] = c.num_layers;
    j["num_experts"] = c.num_experts;
    j["experts_per_token"] = c.experts_per_token;
    j["vocab_size"] = c.vocab_size;
    j["hidden_size"] = c.hidden_size;
    j["intermediate_size"] = c.intermediate_size;
    j["swiglu_limit"] = c.swiglu_limit;
    j["head_dim"] = c.head_dim;
    j["num_attention_heads"] = c.num_heads;
    j["num_key_value_heads"] = c.num_kv_heads;
    j["sliding_window"] = c.sliding_window;
    j["initial_context_length"] = c.rope_scaling.original_max_position;
    j["rope_theta"] = c.rope_theta;
    j["rope_scaling_factor"] = c.rope_scaling.factor;
    j["rope_ntk_alpha"] = c.rope_scaling.beta_slow;
    j["rope_ntk_beta"] = c.rope_scaling.beta_fast;
    return j;
}

ordered_json generation_config_json(const ModelConfig& c) {
    ordered_json j;
    if (c.vocab_size > harmony_startoftext) j["bos_token_id"] = harmony_startoftext;
    j["do_sample"] = true;
    j["eos_token_id"] = c.eos_token_ids;
    if (c.vocab_size > harmony_endoftext) j["pad_token_id"] = harmony_endoftext;
    return j;
}

Status write_json(const fs::path& path, const ordered_json& json) {
    std::ofstream out(path, std::ios::trunc);
    out << json.dump(2) << "\n";
    out.close();
    if (!out) return Status(StatusCode::io_error, path.string() + ": write failed");
    return Status::success();
}

// Fills `buffer` with elements [begin, begin + count) using `threads` threads.
void parallel_fill(const std::vector<Segment>& segments, std::uint64_t element_size,
                   std::uint64_t begin, std::uint64_t count, std::uint8_t* buffer,
                   unsigned threads) {
    const std::uint64_t per_thread = (count + threads - 1) / threads;
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        const std::uint64_t from = std::min(count, t * per_thread);
        const std::uint64_t to = std::min(count, from + per_thread);
        if (from == to) break;
        workers.emplace_back([&, from, to] {
            fill(segments, element_size, begin + from, to - from, buffer + from * element_size);
        });
    }
    for (std::thread& worker : workers)
        worker.join();
}

Status write_tensors(const ModelConfig& config, const fs::path& file,
                     const std::vector<TensorSpec>& specs, const RandomCheckpointOptions& options) {
    // BF16 tensors first, then the U8 ones: every BF16 tensor then starts at an even offset
    // without padding (the official reader rejects gaps between tensors).
    std::vector<const TensorSpec*> order;
    for (const TensorSpec& spec : specs) {
        if (spec.dtype == Dtype::bf16) order.push_back(&spec);
    }
    for (const TensorSpec& spec : specs) {
        if (spec.dtype != Dtype::bf16) order.push_back(&spec);
    }
    std::vector<TensorDeclaration> declarations;
    for (const TensorSpec* spec : order)
        declarations.push_back({spec->name, spec->dtype, spec->shape});

    auto writer = SafetensorsWriter::create(file, declarations, {{"format", "pt"}});
    if (!writer) return writer.status();
    const std::uint64_t total = writer->data_bytes();
    std::error_code error;
    const fs::space_info space = fs::space(file.parent_path(), error);
    if (!error && space.available < total) {
        return Status(StatusCode::io_error, file.parent_path().string() + ": " +
                                                std::to_string(total) + " bytes needed, only " +
                                                std::to_string(space.available) + " free");
    }

    const unsigned threads =
        options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::uint8_t> buffer(chunk_bytes_per_thread * threads);
    const ValueGenerator generator(config, options.seed);
    std::uint64_t written = 0;
    for (const TensorSpec* spec : order) {
        const std::vector<Segment> segments = generator.segments(*spec);
        const std::uint64_t element_size = dtype_size(spec->dtype);
        std::uint64_t elements = 0;
        for (const Segment& segment : segments)
            elements += segment.elements;
        const std::uint64_t chunk_elements = buffer.size() / element_size;
        for (std::uint64_t begin = 0; begin < elements; begin += chunk_elements) {
            const std::uint64_t count = std::min(chunk_elements, elements - begin);
            parallel_fill(segments, element_size, begin, count, buffer.data(), threads);
            Status status = writer->append({buffer.data(), count * element_size});
            if (!status.ok()) return status;
            written += count * element_size;
            if (options.progress &&
                !options.progress(static_cast<double>(written) / total, spec->name)) {
                return Status(StatusCode::cancelled, "writing " + file.string() + " was cancelled");
            }
        }
    }
    return writer->finish();
}

}  // namespace

Result<ModelConfig> random_model_preset(std::string_view name) {
    ModelConfig c;
    c.vocab_size = 201088;
    c.head_dim = 64;
    c.experts_per_token = 4;
    c.sliding_window = 128;
    c.rope_scaling = RopeScaling{};  // YaRN factor 32, beta 32/1 over 4096, not truncated
    c.max_position_embeddings = 131072;
    c.eos_token_ids = {harmony_return, harmony_endoftext, harmony_call};
    if (name == "20b" || name == "120b") {
        c.hidden_size = 2880;
        c.num_layers = name == "20b" ? 24 : 36;
        c.num_heads = 64;
        c.num_kv_heads = 8;
        c.num_experts = name == "20b" ? 32 : 128;
        c.intermediate_size = 2880;
    } else if (name == "tiny") {
        c.hidden_size = 32;
        c.num_layers = 4;
        c.num_heads = 16;
        c.num_kv_heads = 2;
        c.num_experts = 32;
        c.intermediate_size = 64;
    } else {
        return Status(StatusCode::invalid_argument,
                      "unknown model preset \"" + std::string(name) + "\" (tiny, 20b or 120b)");
    }
    for (std::int64_t i = 0; i < c.num_layers; ++i)
        c.layer_is_sliding.push_back(i % 2 == 0);
    return c;
}

Status write_random_checkpoint(const ModelConfig& config, const fs::path& dir,
                               const RandomCheckpointOptions& options) {
    if (options.layout != CheckpointLayout::hf && options.layout != CheckpointLayout::original) {
        return Status(StatusCode::invalid_argument, "layout must be hf or original");
    }
    if (Status status = validate_model_config(config, "model config"); !status.ok()) return status;
    const bool hf = options.layout == CheckpointLayout::hf;
    const fs::path folder = hf ? dir : dir / "original";
    std::error_code error;
    for (const fs::path& existing : {dir / "config.json", dir / "model.safetensors",
                                     folder / "config.json", folder / "model.safetensors"}) {
        if (fs::exists(existing, error)) {
            return Status(StatusCode::invalid_argument,
                          existing.string() + " already exists; choose an empty folder");
        }
    }
    // The files not refused above are replaced; none of them may be a database (a symlink
    // named dtypes.json pointing at the chat history, say).
    for (const fs::path& written : {dir / "generation_config.json", folder / "dtypes.json",
                                    folder / "model.safetensors.partial"}) {
        if (Status allowed = check_output_file(written); !allowed.ok()) return allowed;
    }
    fs::create_directories(folder, error);
    if (error) return Status(StatusCode::io_error, folder.string() + ": " + error.message());

    const std::vector<TensorSpec> specs = expected_tensors(config, options.layout);
    if (Status status = write_json(folder / "config.json",
                                   hf ? hf_config_json(config) : original_config_json(config));
        !status.ok()) {
        return status;
    }
    if (!config.eos_token_ids.empty()) {
        Status status = write_json(dir / "generation_config.json", generation_config_json(config));
        if (!status.ok()) return status;
    }
    if (!hf) {
        // OpenAI's name -> logical dtype table (spec §2.2): FP4 blocks and UE8 scales are U8 on
        // disk.
        ordered_json dtypes;
        for (const TensorSpec& spec : specs) {
            const bool blocks =
                spec.role == TensorRole::gate_up_blocks || spec.role == TensorRole::down_blocks;
            dtypes[spec.name] = spec.dtype == Dtype::bf16 ? "BF16" : blocks ? "FP4" : "UE8";
        }
        if (Status status = write_json(folder / "dtypes.json", dtypes); !status.ok()) return status;
    }
    return write_tensors(config, folder / "model.safetensors", specs, options);
}

}  // namespace ponder
