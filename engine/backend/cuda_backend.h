// The CUDA backend (docs/architecture.md §3), host side: a Backend/Session pair over the module's C
// table (libponder_cuda.so, kernels/cuda_module_abi.h), loaded at run time by CudaModule. The
// model's weights are copied to the GPU once (MXFP4 experts stay packed); each session owns a KV
// cache on the device; a one-token forward replays a captured CUDA graph.
//
// Thread-safety: as the CPU backend: the model is shared, forward passes of different sessions
// are serialised inside the module, one session is used by one thread at a time.
// Lifetime: the backend must outlive its sessions; the host weights need not outlive create().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/backend/backend.h"
#include "engine/model/config.h"
#include "engine/model/weights.h"
#include "engine/status.h"

struct ponder_cuda_api;
struct ponder_cuda_model;
struct ponder_cuda_session;

namespace ponder {

struct CudaBackendOptions {
    // One conversation of this many positions must fit next to the weights (checked before any
    // upload); sessions hold this many unless they ask for another size. Clamped to the model's
    // max_position_embeddings.
    std::int64_t context_tokens = 32768;
    int prefill_chunk = 0;        // tokens per prefill step; 0 = the module's default (1024)
    bool random_weights = false;  // fill the weights on the GPU with random values (benchmarks)
    std::uint64_t seed = 0;       // for random_weights
    // Upload progress in [0, 1]; return false to cancel (create() then fails with cancelled).
    std::function<bool(double fraction)> progress;
};

// "gpt-oss-20b" / "gpt-oss-120b" when the config has their shape, else "this model".
std::string model_display_name(const ModelConfig& config);

// out_of_memory with "gpt-oss-20b needs 14.0 GiB of GPU memory for a 32k context; the GPU has
// 11.2 GiB free" when needed_bytes > free_bytes, else success.
Status check_gpu_fits(const ModelConfig& config, std::int64_t context_tokens,
                      std::uint64_t needed_bytes, std::uint64_t free_bytes);

class CudaBackend final : public Backend {
  public:
    // Checks that the module and a device are there (unsupported otherwise), that the kernels
    // are specialised for the config's geometry (unsupported, naming the mismatch), and that the
    // weights plus one session of options.context_tokens fit the device's free memory
    // (out_of_memory, see check_gpu_fits) -- all before allocating anything -- then uploads the
    // weights (`weights` may be null with options.random_weights). Fails with cancelled when the
    // progress callback says so; nothing stays on the GPU after a failure.
    static Result<std::unique_ptr<CudaBackend>> create(const ModelConfig& config,
                                                       const ModelWeights* weights,
                                                       const CudaBackendOptions& options);
    ~CudaBackend() override;
    CudaBackend(const CudaBackend&) = delete;
    CudaBackend& operator=(const CudaBackend&) = delete;

    const char* name() const override { return "cuda"; }
    std::string description() const override;
    Result<std::unique_ptr<Session>> new_session(const SessionOptions& options) const override;

    struct MemoryUse {
        std::uint64_t weights = 0;         // bytes of weights on the device
        std::uint64_t allocated = 0;       // by the model and its live sessions
        std::uint64_t peak_allocated = 0;  // the most at once so far
        std::uint64_t device_free = 0;     // cudaMemGetInfo, now
        std::uint64_t device_total = 0;
    };
    MemoryUse memory_use() const;

    // Device-to-device copy bandwidth (bytes read + written per second) over `bytes`, best of
    // five copies: the ceiling a memory-bound decode step is measured against.
    Result<double> copy_bandwidth(std::uint64_t bytes) const;

  private:
    CudaBackend(const ponder_cuda_api* api, const ModelConfig& config, std::int64_t context)
        : api_(api), config_(config), default_context_(context) {}

    const ponder_cuda_api* api_;
    ModelConfig config_;
    std::int64_t default_context_;
    int prefill_chunk_ = 0;
    ponder_cuda_model* model_ = nullptr;
    std::string device_name_;
};

// A conversation's KV cache on the GPU.
class CudaSession final : public Session {
  public:
    ~CudaSession() override;
    std::int64_t length() const override;
    Status forward(const ForwardRequest& request) override;
    std::int64_t truncate(std::int64_t n) override;
    std::int64_t cache_bytes() const override;
    std::int64_t max_length() const override;
    bool samples_on_device() const override { return true; }

    // Benchmarks: appends `tokens` positions of random keys and values straight into the cache
    // (no forward pass), to time decode at a context depth without prefilling it.
    Status fill_synthetic(std::int64_t tokens, std::uint64_t seed);

  private:
    friend class CudaBackend;
    CudaSession(const ponder_cuda_api* api, ponder_cuda_session* session)
        : api_(api), session_(session) {}

    const ponder_cuda_api* api_;
    ponder_cuda_session* session_;
};

}  // namespace ponder
