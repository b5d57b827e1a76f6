// A loaded gpt-oss model (docs/architecture.md §2): immutable weights + config + the compute
// backend that runs them. Shared by every Context (conversation) created from it.
//
// Thread-safety: a Model is immutable after load; any thread may create contexts. Forward passes
// of different contexts are serialised inside the backend (they share its threads).
// Lifetime: a Model must outlive every Context created from it.
// Errors: every call returns a Status/Result; nothing throws.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "engine/backend/backend.h"
#include "engine/backend/backend_info.h"
#include "engine/model/config.h"
#include "engine/model/tensor_layout.h"
#include "engine/model/weights.h"
#include "engine/status.h"

namespace ponder {

class Checkpoint;

struct ModelOptions {
    CheckpointLayout layout = CheckpointLayout::automatic;
    // cpu: the CPU backend. cuda: the CUDA backend or a failure saying why not (unsupported: no
    // module, no GPU, a geometry the kernels are not specialised for; out_of_memory: does not
    // fit). automatic: CUDA when a usable GPU is found and the model fits it, else the CPU, with
    // the reason in Model::backend_info().cpu_fallback_reason.
    BackendPreference backend = BackendPreference::automatic;
    int threads = 0;  // CPU threads including the caller; 0 = one per hardware thread
    // CUDA: the context one conversation must be able to reach next to the weights (the fit
    // check before loading, and the default size of a session's KV cache). 0 = 32768.
    std::int64_t gpu_context_tokens = 0;
    int gpu_prefill_chunk = 0;  // CUDA: tokens per prefill step; 0 = the backend's default
    // Loading progress, as LoadOptions::progress (return false to cancel the load).
    std::function<bool(double fraction, const std::string& stage)> progress;
};

class Model {
  public:
    // Opens the model folder `dir` (HF or original layout). Fails with io_error, bad_model,
    // unsupported or cancelled (see Checkpoint::open).
    static Result<std::unique_ptr<Model>> load(const std::filesystem::path& dir,
                                               const ModelOptions& options = {});

    // A model over weights built in memory (tests). `storage` keeps the tensors `weights` points
    // into alive for the model's lifetime. Fails with bad_model for an invalid config.
    static Result<std::unique_ptr<Model>> from_weights(const ModelConfig& config,
                                                       const ModelWeights& weights,
                                                       std::shared_ptr<const void> storage,
                                                       const ModelOptions& options = {});

    // Benchmarks: a model whose weights are random values made directly on the GPU (no file to
    // write or read; the shapes of `config`, the scales of make-model's generator). Needs the
    // CUDA backend: fails with unsupported (or out_of_memory) where it cannot run.
    static Result<std::unique_ptr<Model>> random_on_gpu(const ModelConfig& config,
                                                        std::uint64_t seed,
                                                        const ModelOptions& options = {});

    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    const ModelConfig& config() const { return config_; }
    const Backend& backend() const { return *backend_; }
    // The backend in use, its GPU, and why the CPU runs the model when CUDA was possible.
    const BackendInfo& backend_info() const { return backend_info_; }
    int threads() const { return threads_; }

    // Bytes of all weight tensors (13,761,264,768 for gpt-oss-20b).
    std::uint64_t weight_bytes() const { return weight_bytes_; }

    // Weight bytes one decoded token reads with MXFP4 kept packed (docs/gpt-oss.md §8): the
    // experts_per_token active experts of every layer, attention, router, norms, one embedding
    // row and the whole unembedding (3,708,089,088 for gpt-oss-20b).
    std::uint64_t weight_bytes_per_decoded_token() const;

  private:
    Model() = default;
    Status start_backend(const ModelOptions& options);
    Status start_cuda(const ModelOptions& options, const BackendInfo& probed, bool random_weights,
                      std::uint64_t seed);

    std::unique_ptr<Checkpoint> checkpoint_;  // owns the mappings weights_ points into, or null
    std::shared_ptr<const void> storage_;     // ... or this, for from_weights
    ModelConfig config_;
    ModelWeights weights_;
    std::uint64_t weight_bytes_ = 0;
    std::unique_ptr<Backend> backend_;
    BackendInfo backend_info_;
    int threads_ = 1;
};

}  // namespace ponder
