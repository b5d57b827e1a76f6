#include "engine/model.h"

#include "engine/backend/cuda_backend.h"
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

std::uint64_t total_weight_bytes(const ModelConfig& config) {
    const LayerBytes layer = layer_bytes(config);
    return 2 * bf16_bytes(config.vocab_size * config.hidden_size) + bf16_bytes(config.hidden_size) +
           static_cast<std::uint64_t>(config.num_layers) *
               (layer.shared + layer.per_expert * static_cast<std::uint64_t>(config.num_experts));
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
    model->weight_bytes_ = total_weight_bytes(config);
    if (Status status = model->start_backend(options); !status.ok()) return status;
    return model;
}

Result<std::unique_ptr<Model>> Model::random_on_gpu(const ModelConfig& config, std::uint64_t seed,
                                                    const ModelOptions& options) {
    if (Status status = validate_model_config(config, "model config"); !status.ok()) return status;
    if (options.backend == BackendPreference::cpu) {
        return Status(StatusCode::unsupported, "random weights on the GPU need the CUDA backend");
    }
    std::unique_ptr<Model> model(new Model());
    model->config_ = config;
    model->weight_bytes_ = total_weight_bytes(config);
    const BackendInfo probed = select_backend(BackendPreference::cuda);
    if (probed.kind != BackendKind::cuda) {
        return Status(StatusCode::unsupported, "no CUDA backend: " + probed.cpu_fallback_reason);
    }
    if (Status status = model->start_cuda(options, probed, true, seed); !status.ok()) return status;
    return model;
}

Status Model::start_cuda(const ModelOptions& options, const BackendInfo& probed,
                         bool random_weights, std::uint64_t seed) {
    CudaBackendOptions cuda;
    cuda.context_tokens = options.gpu_context_tokens > 0 ? options.gpu_context_tokens : 32768;
    cuda.prefill_chunk = options.gpu_prefill_chunk;
    cuda.random_weights = random_weights;
    cuda.seed = seed;
    if (options.progress) {
        const auto& progress = options.progress;
        cuda.progress = [&progress](double fraction) {
            return progress(fraction, "copying weights to the GPU");
        };
    }
    auto backend = CudaBackend::create(config_, random_weights ? nullptr : &weights_, cuda);
    if (!backend) return backend.status();
    backend_ = std::move(*backend);
    backend_info_ = probed;
    threads_ = 1;
    return Status::success();
}

Status Model::start_backend(const ModelOptions& options) {
    std::string fallback_reason;
    if (options.backend != BackendPreference::cpu) {
        const BackendInfo probed = select_backend(options.backend);
        Status status =
            probed.kind == BackendKind::cuda
                ? start_cuda(options, probed, false, 0)
                : Status(StatusCode::unsupported, "no CUDA backend: " + probed.cpu_fallback_reason);
        if (status.ok()) return status;
        // Asked for CUDA: say why not. Automatic: run on the CPU and keep the reason.
        if (options.backend == BackendPreference::cuda || status.code() == StatusCode::cancelled) {
            return status;
        }
        fallback_reason = status.message();
    }
    auto backend = cpu::CpuBackend::create(config_, weights_, options.threads);
    if (!backend) return backend.status();
    threads_ = (*backend)->transformer().threads();
    backend_ = std::move(*backend);
    backend_info_ = BackendInfo{};
    backend_info_.cpu_fallback_reason = fallback_reason;
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
