// A loaded gpt-oss model (design.md §2): immutable weights + config + the compute backend that
// runs them. Shared by every Context (conversation) created from it.
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
    // automatic and cpu run on the CPU; cuda fails with `unsupported` until a CUDA backend exists.
    BackendPreference backend = BackendPreference::automatic;
    int threads = 0;  // CPU threads including the caller; 0 = one per hardware thread
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

    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    const ModelConfig& config() const { return config_; }
    const Backend& backend() const { return *backend_; }
    int threads() const { return threads_; }

    // Bytes of all weight tensors (13,761,264,768 for gpt-oss-20b).
    std::uint64_t weight_bytes() const { return weight_bytes_; }

    // Weight bytes one decoded token reads with MXFP4 kept packed (gpt-oss-spec.md §8): the
    // experts_per_token active experts of every layer, attention, router, norms, one embedding
    // row and the whole unembedding (3,708,089,088 for gpt-oss-20b).
    std::uint64_t weight_bytes_per_decoded_token() const;

  private:
    Model() = default;
    Status start_backend(const ModelOptions& options);

    std::unique_ptr<Checkpoint> checkpoint_;  // owns the mappings weights_ points into, or null
    std::shared_ptr<const void> storage_;     // ... or this, for from_weights
    ModelConfig config_;
    ModelWeights weights_;
    std::uint64_t weight_bytes_ = 0;
    std::unique_ptr<Backend> backend_;
    int threads_ = 1;
};

}  // namespace ponder
