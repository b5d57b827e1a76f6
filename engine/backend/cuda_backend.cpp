#include "engine/backend/cuda_backend.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "engine/backend/cuda_module.h"
#include "engine/cpu/rope.h"
#include "kernels/cuda_module_abi.h"

namespace ponder {

namespace {

constexpr int kDevice = 0;

StatusCode status_code(int abi_code) {
    switch (abi_code) {
        case PONDER_CUDA_OK:
            return StatusCode::ok;
        case PONDER_CUDA_INVALID_ARGUMENT:
            return StatusCode::invalid_argument;
        case PONDER_CUDA_UNSUPPORTED:
            return StatusCode::unsupported;
        case PONDER_CUDA_OUT_OF_MEMORY:
            return StatusCode::out_of_memory;
        case PONDER_CUDA_CANCELLED:
            return StatusCode::cancelled;
        case PONDER_CUDA_CONTEXT_FULL:
            return StatusCode::context_full;
        default:
            return StatusCode::internal;  // a CUDA or cuBLAS failure
    }
}

Status from_abi(int code, const ponder_cuda_status& status, const char* what) {
    if (code == PONDER_CUDA_OK) return Status::success();
    return Status(status_code(code), std::string(what) + ": " + status.message);
}

double gib(std::uint64_t bytes) {
    return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
}

std::string context_words(std::int64_t tokens) {
    if (tokens >= 1024 && tokens % 1024 == 0) return std::to_string(tokens / 1024) + "k";
    return std::to_string(tokens) + "-token";
}

const std::uint16_t* bits(const bf16* pointer) {
    return reinterpret_cast<const std::uint16_t*>(pointer);
}

// The config and weight pointers in the module's plain-C form. Owns the arrays the C structs
// point into, so it must outlive the call that uses them.
struct AbiModel {
    ponder_cuda_model_config config{};
    std::vector<std::uint8_t> sliding;
    std::vector<ponder_cuda_layer_weights> layers;
    ponder_cuda_model_weights weights{};

    AbiModel(const ModelConfig& c, const ModelWeights* w) {
        config.vocab_size = c.vocab_size;
        config.hidden_size = c.hidden_size;
        config.num_layers = c.num_layers;
        config.num_heads = c.num_heads;
        config.num_kv_heads = c.num_kv_heads;
        config.head_dim = c.head_dim;
        config.num_experts = c.num_experts;
        config.experts_per_token = c.experts_per_token;
        config.intermediate_size = c.intermediate_size;
        config.sliding_window = c.sliding_window;
        config.max_position_embeddings = c.max_position_embeddings;
        config.rms_norm_eps = static_cast<float>(c.rms_norm_eps);
        config.swiglu_limit = static_cast<float>(c.swiglu_limit);
        config.swiglu_alpha = static_cast<float>(c.swiglu_alpha);
        // The same YaRN table as the CPU backend (docs/gpt-oss.md §4.5); the kernels take the
        // first head_dim / 2 = 32 entries (other head sizes are refused by the module).
        const cpu::YarnRope rope = cpu::YarnRope::from_config(c);
        config.rope_attention_factor = rope.attention_factor;
        const size_t pairs = std::min<size_t>(rope.inv_freq.size(), 32);
        std::copy_n(rope.inv_freq.begin(), pairs, config.rope_inv_freq);
        for (bool is_sliding : c.layer_is_sliding)
            sliding.push_back(is_sliding ? 1 : 0);
        config.layer_is_sliding = sliding.data();
        if (w == nullptr) return;
        for (const LayerWeights& l : w->layers) {
            ponder_cuda_layer_weights a{};
            a.attn_norm = bits(l.attn_norm);
            a.q_weight = bits(l.q_weight);
            a.q_bias = bits(l.q_bias);
            a.k_weight = bits(l.k_weight);
            a.k_bias = bits(l.k_bias);
            a.v_weight = bits(l.v_weight);
            a.v_bias = bits(l.v_bias);
            a.o_weight = bits(l.o_weight);
            a.o_bias = bits(l.o_bias);
            a.sinks = bits(l.sinks);
            a.mlp_norm = bits(l.mlp_norm);
            a.router_weight = bits(l.router_weight);
            a.router_bias = bits(l.router_bias);
            a.gate_up = {l.gate_up.blocks, l.gate_up.scales};
            a.gate_up_bias = bits(l.gate_up_bias);
            a.down = {l.down.blocks, l.down.scales};
            a.down_bias = bits(l.down_bias);
            layers.push_back(a);
        }
        weights.embedding = bits(w->embedding);
        weights.final_norm = bits(w->final_norm);
        weights.unembedding = bits(w->unembedding);
        weights.layers = layers.data();
    }
};

int report_progress(void* user, double fraction) {
    const auto& progress = *static_cast<const std::function<bool(double)>*>(user);
    try {
        return progress(fraction) ? 1 : 0;
    } catch (...) {
        return 0;  // an exception must not unwind through the module's C frames
    }
}

int cancel_requested(const void* user) {
    return static_cast<const std::atomic<bool>*>(user)->load(std::memory_order_relaxed) ? 1 : 0;
}

}  // namespace

std::string model_display_name(const ModelConfig& config) {
    const bool gpt_oss_shape = config.hidden_size == 2880 && config.num_heads == 64 &&
                               config.num_kv_heads == 8 && config.vocab_size == 201088;
    if (gpt_oss_shape && config.num_layers == 24 && config.num_experts == 32) {
        return "gpt-oss-20b";
    }
    if (gpt_oss_shape && config.num_layers == 36 && config.num_experts == 128) {
        return "gpt-oss-120b";
    }
    return "this model";
}

Status check_gpu_fits(const ModelConfig& config, std::int64_t context_tokens,
                      std::uint64_t needed_bytes, std::uint64_t free_bytes) {
    if (needed_bytes <= free_bytes) return Status::success();
    char text[256];
    std::snprintf(text, sizeof(text),
                  "%s needs %.1f GiB of GPU memory for a %s context; the GPU has %.1f GiB free",
                  model_display_name(config).c_str(), gib(needed_bytes),
                  context_words(context_tokens).c_str(), gib(free_bytes));
    return Status(StatusCode::out_of_memory, text);
}

Result<std::unique_ptr<CudaBackend>> CudaBackend::create(const ModelConfig& config,
                                                         const ModelWeights* weights,
                                                         const CudaBackendOptions& options) {
    const CudaModule& module = CudaModule::instance();
    if (!module.available() || module.api() == nullptr) {
        return Status(StatusCode::unsupported, module.load_error());
    }
    ponder_cuda_device_info device{};
    char probe_error[512] = {0};
    if (module.probe()(kDevice, &device, probe_error, sizeof(probe_error)) != 0) {
        return Status(StatusCode::unsupported, probe_error);
    }
    if (weights == nullptr && !options.random_weights) {
        return Status(StatusCode::invalid_argument, "CUDA backend: no weights given");
    }
    if (weights != nullptr &&
        static_cast<std::int64_t>(weights->layers.size()) != config.num_layers) {
        return Status(StatusCode::bad_model,
                      "weights have " + std::to_string(weights->layers.size()) +
                          " layers, config says " + std::to_string(config.num_layers));
    }
    const ponder_cuda_api* api = module.api();
    const std::int64_t context =
        std::clamp<std::int64_t>(options.context_tokens, 1, config.max_position_embeddings);
    const AbiModel abi(config, options.random_weights ? nullptr : weights);
    ponder_cuda_model_options model_options{};
    model_options.device = kDevice;
    model_options.random_weights = options.random_weights ? 1 : 0;
    model_options.random_seed = options.seed;
    model_options.prefill_chunk = options.prefill_chunk;
    if (options.progress) {
        model_options.progress = report_progress;
        model_options.progress_user = const_cast<std::function<bool(double)>*>(&options.progress);
    }

    // Everything is checked before a byte is allocated: the geometry, then the fit.
    ponder_cuda_memory_plan plan{};
    ponder_cuda_status status{};
    int code = api->plan_memory(&abi.config, &model_options, context, &plan, &status);
    if (code != PONDER_CUDA_OK) return from_abi(code, status, "CUDA backend");
    if (Status fits = check_gpu_fits(config, context, plan.total_bytes, plan.device_free_bytes);
        !fits.ok()) {
        return fits;
    }

    std::unique_ptr<CudaBackend> backend(new CudaBackend(api, config, context));
    backend->prefill_chunk_ = options.prefill_chunk;
    backend->device_name_ = device.name;
    code = api->model_create(&abi.config, options.random_weights ? nullptr : &abi.weights,
                             &model_options, &backend->model_, &status);
    if (code == PONDER_CUDA_OUT_OF_MEMORY) {
        // Planned to fit, yet an allocation failed (another process took memory meanwhile).
        return Status(StatusCode::out_of_memory,
                      model_display_name(config) + " did not fit the GPU: " + status.message);
    }
    if (code != PONDER_CUDA_OK) return from_abi(code, status, "CUDA backend");
    return backend;
}

CudaBackend::~CudaBackend() {
    if (model_ != nullptr) api_->model_destroy(model_);
}

std::string CudaBackend::description() const {
    char text[384];
    std::snprintf(
        text, sizeof(text), "cuda, %s, %.2f GiB of weights on the GPU, %lld-token contexts",
        device_name_.c_str(), gib(memory_use().weights), static_cast<long long>(default_context_));
    return text;
}

Result<std::unique_ptr<Session>> CudaBackend::new_session(const SessionOptions& options) const {
    ponder_cuda_session_options session_options{};
    session_options.max_tokens = options.max_tokens > 0
                                     ? std::min(options.max_tokens, config_.max_position_embeddings)
                                     : default_context_;
    session_options.sliding_retain = std::max<std::int64_t>(options.sliding_retain, 0);
    ponder_cuda_session* session = nullptr;
    ponder_cuda_status status{};
    const int code = api_->session_create(model_, &session_options, &session, &status);
    if (code == PONDER_CUDA_OUT_OF_MEMORY) {
        // Say what the cache needed and what was free, as the load-time check does.
        const AbiModel abi(config_, nullptr);
        ponder_cuda_model_options model_options{};
        model_options.prefill_chunk = prefill_chunk_;
        ponder_cuda_memory_plan plan{};
        ponder_cuda_status ignored{};
        api_->plan_memory(&abi.config, &model_options, session_options.max_tokens, &plan, &ignored);
        char text[256];
        std::snprintf(text, sizeof(text),
                      "a %s context needs %.2f GiB of GPU memory for its cache; the GPU has "
                      "%.2f GiB free",
                      context_words(session_options.max_tokens).c_str(), gib(plan.session_bytes),
                      gib(plan.device_free_bytes));
        return Status(StatusCode::out_of_memory, text);
    }
    if (code != PONDER_CUDA_OK) return from_abi(code, status, "CUDA session");
    return std::unique_ptr<Session>(new CudaSession(api_, session));
}

CudaBackend::MemoryUse CudaBackend::memory_use() const {
    MemoryUse use;
    ponder_cuda_model_info info{};
    api_->model_info(model_, &info);
    use.weights = info.weight_bytes;
    use.allocated = info.allocated_bytes;
    use.peak_allocated = info.peak_allocated_bytes;
    ponder_cuda_status status{};
    api_->device_memory(kDevice, &use.device_free, &use.device_total, &status);
    return use;
}

Result<double> CudaBackend::copy_bandwidth(std::uint64_t bytes) const {
    double rate = 0.0;
    ponder_cuda_status status{};
    const int code = api_->copy_bandwidth(kDevice, bytes, &rate, &status);
    if (code != PONDER_CUDA_OK) return from_abi(code, status, "copy bandwidth");
    return rate;
}

CudaSession::~CudaSession() {
    api_->session_destroy(session_);
}

std::int64_t CudaSession::length() const {
    return api_->session_length(session_);
}

std::int64_t CudaSession::max_length() const {
    return api_->session_capacity(session_);
}

std::int64_t CudaSession::cache_bytes() const {
    return static_cast<std::int64_t>(api_->session_cache_bytes(session_));
}

std::int64_t CudaSession::truncate(std::int64_t n) {
    return api_->session_truncate(session_, n);
}

Status CudaSession::forward(const ForwardRequest& request) {
    if (request.trace != nullptr) {
        return Status(StatusCode::unsupported,
                      "forward traces are a CPU-backend feature; load the model with the CPU");
    }
    if (request.tokens.empty()) {
        if (request.logits == LogitsWanted::none) return Status::success();
        return Status(StatusCode::invalid_argument, "forward: logits wanted but no tokens given");
    }
    ponder_cuda_forward_request r{};
    r.tokens = request.tokens.data();
    r.num_tokens = static_cast<std::int64_t>(request.tokens.size());
    r.logits = request.logits == LogitsWanted::all    ? PONDER_CUDA_LOGITS_ALL
               : request.logits == LogitsWanted::last ? PONDER_CUDA_LOGITS_LAST
                                                      : PONDER_CUDA_LOGITS_NONE;
    r.logits_out = request.logits_out;
    if (request.cancel != nullptr) {
        r.cancelled = cancel_requested;
        r.cancel_user = request.cancel;
    }
    ponder_cuda_sampling sampling{};
    if (request.sample != nullptr) {
        sampling.temperature = request.sample->temperature;
        sampling.top_p = request.sample->top_p;
        sampling.seed = request.sample->seed;
        r.sample = &sampling;
        r.sampled_token = request.sampled_token;
    }
    ponder_cuda_status status{};
    const int code = api_->session_forward(session_, &r, &status);
    if (code == PONDER_CUDA_CANCELLED) return Status(StatusCode::cancelled, "forward cancelled");
    return from_abi(code, status, "CUDA forward");
}

Status CudaSession::fill_synthetic(std::int64_t tokens, std::uint64_t seed) {
    ponder_cuda_status status{};
    const int code = api_->session_fill_synthetic(session_, tokens, seed, &status);
    return from_abi(code, status, "fill_synthetic");
}

}  // namespace ponder
