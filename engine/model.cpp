#include "engine/model.h"

#include "engine/cpu/cpu_backend.h"
#include "engine/model/checkpoint.h"

namespace ponder {

namespace {

std::uint64_t bf16_bytes(std::int64_t elements) {
    return static_cast<std::uint64_t>(elements) * 2;
}

// Packed MXFP4: half a byte per value plus one scale byte per 32 values.
std::uint64_t mxfp4_bytes(std::int64_t rows, std::int64_t cols) {
    return static_cast<std::uint64_t>(rows * cols / 2 + rows * cols / 32);
}

// Per layer: everything but the experts, and one expert's matrices and biases.
struct LayerBytes {
    std::uint64_t shared;
    std::uint64_t per_expert;
};

LayerBytes layer_bytes(const ModelConfig& c) {
    const std::int64_t h = c.hidden_size;
    const std::int64_t attention = c.q_width() * h + c.q_width() +
                                   2 * (c.kv_width() * h + c.kv_width()) + h * c.q_width() + h +
                                   c.num_heads;
    const std::int64_t router = c.num_experts * h + c.num_experts;
    const std::uint64_t shared = bf16_bytes(attention + router + 2 * h);
    const std::uint64_t per_expert = mxfp4_bytes(2 * c.intermediate_size, h) +
                                     mxfp4_bytes(h, c.intermediate_size) +
                                     bf16_bytes(2 * c.intermediate_size + h);
    return {shared, per_expert};
}

}  // namespace

Model::~Model() = default;

Result<std::unique_ptr<Model>> Model::load(const std::filesystem::path& dir,
                                           const ModelOptions& options) {
    LoadOptions load_options;
    load_options.layout = options.layout;
    load_options.progress = options.progress;
    auto checkpoint = Checkpoint::open(dir, load_options);
    if (!checkpoint) return checkpoint.status();
    std::unique_ptr<Model> model(new Model());
    model->checkpoint_ = std::move(*checkpoint);
    model->config_ = model->checkpoint_->config();
    model->weights_ = model->checkpoint_->weights();
    model->weight_bytes_ = model->checkpoint_->tensor_bytes();
    if (Status status = model->start_backend(options); !status.ok()) return status;
    return model;
}

Result<std::unique_ptr<Model>> Model::from_weights(const ModelConfig& config,
                                                   const ModelWeights& weights,
                                                   std::shared_ptr<const void> storage,
                                                   const ModelOptions& options) {
    if (Status status = validate_model_config(config, "model config"); !status.ok()) return status;
    std::unique_ptr<Model> model(new Model());
    model->storage_ = std::move(storage);
    model->config_ = config;
    model->weights_ = weights;
    const LayerBytes layer = layer_bytes(config);
    model->weight_bytes_ =
        2 * bf16_bytes(config.vocab_size * config.hidden_size) + bf16_bytes(config.hidden_size) +
        static_cast<std::uint64_t>(config.num_layers) *
            (layer.shared + layer.per_expert * static_cast<std::uint64_t>(config.num_experts));
    if (Status status = model->start_backend(options); !status.ok()) return status;
    return model;
}

Status Model::start_backend(const ModelOptions& options) {
    if (options.backend == BackendPreference::cuda) {
        return Status(StatusCode::unsupported, "CUDA backend not available in this build");
    }
    auto backend = cpu::CpuBackend::create(config_, weights_, options.threads);
    if (!backend) return backend.status();
    threads_ = (*backend)->transformer().threads();
    backend_ = std::move(*backend);
    return Status::success();
}

std::uint64_t Model::weight_bytes_per_decoded_token() const {
    const LayerBytes layer = layer_bytes(config_);
    const auto layers = static_cast<std::uint64_t>(config_.num_layers);
    const auto active = static_cast<std::uint64_t>(config_.experts_per_token);
    return layers * (layer.shared + active * layer.per_expert) +
           bf16_bytes(config_.hidden_size) +                      // final norm
           bf16_bytes(config_.hidden_size) +                      // one embedding row
           bf16_bytes(config_.vocab_size * config_.hidden_size);  // unembedding
}

}  // namespace ponder
