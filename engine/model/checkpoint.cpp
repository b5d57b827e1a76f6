#include "engine/model/checkpoint.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/io/safetensors.h"
#include "engine/io/text_file.h"
#include "engine/model/gguf_checkpoint.h"

namespace ponder {

namespace fs = std::filesystem;

namespace {

constexpr const char* index_file_name = "model.safetensors.index.json";
constexpr const char* single_file_name = "model.safetensors";
// Enough problems to see a pattern (e.g. every norm has the wrong dtype) without a wall of text.
constexpr std::size_t max_reported_problems = 8;

// Whether anything is there by that name: a pipe, a device or a broken link counts too, so that
// reading it reports what it is instead of the folder looking like some other layout.
bool present(const fs::path& path) {
    std::error_code error;
    return fs::exists(fs::symlink_status(path, error));
}

Status bad_model(const std::string& message) {
    return Status(StatusCode::bad_model, message);
}

struct Shard {
    std::string name;  // file name inside the checkpoint folder
    MappedFile file;
    SafetensorsHeader header;
};

struct Location {
    std::size_t shard;
    const TensorInfo* info;
};

}  // namespace

// The steps of Checkpoint::open, each filling in part of the Checkpoint it builds.
class CheckpointLoader {
  public:
    CheckpointLoader(fs::path dir, const LoadOptions& options)
        : dir_(std::move(dir)), options_(options), checkpoint_(new Checkpoint()) {}

    Result<std::unique_ptr<Checkpoint>> run();

  private:
    Status report(double fraction, const std::string& stage) const;
    Status find_folder();
    Status read_config();
    Result<std::vector<std::string>> shard_names();
    Status map_shards(const std::vector<std::string>& names);
    Status locate_tensors();
    Status bind_tensors();
    void bind(const TensorSpec& spec, const std::uint8_t* data);

    fs::path dir_;
    const LoadOptions& options_;
    std::unique_ptr<Checkpoint> checkpoint_;
    CheckpointLayout layout_ = CheckpointLayout::automatic;  // resolved before binding
    std::map<std::string, std::string> weight_map_;          // from the index; empty for one file
    std::vector<Shard> shards_;
    std::map<std::string, Location> tensors_;  // every tensor of every shard, by name
};

Status CheckpointLoader::report(double fraction, const std::string& stage) const {
    if (options_.progress && !options_.progress(fraction, stage)) {
        return Status(StatusCode::cancelled, "loading " + dir_.string() + " was cancelled");
    }
    return Status::success();
}

Status CheckpointLoader::find_folder() {
    std::error_code error;
    if (!fs::is_directory(dir_, error)) {
        return Status(StatusCode::io_error, dir_.string() + ": not a folder");
    }
    const bool has_config = present(dir_ / "config.json");
    const bool has_single = present(dir_ / single_file_name);
    const bool has_hf = has_config && (present(dir_ / index_file_name) || has_single);
    const fs::path sub = dir_ / "original";
    const bool has_sub = present(sub / "config.json") && present(sub / single_file_name);
    const CheckpointLayout requested = options_.layout;
    Checkpoint& checkpoint = *checkpoint_;
    if (requested != CheckpointLayout::original && has_hf) {
        // A single model.safetensors may hold either naming; its tensor names decide (later).
        checkpoint.folder_ = dir_;
        layout_ = requested;
        return Status::success();
    }
    if (requested != CheckpointLayout::hf && has_sub) {
        checkpoint.folder_ = sub;
        layout_ = CheckpointLayout::original;
        return Status::success();
    }
    if (requested == CheckpointLayout::original && has_config && has_single) {
        checkpoint.folder_ = dir_;
        layout_ = CheckpointLayout::original;
        return Status::success();
    }
    std::string wanted;
    if (requested != CheckpointLayout::original) {
        wanted += "config.json with model.safetensors or " + std::string(index_file_name);
    }
    if (requested != CheckpointLayout::hf) {
        if (!wanted.empty()) wanted += ", or ";
        wanted += "original/config.json with original/model.safetensors";
    }
    return bad_model(dir_.string() + ": no gpt-oss checkpoint (" + layout_name(requested) +
                     " layout): expected " + wanted);
}

Status CheckpointLoader::read_config() {
    Checkpoint& checkpoint = *checkpoint_;
    auto config = read_model_config(checkpoint.folder_ / "config.json");
    if (!config) return config.status();
    checkpoint.config_ = std::move(*config);
    // The published repos keep generation_config.json at the top, beside original/.
    const fs::path generation = dir_ / "generation_config.json";
    if (checkpoint.folder_ != dir_ && present(generation)) {
        auto text = read_text_file(generation, file_caps::model_config);
        if (!text) return text.status();
        Status status = apply_generation_config(checkpoint.config_, *text, generation.string());
        if (!status.ok()) return status;
    }
    return Status::success();
}

Result<std::vector<std::string>> CheckpointLoader::shard_names() {
    const fs::path index_path = checkpoint_->folder_ / index_file_name;
    if (layout_ == CheckpointLayout::original || !present(index_path)) {
        return std::vector<std::string>{single_file_name};
    }
    auto text = read_text_file(index_path, file_caps::safetensors_index);
    if (!text) return text.status();
    const auto root = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    const auto map = root.is_object() ? root.find("weight_map") : root.end();
    if (!root.is_object() || map == root.end() || !map->is_object()) {
        return bad_model(std::string(index_file_name) + ": expected a JSON object with weight_map");
    }
    std::set<std::string> files;
    for (const auto& [tensor, file] : map->items()) {
        // Only plain file names: an index must not send us outside the model folder.
        const std::string name = file.is_string() ? file.get<std::string>() : std::string();
        if (name.empty() || name == "." || name == ".." ||
            name.find_first_of("/\\") != std::string::npos) {
            return bad_model(std::string(index_file_name) + ": tensor " + tensor + " maps to " +
                             file.dump() + ", expected a file name in the model folder");
        }
        weight_map_[tensor] = name;
        files.insert(name);
    }
    if (files.empty()) return bad_model(std::string(index_file_name) + ": weight_map is empty");
    return std::vector<std::string>(files.begin(), files.end());
}

Status CheckpointLoader::map_shards(const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto file = MappedFile::open(checkpoint_->folder_ / names[i]);
        if (!file) return file.status();
        auto header = parse_safetensors(file->bytes(), names[i]);
        if (!header) return header.status();
        shards_.push_back({names[i], std::move(*file), std::move(*header)});
        const double fraction = 0.05 + 0.15 * static_cast<double>(i + 1) / names.size();
        if (Status status = report(fraction, "read " + names[i]); !status.ok()) return status;
    }
    return Status::success();
}

Status CheckpointLoader::locate_tensors() {
    for (std::size_t s = 0; s < shards_.size(); ++s) {
        for (const TensorInfo& info : shards_[s].header.tensors) {
            const auto [it, inserted] = tensors_.emplace(info.name, Location{s, &info});
            if (!inserted) {
                return bad_model("tensor " + info.name + " is in both " +
                                 shards_[it->second.shard].name + " and " + shards_[s].name);
            }
            if (!weight_map_.empty()) {
                const auto listed = weight_map_.find(info.name);
                if (listed == weight_map_.end()) {
                    return bad_model(shards_[s].name + ": tensor " + info.name +
                                     " is not listed in " + index_file_name);
                }
                if (listed->second != shards_[s].name) {
                    return bad_model(std::string(index_file_name) + " puts tensor " + info.name +
                                     " in " + listed->second + ", but it is in " + shards_[s].name);
                }
            }
        }
    }
    for (const auto& [tensor, file] : weight_map_) {
        if (!tensors_.count(tensor)) {
            return bad_model(std::string(index_file_name) + " puts tensor " + tensor + " in " +
                             file + ", which has no such tensor");
        }
    }
    if (layout_ == CheckpointLayout::automatic) {
        const auto first_block = tensors_.lower_bound("block.");
        const bool has_blocks =
            first_block != tensors_.end() && first_block->first.rfind("block.", 0) == 0;
        const bool openai_names = has_blocks || tensors_.count("embedding.weight") > 0;
        layout_ = openai_names ? CheckpointLayout::original : CheckpointLayout::hf;
    }
    return Status::success();
}

Status CheckpointLoader::bind_tensors() {
    Checkpoint& checkpoint = *checkpoint_;
    checkpoint.layout_ = layout_;
    checkpoint.weights_.layers.assign(static_cast<std::size_t>(checkpoint.config_.num_layers), {});
    const std::vector<TensorSpec> specs = expected_tensors(checkpoint.config_, layout_);
    std::vector<std::string> problems;
    std::set<std::string> expected_names;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const TensorSpec& spec = specs[i];
        expected_names.insert(spec.name);
        const auto found = tensors_.find(spec.name);
        if (found == tensors_.end()) {
            problems.push_back("missing tensor " + spec.name + " " + dtype_name(spec.dtype) + " " +
                               shape_to_string(spec.shape));
            continue;
        }
        const Shard& shard = shards_[found->second.shard];
        const TensorInfo& info = *found->second.info;
        std::string mismatch;
        if (info.shape != spec.shape) {
            mismatch = "has shape " + shape_to_string(info.shape) + ", expected " +
                       shape_to_string(spec.shape);
        }
        if (info.dtype != spec.dtype) {
            if (!mismatch.empty()) mismatch += ", and ";
            mismatch += std::string("has dtype ") + dtype_name(info.dtype) + ", expected " +
                        dtype_name(spec.dtype);
        }
        // The mapping starts on a page boundary, so the file offset decides the alignment;
        // reading a bf16 through a misaligned pointer would be undefined behaviour.
        if (mismatch.empty() && info.offset % dtype_size(info.dtype) != 0) {
            mismatch = "data starts at byte " + std::to_string(info.offset) + " of the file, not " +
                       std::to_string(dtype_size(info.dtype)) + "-byte aligned for " +
                       dtype_name(info.dtype);
        }
        if (!mismatch.empty()) {
            problems.push_back(shard.name + ": tensor " + spec.name + " " + mismatch);
            continue;
        }
        bind(spec, shard.file.bytes().data() + info.offset);
        checkpoint.tensor_bytes_ += info.size;
        const double fraction = 0.2 + 0.8 * static_cast<double>(i + 1) / specs.size();
        if (Status status = report(fraction, "checked " + spec.name); !status.ok()) return status;
    }
    for (const auto& [name, location] : tensors_) {
        if (!expected_names.count(name)) {
            problems.push_back(shards_[location.shard].name + ": unexpected tensor " + name +
                               " (not part of a " + layout_name(layout_) + "-layout gpt-oss " +
                               "checkpoint with this config)");
        }
    }
    if (problems.empty()) return Status::success();
    std::string message = checkpoint.folder_.string() + ": ";
    for (std::size_t i = 0; i < problems.size() && i < max_reported_problems; ++i) {
        message += (i == 0 ? "" : "; ") + problems[i];
    }
    if (problems.size() > max_reported_problems) {
        message +=
            "; and " + std::to_string(problems.size() - max_reported_problems) + " more problems";
    }
    return bad_model(message);
}

void CheckpointLoader::bind(const TensorSpec& spec, const std::uint8_t* data) {
    const ModelConfig& config = checkpoint_->config_;
    ModelWeights& weights = checkpoint_->weights_;
    const auto* values = reinterpret_cast<const bf16*>(data);
    if (spec.layer < 0) {
        switch (spec.role) {
            case TensorRole::embedding:
                weights.embedding = values;
                break;
            case TensorRole::final_norm:
                weights.final_norm = values;
                break;
            case TensorRole::unembedding:
                weights.unembedding = values;
                break;
            default:
                break;
        }
        return;
    }
    LayerWeights& layer = weights.layers[static_cast<std::size_t>(spec.layer)];
    const std::int64_t hidden = config.hidden_size;
    const auto mxfp4 = [&](Mxfp4Tensor& tensor, std::int64_t rows, std::int64_t cols) {
        tensor.experts = config.num_experts;
        tensor.rows = rows;
        tensor.cols = cols;
    };
    switch (spec.role) {
        case TensorRole::attn_norm:
            layer.attn_norm = values;
            break;
        case TensorRole::q_weight:
            layer.q_weight = values;
            break;
        case TensorRole::q_bias:
            layer.q_bias = values;
            break;
        case TensorRole::k_weight:
            layer.k_weight = values;
            break;
        case TensorRole::k_bias:
            layer.k_bias = values;
            break;
        case TensorRole::v_weight:
            layer.v_weight = values;
            break;
        case TensorRole::v_bias:
            layer.v_bias = values;
            break;
        case TensorRole::qkv_weight:
            // Rows [0, q) are q, [q, q + kv) are k, the rest v (docs/gpt-oss.md §2.2): row slices
            // of a row-major matrix are themselves contiguous matrices, so pointers suffice.
            layer.q_weight = values;
            layer.k_weight = values + config.q_width() * hidden;
            layer.v_weight = values + (config.q_width() + config.kv_width()) * hidden;
            break;
        case TensorRole::qkv_bias:
            layer.q_bias = values;
            layer.k_bias = values + config.q_width();
            layer.v_bias = values + config.q_width() + config.kv_width();
            break;
        case TensorRole::o_weight:
            layer.o_weight = values;
            break;
        case TensorRole::o_bias:
            layer.o_bias = values;
            break;
        case TensorRole::sinks:
            layer.sinks = values;
            break;
        case TensorRole::mlp_norm:
            layer.mlp_norm = values;
            break;
        case TensorRole::router_weight:
            layer.router_weight = values;
            break;
        case TensorRole::router_bias:
            layer.router_bias = values;
            break;
        case TensorRole::gate_up_blocks:
            layer.gate_up.blocks = data;
            mxfp4(layer.gate_up, 2 * config.intermediate_size, hidden);
            break;
        case TensorRole::gate_up_scales:
            layer.gate_up.scales = data;
            break;
        case TensorRole::gate_up_bias:
            layer.gate_up_bias = values;
            break;
        case TensorRole::down_blocks:
            layer.down.blocks = data;
            mxfp4(layer.down, hidden, config.intermediate_size);
            break;
        case TensorRole::down_scales:
            layer.down.scales = data;
            break;
        case TensorRole::down_bias:
            layer.down_bias = values;
            break;
        default:
            break;
    }
}

Result<std::unique_ptr<Checkpoint>> CheckpointLoader::run() {
    if (Status status = report(0.0, "looking for a checkpoint"); !status.ok()) return status;
    if (Status status = find_folder(); !status.ok()) return status;
    if (Status status = read_config(); !status.ok()) return status;
    if (Status status = report(0.05, "read config.json"); !status.ok()) return status;
    auto names = shard_names();
    if (!names) return names.status();
    if (Status status = map_shards(*names); !status.ok()) return status;
    if (Status status = locate_tensors(); !status.ok()) return status;
    if (Status status = bind_tensors(); !status.ok()) return status;
    // The mappings move into the checkpoint; the pointers into them stay valid (mmap'd memory
    // does not move with the MappedFile object).
    for (Shard& shard : shards_)
        checkpoint_->files_.push_back(std::move(shard.file));
    if (Status status = report(1.0, "loaded"); !status.ok()) return status;
    return std::move(checkpoint_);
}

Result<std::unique_ptr<Checkpoint>> Checkpoint::open(const fs::path& dir,
                                                     const LoadOptions& options) {
    // Anything but a folder is read as a GGUF file; its reader refuses pipes and devices.
    std::error_code error;
    if (fs::exists(dir, error) && !fs::is_directory(dir, error))
        return open_gguf_checkpoint(dir, options);
    if (options.layout == CheckpointLayout::gguf) {
        return Status(StatusCode::invalid_argument,
                      dir.string() + " is not a file; the gguf layout needs a .gguf file");
    }
    return CheckpointLoader(dir, options).run();
}

Checkpoint::~Checkpoint() = default;

}  // namespace ponder
