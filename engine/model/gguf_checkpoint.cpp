#include "engine/model/gguf_checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <thread>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "engine/io/mapped_file.h"
#include "engine/numeric/bf16.h"

namespace ponder {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_reported_problems = 8;

Status bad_model(const std::string& message) {
    return Status(StatusCode::bad_model, message);
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
    return shape_to_string(shape);
}

// IEEE half -> float, exactly (every f16 is representable in f32).
float f16_to_f32(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1fu;
    const std::uint32_t mantissa = h & 0x3ffu;
    std::uint32_t bits = 0;
    if (exponent == 0) {
        // Zero or subnormal: mantissa * 2^-24, exact in f32.
        const float value = std::ldexp(static_cast<float>(mantissa), -24);
        std::memcpy(&bits, &value, 4);
        bits |= sign;
    } else if (exponent == 31) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float result = 0.0f;
    std::memcpy(&result, &bits, 4);
    return result;
}

// The shortest decimal that rounds to `value` (what the writer meant: a file stores rms_norm_eps
// 1e-5 as the f32 9.99999975e-06, and the engine computes in double, so 1e-5 it must be).
double shortest_decimal(float value) {
    char text[32];
    for (int digits = 1; digits <= 9; ++digits) {
        std::snprintf(text, sizeof(text), "%.*g", digits, static_cast<double>(value));
        const double parsed = std::strtod(text, nullptr);
        if (static_cast<float>(parsed) == value) return parsed;
    }
    return value;
}

std::uint16_t load_u16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

// What the engine needs of one tensor: where the file stores it and what it must look like.
enum class Kind { dense, experts };

struct Want {
    std::string name;  // the name found in the file
    const GgufTensorInfo* info = nullptr;
    std::vector<std::int64_t> shape;  // outermost first
    Kind kind = Kind::dense;
};

}  // namespace

const char* gguf_runnable_types() {
    return "F32, F16, BF16, Q8_0 (dense) and MXFP4 (experts)";
}

namespace {

class Metadata {
  public:
    Metadata(const GgufFile& file, std::string source, std::string prefix)
        : file_(file), source_(std::move(source)), prefix_(std::move(prefix)) {}

    Status fail(const std::string& key, const std::string& message) const {
        return bad_model(source_ + ": " + key + " " + message);
    }

    // A positive integer under `prefix` + key (or `fallback` when absent and given).
    Status integer(const std::string& key, std::int64_t& out,
                   std::optional<std::int64_t> fallback = std::nullopt) const {
        const std::string full = prefix_ + key;
        const GgufValue* value = file_.find(full);
        if (value == nullptr) {
            if (fallback) {
                out = *fallback;
                return Status::success();
            }
            return bad_model(source_ + ": missing metadata key " + full);
        }
        std::optional<std::int64_t> v = value->as_int();
        if (!v && value->type == GgufValueType::array && value->count > 0) {
            // Some writers store per-layer arrays (e.g. head_count_kv); all entries must agree.
            v = value->int_element(0);
            for (std::uint64_t i = 1; v && i < value->count; ++i) {
                if (value->int_element(i) != v) v.reset();
            }
        }
        if (!v || *v <= 0 || *v >= (std::int64_t{1} << 40)) {
            return fail(full, std::string("must be a positive integer (it is a ") +
                                  gguf_value_type_name(value->type) + ")");
        }
        out = *v;
        return Status::success();
    }

    Status real(const std::string& key, double& out, std::optional<double> fallback) const {
        const std::string full = prefix_ + key;
        const GgufValue* value = file_.find(full);
        if (value == nullptr) {
            if (fallback) {
                out = *fallback;
                return Status::success();
            }
            return bad_model(source_ + ": missing metadata key " + full);
        }
        if (value->type == GgufValueType::f32) {
            out = shortest_decimal(static_cast<float>(value->float_value));
        } else if (value->is_float()) {
            out = value->float_value;
        } else if (auto v = value->as_int()) {
            out = static_cast<double>(*v);
        } else {
            return fail(full, std::string("must be a number (it is a ") +
                                  gguf_value_type_name(value->type) + ")");
        }
        if (!std::isfinite(out) || out <= 0.0) return fail(full, "must be a positive number");
        return Status::success();
    }

    const GgufValue* find(const std::string& key) const { return file_.find(prefix_ + key); }

  private:
    const GgufFile& file_;
    std::string source_;
    std::string prefix_;
};

}  // namespace

Result<ModelConfig> gguf_model_config(const GgufFile& file, std::string_view source_view) {
    const std::string source(source_view);
    const GgufValue* arch = file.find("general.architecture");
    if (arch == nullptr || arch->type != GgufValueType::string) {
        return bad_model(source + ": missing general.architecture (a string)");
    }
    const std::string architecture(arch->string_value);
    if (architecture != "gpt-oss" && architecture != "gptoss") {
        return Status(StatusCode::unsupported,
                      source + ": general.architecture is \"" + architecture +
                          "\"; Ponder runs gpt-oss (\"gpt-oss\" or Ollama's \"gptoss\")");
    }
    const Metadata meta(file, source, architecture + ".");
    ModelConfig config;
    const GgufTensorInfo* embedding = file.find_tensor("token_embd.weight");
    if (embedding == nullptr || embedding->ne.size() != 2) {
        return bad_model(source + ": missing tensor token_embd.weight [vocab, hidden]");
    }
    config.vocab_size = embedding->ne[1];
    if (Status s = meta.integer("embedding_length", config.hidden_size); !s.ok()) return s;
    if (Status s = meta.integer("block_count", config.num_layers); !s.ok()) return s;
    if (Status s = meta.integer("attention.head_count", config.num_heads); !s.ok()) return s;
    if (Status s = meta.integer("attention.head_count_kv", config.num_kv_heads); !s.ok()) return s;
    if (Status s = meta.integer("expert_count", config.num_experts); !s.ok()) return s;
    if (Status s = meta.integer("expert_used_count", config.experts_per_token); !s.ok()) return s;
    if (Status s = meta.integer("attention.sliding_window", config.sliding_window); !s.ok())
        return s;
    std::int64_t feed_forward = 0;
    if (Status s = meta.integer("feed_forward_length", feed_forward, std::int64_t{0}); !s.ok())
        return s;
    if (Status s = meta.integer(
            "expert_feed_forward_length", config.intermediate_size,
            feed_forward > 0 ? std::optional<std::int64_t>(feed_forward) : std::nullopt);
        !s.ok()) {
        return s;
    }
    // gpt-oss's head_dim (64) is not hidden / heads (45), so the file must say it.
    if (Status s = meta.integer("attention.key_length", config.head_dim); !s.ok()) return s;
    std::int64_t value_length = 0;
    if (Status s = meta.integer("attention.value_length", value_length, config.head_dim); !s.ok())
        return s;
    if (value_length != config.head_dim) {
        return meta.fail(architecture + ".attention.value_length",
                         std::to_string(value_length) + " differs from key_length " +
                             std::to_string(config.head_dim));
    }
    if (Status s = meta.real("attention.layer_norm_rms_epsilon", config.rms_norm_eps, 1e-5);
        !s.ok()) {
        return s;
    }
    if (Status s = meta.real("rope.freq_base", config.rope_theta, 150000.0); !s.ok()) return s;
    if (const GgufValue* type = meta.find("rope.scaling.type")) {
        if (type->type != GgufValueType::string || type->string_value != "yarn") {
            return Status(StatusCode::unsupported,
                          source + ": " + architecture +
                              ".rope.scaling.type is not \"yarn\"; gpt-oss uses YaRN");
        }
    }
    RopeScaling& yarn = config.rope_scaling;
    if (Status s = meta.real("rope.scaling.factor", yarn.factor, 32.0); !s.ok()) return s;
    if (Status s = meta.integer("rope.scaling.original_context_length", yarn.original_max_position,
                                std::int64_t{4096});
        !s.ok()) {
        return s;
    }
    if (Status s = meta.real("rope.scaling.yarn_beta_fast", yarn.beta_fast, 32.0); !s.ok())
        return s;
    if (Status s = meta.real("rope.scaling.yarn_beta_slow", yarn.beta_slow, 1.0); !s.ok()) return s;
    // gpt-oss's YaRN keeps the correction range unrounded (the checkpoints' "truncate":
    // false). Runtimes that round it produce slightly different frequencies; Ponder computes the
    // model's own, so nothing in the file can turn truncation on.
    yarn.truncate = false;
    const std::int64_t extended =
        static_cast<std::int64_t>(static_cast<double>(yarn.original_max_position) * yarn.factor);
    if (Status s = meta.integer("context_length", config.max_position_embeddings, extended);
        !s.ok()) {
        return s;
    }
    config.layer_is_sliding.resize(static_cast<std::size_t>(config.num_layers));
    for (std::int64_t i = 0; i < config.num_layers; ++i)
        config.layer_is_sliding[static_cast<std::size_t>(i)] = i % 2 == 0;  // docs/gpt-oss.md §1

    std::set<std::int64_t> eos;
    if (const GgufValue* id = file.find("tokenizer.ggml.eos_token_id")) {
        if (auto v = id->as_int())
            eos.insert(*v);
        else
            return bad_model(source + ": tokenizer.ggml.eos_token_id is not an integer");
    }
    if (const GgufValue* ids = file.find("tokenizer.ggml.eos_token_ids")) {
        if (ids->type != GgufValueType::array)
            return bad_model(source + ": tokenizer.ggml.eos_token_ids is not an array");
        for (std::uint64_t i = 0; i < ids->count; ++i) {
            auto v = ids->int_element(i);
            if (!v) return bad_model(source + ": tokenizer.ggml.eos_token_ids holds a non-integer");
            eos.insert(*v);
        }
    }
    for (std::int64_t id : eos) {
        if (id < 0 || id >= config.vocab_size) {
            return bad_model(source + ": stop token " + std::to_string(id) +
                             " is outside the vocabulary of " + std::to_string(config.vocab_size));
        }
        config.eos_token_ids.push_back(static_cast<std::int32_t>(id));
    }
    if (Status s = validate_model_config(config, source); !s.ok()) return s;
    return config;
}

// The steps of open_gguf_checkpoint, each filling in part of the Checkpoint it builds.
class GgufCheckpointLoader {
  public:
    GgufCheckpointLoader(fs::path path, const LoadOptions& options)
        : path_(std::move(path)),
          source_(path_.string()),
          options_(options),
          checkpoint_(new Checkpoint()) {}

    Result<std::unique_ptr<Checkpoint>> run();

  private:
    Status report(double fraction, const std::string& stage) const;
    Status find_tensors();
    Status check_types();
    Status bind();
    Status map_parts();
    const std::uint8_t* data(const GgufTensorInfo& info) const {
        return base_.at(info.name) + info.offset;
    }
    std::uint8_t* allocate(std::uint64_t bytes);
    const bf16* dense(const Want& want);
    Mxfp4Tensor experts(const std::vector<const Want*>& parts, bool interleave, std::int64_t rows,
                        std::int64_t cols);
    const bf16* expert_bias(const std::vector<const Want*>& parts, bool interleave);
    void release(const GgufTensorInfo& info) const;

    // The tensor that the file holds under one of `names` (null if none); adds a problem when
    // it holds more than one of them.
    Want* expect(const std::vector<std::string>& names, std::vector<std::int64_t> shape,
                 Kind kind = Kind::dense, bool required = true);

    fs::path path_;
    std::string source_;
    const LoadOptions& options_;
    std::unique_ptr<Checkpoint> checkpoint_;
    std::vector<MappedFile> files_;  // the file, or every part of a split file in order
    GgufFile gguf_;                  // the first part's metadata and every part's tensors
    std::map<std::string_view, const std::uint8_t*> base_;  // tensor name -> its file's bytes
    std::vector<std::unique_ptr<Want>> wants_;
    std::vector<std::string> problems_;
    std::set<std::string_view> used_;
    std::uint64_t bound_bytes_ = 0;
};

Status GgufCheckpointLoader::report(double fraction, const std::string& stage) const {
    if (options_.progress && !options_.progress(fraction, stage)) {
        return Status(StatusCode::cancelled, "loading " + source_ + " was cancelled");
    }
    return Status::success();
}

Want* GgufCheckpointLoader::expect(const std::vector<std::string>& names,
                                   std::vector<std::int64_t> shape, Kind kind, bool required) {
    Want* found = nullptr;
    for (const std::string& name : names) {
        const GgufTensorInfo* info = gguf_.find_tensor(name);
        if (info == nullptr) continue;
        if (found != nullptr) {
            problems_.push_back("both " + found->name + " and " + name + " are present");
            continue;
        }
        auto want = std::make_unique<Want>();
        want->name = name;
        want->info = info;
        want->shape = std::move(shape);
        want->kind = kind;
        used_.insert(info->name);
        if (info->shape() != want->shape) {
            problems_.push_back("tensor " + name + " has shape " + shape_text(info->shape()) +
                                ", expected " + shape_text(want->shape));
        }
        found = want.get();
        wants_.push_back(std::move(want));
    }
    if (found == nullptr && required) problems_.push_back("missing tensor " + names.front());
    return found;
}

Status GgufCheckpointLoader::find_tensors() {
    const ModelConfig& c = checkpoint_->config_;
    const std::int64_t h = c.hidden_size;
    const std::int64_t q = c.q_width();
    const std::int64_t kv = c.kv_width();
    const std::int64_t e = c.num_experts;
    const std::int64_t i = c.intermediate_size;
    expect({"token_embd.weight"}, {c.vocab_size, h});
    expect({"output_norm.weight"}, {h});
    expect({"output.weight"}, {c.vocab_size, h});
    for (std::int64_t n = 0; n < c.num_layers; ++n) {
        const std::string p = "blk." + std::to_string(n) + ".";
        expect({p + "attn_norm.weight"}, {h});
        // Ollama's converter keeps OpenAI's packed qkv when it starts from original/.
        if (gguf_.find_tensor(p + "attn_qkv.weight") != nullptr) {
            expect({p + "attn_qkv.weight"}, {q + 2 * kv, h});
            expect({p + "attn_qkv.bias"}, {q + 2 * kv});
        } else {
            expect({p + "attn_q.weight"}, {q, h});
            expect({p + "attn_q.bias"}, {q});
            expect({p + "attn_k.weight"}, {kv, h});
            expect({p + "attn_k.bias"}, {kv});
            expect({p + "attn_v.weight"}, {kv, h});
            expect({p + "attn_v.bias"}, {kv});
        }
        expect({p + "attn_output.weight", p + "attn_out.weight"}, {h, q});
        expect({p + "attn_output.bias", p + "attn_out.bias"}, {h});
        expect({p + "attn_sinks.weight", p + "attn_sinks"}, {c.num_heads});
        expect({p + "post_attention_norm.weight", p + "ffn_norm.weight"}, {h});
        expect({p + "ffn_gate_inp.weight"}, {e, h});
        expect({p + "ffn_gate_inp.bias"}, {e});
        if (gguf_.find_tensor(p + "ffn_gate_up_exps.weight") != nullptr) {
            expect({p + "ffn_gate_up_exps.weight"}, {e, 2 * i, h}, Kind::experts);
            expect({p + "ffn_gate_up_exps.bias"}, {e, 2 * i});
        } else {
            expect({p + "ffn_gate_exps.weight"}, {e, i, h}, Kind::experts);
            expect({p + "ffn_gate_exps.bias"}, {e, i});
            expect({p + "ffn_up_exps.weight"}, {e, i, h}, Kind::experts);
            expect({p + "ffn_up_exps.bias"}, {e, i});
        }
        expect({p + "ffn_down_exps.weight"}, {e, h, i}, Kind::experts);
        expect({p + "ffn_down_exps.bias"}, {e, h});
    }
    for (const GgufTensorInfo& info : gguf_.tensors) {
        if (!used_.count(info.name)) {
            problems_.push_back("unexpected tensor " + std::string(info.name) +
                                " (not part of a gpt-oss model with this config)");
        }
    }
    if (problems_.empty()) return Status::success();
    std::string message = source_ + ": ";
    for (std::size_t k = 0; k < problems_.size() && k < max_reported_problems; ++k)
        message += (k == 0 ? "" : "; ") + problems_[k];
    if (problems_.size() > max_reported_problems) {
        message +=
            "; and " + std::to_string(problems_.size() - max_reported_problems) + " more problems";
    }
    return bad_model(message);
}

Status GgufCheckpointLoader::check_types() {
    for (const auto& want : wants_) {
        const GgmlType type = want->info->type;
        const bool ok = want->kind == Kind::experts
                            ? type == GgmlType::mxfp4
                            : type == GgmlType::f32 || type == GgmlType::f16 ||
                                  type == GgmlType::bf16 || type == GgmlType::q8_0;
        if (!ok) {
            return Status(StatusCode::unsupported, source_ + ": tensor " + want->name +
                                                       " has type " + ggml_type_name(type) +
                                                       ", which Ponder does not run (it runs " +
                                                       gguf_runnable_types() + ")");
        }
    }
    return Status::success();
}

std::uint8_t* GgufCheckpointLoader::allocate(std::uint64_t bytes) {
    checkpoint_->converted_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(bytes));
    return checkpoint_->converted_.back().get();
}

// Gives the file pages of a tensor that has been converted back to the kernel: the converted copy
// is what runs, so keeping both would double the memory of a 13 GB model. Only whole pages inside
// the tensor are dropped; they are re-read from the file should anything touch them again.
void GgufCheckpointLoader::release(const GgufTensorInfo& info) const {
#if defined(__linux__)
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(data(info));
    const std::uintptr_t first = (begin + page - 1) / page * page;
    const std::uintptr_t last = (begin + info.size) / page * page;
    if (last > first) {
        ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
    }
#else
    (void)info;
#endif
}

const bf16* GgufCheckpointLoader::dense(const Want& want) {
    const GgufTensorInfo& info = *want.info;
    const std::uint8_t* source = data(info);
    const auto count = static_cast<std::uint64_t>(info.elements());
    bound_bytes_ += count * 2;
    if (info.type == GgmlType::bf16 && reinterpret_cast<std::uintptr_t>(source) % 2 == 0) {
        return reinterpret_cast<const bf16*>(source);  // in place
    }
    auto* out = reinterpret_cast<bf16*>(allocate(count * 2));
    switch (info.type) {
        case GgmlType::bf16:
            std::memcpy(out, source, count * 2);
            break;
        case GgmlType::f32:
            for (std::uint64_t k = 0; k < count; ++k) {
                float value = 0.0f;
                std::memcpy(&value, source + 4 * k, 4);
                out[k] = f32_to_bf16(value);
            }
            break;
        case GgmlType::f16:
            for (std::uint64_t k = 0; k < count; ++k)
                out[k] = f32_to_bf16(f16_to_f32(load_u16(source + 2 * k)));
            break;
        case GgmlType::q8_0:
            // block_q8_0: f16 scale d, then 32 int8 values; value = d * q.
            for (std::uint64_t block = 0; block < count / 32; ++block) {
                const std::uint8_t* b = source + block * 34;
                const float d = f16_to_f32(load_u16(b));
                for (int k = 0; k < 32; ++k) {
                    const auto q = static_cast<std::int8_t>(b[2 + k]);
                    out[block * 32 + k] = f32_to_bf16(d * static_cast<float>(q));
                }
            }
            break;
        default:
            break;  // check_types() let nothing else through
    }
    release(info);
    return out;
}

// ggml's MXFP4 block (scale byte, then element j in the low nibble and j + 16 in the high nibble
// of byte j) -> the safetensors layout the kernels read (16 bytes with element 2m in the low and
// 2m + 1 in the high nibble of byte m; the scale in a separate array). `parts` are one tensor
// [E, rows, cols] or gate and up [E, rows/2, cols] each; with `interleave`, output row 2j comes
// from row j of the first half (gate) and row 2j + 1 from row j of the second (up), the order of
// the checkpoint's gate_up_proj (even rows gate, odd rows up; docs/gguf.md).
Mxfp4Tensor GgufCheckpointLoader::experts(const std::vector<const Want*>& parts, bool interleave,
                                          std::int64_t rows, std::int64_t cols) {
    const std::int64_t e = checkpoint_->config_.num_experts;
    const std::int64_t blocks_per_row = cols / 32;
    const auto total_blocks = static_cast<std::uint64_t>(e * rows * blocks_per_row);
    std::uint8_t* blocks = allocate(total_blocks * 16);
    std::uint8_t* scales = allocate(total_blocks);
    bound_bytes_ += total_blocks * 17;
    const std::int64_t half = rows / 2;
    std::vector<const std::uint8_t*> sources;
    for (const Want* want : parts)
        sources.push_back(data(*want->info));
    // Experts are independent: a thread per core repacks a share of them (12 GB for 20b).
    const auto convert = [&](std::int64_t first_expert, std::int64_t end_expert) {
        for (std::int64_t expert = first_expert; expert < end_expert; ++expert) {
            for (std::int64_t r = 0; r < rows; ++r) {
                // Source: (part, row) of this output row.
                std::size_t part = 0;
                std::int64_t source_row = r;
                if (interleave) {
                    const std::int64_t gate_or_up = r % 2;
                    source_row = r / 2;
                    if (parts.size() == 2)
                        part = static_cast<std::size_t>(gate_or_up);
                    else
                        source_row += gate_or_up * half;
                }
                const std::int64_t part_rows = parts.size() == 2 ? half : rows;
                const std::uint8_t* src =
                    sources[part] + ((expert * part_rows + source_row) * blocks_per_row) * 17;
                const std::uint64_t first =
                    static_cast<std::uint64_t>((expert * rows + r) * blocks_per_row);
                for (std::int64_t g = 0; g < blocks_per_row; ++g) {
                    const std::uint8_t* block = src + g * 17;
                    const std::uint8_t* qs = block + 1;
                    std::uint8_t* out = blocks + (first + static_cast<std::uint64_t>(g)) * 16;
                    scales[first + static_cast<std::uint64_t>(g)] = block[0];
                    for (int m = 0; m < 16; ++m) {
                        const int even = 2 * m;
                        const int odd = 2 * m + 1;
                        const std::uint8_t low =
                            even < 16 ? (qs[even] & 0x0f)
                                      : static_cast<std::uint8_t>(qs[even - 16] >> 4);
                        const std::uint8_t high =
                            odd < 16 ? (qs[odd] & 0x0f)
                                     : static_cast<std::uint8_t>(qs[odd - 16] >> 4);
                        out[m] = static_cast<std::uint8_t>(low | (high << 4));
                    }
                }
            }
        }
    };
    const auto threads =
        static_cast<std::int64_t>(std::clamp(std::thread::hardware_concurrency(), 1u, 16u));
    std::vector<std::thread> workers;
    for (std::int64_t t = 1; t < threads; ++t)
        workers.emplace_back(convert, e * t / threads, e * (t + 1) / threads);
    convert(0, e / threads);
    for (std::thread& worker : workers)
        worker.join();
    for (const Want* want : parts)
        release(*want->info);
    Mxfp4Tensor tensor;
    tensor.blocks = blocks;
    tensor.scales = scales;
    tensor.experts = e;
    tensor.rows = rows;
    tensor.cols = cols;
    return tensor;
}

// The gate/up biases [E, I] x 2 (or fused [E, 2I]: gate, then up) interleaved into [E, 2I].
const bf16* GgufCheckpointLoader::expert_bias(const std::vector<const Want*>& parts,
                                              bool interleave) {
    if (!interleave) return dense(*parts[0]);
    std::vector<const bf16*> halves;
    for (const Want* want : parts)
        halves.push_back(dense(*want));
    const std::int64_t e = checkpoint_->config_.num_experts;
    const std::int64_t i = checkpoint_->config_.intermediate_size;
    auto* out = reinterpret_cast<bf16*>(allocate(static_cast<std::uint64_t>(e * 2 * i) * 2));
    for (std::int64_t expert = 0; expert < e; ++expert) {
        for (std::int64_t j = 0; j < i; ++j) {
            for (std::int64_t which = 0; which < 2; ++which) {
                const bf16 value = halves.size() == 2
                                       ? halves[static_cast<std::size_t>(which)][expert * i + j]
                                       : halves[0][expert * 2 * i + which * i + j];
                out[expert * 2 * i + 2 * j + which] = value;
            }
        }
    }
    // The halves were counted by dense(); the interleaved copy replaces them.
    return out;
}

Status GgufCheckpointLoader::bind() {
    Checkpoint& checkpoint = *checkpoint_;
    const ModelConfig& c = checkpoint.config_;
    ModelWeights& weights = checkpoint.weights_;
    std::map<std::string, const Want*> by_name;
    for (const auto& want : wants_)
        by_name[want->name] = want.get();
    const auto get = [&](const std::string& a, const std::string& b = {}) -> const Want* {
        auto it = by_name.find(a);
        if (it != by_name.end()) return it->second;
        it = by_name.find(b);
        return it != by_name.end() ? it->second : nullptr;
    };
    weights.embedding = dense(*get("token_embd.weight"));
    weights.final_norm = dense(*get("output_norm.weight"));
    weights.unembedding = dense(*get("output.weight"));
    weights.layers.resize(static_cast<std::size_t>(c.num_layers));
    const std::int64_t h = c.hidden_size;
    for (std::int64_t n = 0; n < c.num_layers; ++n) {
        const std::string p = "blk." + std::to_string(n) + ".";
        LayerWeights& layer = weights.layers[static_cast<std::size_t>(n)];
        layer.attn_norm = dense(*get(p + "attn_norm.weight"));
        if (const Want* qkv = get(p + "attn_qkv.weight")) {
            const bf16* w = dense(*qkv);
            const bf16* b = dense(*get(p + "attn_qkv.bias"));
            layer.q_weight = w;
            layer.k_weight = w + c.q_width() * h;
            layer.v_weight = w + (c.q_width() + c.kv_width()) * h;
            layer.q_bias = b;
            layer.k_bias = b + c.q_width();
            layer.v_bias = b + c.q_width() + c.kv_width();
        } else {
            layer.q_weight = dense(*get(p + "attn_q.weight"));
            layer.q_bias = dense(*get(p + "attn_q.bias"));
            layer.k_weight = dense(*get(p + "attn_k.weight"));
            layer.k_bias = dense(*get(p + "attn_k.bias"));
            layer.v_weight = dense(*get(p + "attn_v.weight"));
            layer.v_bias = dense(*get(p + "attn_v.bias"));
        }
        layer.o_weight = dense(*get(p + "attn_output.weight", p + "attn_out.weight"));
        layer.o_bias = dense(*get(p + "attn_output.bias", p + "attn_out.bias"));
        layer.sinks = dense(*get(p + "attn_sinks.weight", p + "attn_sinks"));
        layer.mlp_norm = dense(*get(p + "post_attention_norm.weight", p + "ffn_norm.weight"));
        layer.router_weight = dense(*get(p + "ffn_gate_inp.weight"));
        layer.router_bias = dense(*get(p + "ffn_gate_inp.bias"));
        const Want* fused = get(p + "ffn_gate_up_exps.weight");
        const std::vector<const Want*> gate_up =
            fused != nullptr ? std::vector<const Want*>{fused}
                             : std::vector<const Want*>{get(p + "ffn_gate_exps.weight"),
                                                        get(p + "ffn_up_exps.weight")};
        const std::vector<const Want*> gate_up_bias =
            fused != nullptr ? std::vector<const Want*>{get(p + "ffn_gate_up_exps.bias")}
                             : std::vector<const Want*>{get(p + "ffn_gate_exps.bias"),
                                                        get(p + "ffn_up_exps.bias")};
        layer.gate_up = experts(gate_up, true, 2 * c.intermediate_size, h);
        layer.gate_up_bias = expert_bias(gate_up_bias, true);
        layer.down = experts({get(p + "ffn_down_exps.weight")}, false, h, c.intermediate_size);
        layer.down_bias = dense(*get(p + "ffn_down_exps.bias"));
        const double fraction = 0.1 + 0.9 * static_cast<double>(n + 1) / c.num_layers;
        if (Status s = report(fraction, "converted layer " + std::to_string(n)); !s.ok()) return s;
    }
    checkpoint.tensor_bytes_ = bound_bytes_;
    return Status::success();
}

// Maps and parses the file and, when its split.count says it is the first of several parts
// (llama.cpp's gguf-split, how the 120b is published: NAME-00001-of-00003.gguf), the other parts
// beside it; their tensors join the first part's table.
Status GgufCheckpointLoader::map_parts() {
    const auto open_part = [&](const fs::path& path) -> Result<GgufFile> {
        auto mapped = MappedFile::open(path);
        if (!mapped) return mapped.status();
        files_.push_back(std::move(*mapped));
        return parse_gguf(files_.back().bytes(), path.string());
    };
    auto first = open_part(path_);
    if (!first) return first.status();
    gguf_ = std::move(*first);
    for (const GgufTensorInfo& tensor : gguf_.tensors)
        base_[tensor.name] = files_.back().bytes().data();
    const GgufValue* count_value = gguf_.find("split.count");
    const std::optional<std::int64_t> count =
        count_value != nullptr ? count_value->as_int() : std::optional<std::int64_t>(1);
    if (!count || *count < 1 || *count > 9999) {
        return bad_model(source_ + ": split.count must be a number of parts from 1 to 9999");
    }
    if (*count == 1) return Status::success();
    const GgufValue* number = gguf_.find("split.no");
    const std::string name = path_.filename().string();
    char first_suffix[32];
    std::snprintf(first_suffix, sizeof(first_suffix), "-00001-of-%05d.gguf",
                  static_cast<int>(*count));
    const bool named_first =
        name.size() > std::strlen(first_suffix) && name.ends_with(first_suffix);
    if (number == nullptr || number->as_int() != 0 || !named_first) {
        return bad_model(source_ + ": this is part of a model split in " + std::to_string(*count) +
                         " files; open its first part, NAME" + first_suffix);
    }
    const std::string stem = name.substr(0, name.size() - std::strlen(first_suffix));
    for (int part = 2; part <= *count; ++part) {
        char suffix[32];
        std::snprintf(suffix, sizeof(suffix), "-%05d-of-%05d.gguf", part, static_cast<int>(*count));
        const fs::path part_path = path_.parent_path() / (stem + suffix);
        auto parsed = open_part(part_path);
        if (!parsed) return parsed.status();
        const GgufValue* no = parsed->find("split.no");
        if (no == nullptr || no->as_int() != part - 1) {
            return bad_model(part_path.string() + ": split.no is not " + std::to_string(part - 1));
        }
        for (const GgufTensorInfo& tensor : parsed->tensors) {
            if (!base_.emplace(tensor.name, files_.back().bytes().data()).second) {
                return bad_model(part_path.string() + ": tensor " + std::string(tensor.name) +
                                 " is also in an earlier part");
            }
            gguf_.tensors.push_back(tensor);
        }
    }
    return Status::success();
}

Result<std::unique_ptr<Checkpoint>> GgufCheckpointLoader::run() {
    if (options_.layout != CheckpointLayout::automatic &&
        options_.layout != CheckpointLayout::gguf) {
        return Status(StatusCode::invalid_argument, source_ + " is a file (GGUF); the " +
                                                        layout_name(options_.layout) +
                                                        " layout is a folder");
    }
    if (Status s = report(0.0, "mapping " + path_.filename().string()); !s.ok()) return s;
    if (Status s = map_parts(); !s.ok()) return s;
    auto config = gguf_model_config(gguf_, source_);
    if (!config) return config.status();
    checkpoint_->config_ = std::move(*config);
    checkpoint_->layout_ = CheckpointLayout::gguf;
    checkpoint_->folder_ = path_;
    if (Status s = report(0.05, "read the GGUF header"); !s.ok()) return s;
    if (Status s = find_tensors(); !s.ok()) return s;
    if (Status s = check_types(); !s.ok()) return s;
    if (Status s = bind(); !s.ok()) return s;
    // The pointers into the mappings stay valid: mmap'd memory does not move with the object.
    for (MappedFile& file : files_)
        checkpoint_->files_.push_back(std::move(file));
    if (Status s = report(1.0, "loaded"); !s.ok()) return s;
    return std::move(checkpoint_);
}

Result<std::unique_ptr<Checkpoint>> open_gguf_checkpoint(const fs::path& path,
                                                         const LoadOptions& options) {
    return GgufCheckpointLoader(path, options).run();
}

}  // namespace ponder
