// The CPU backend (docs/architecture.md §3): the reference implementation and the fallback where no
// GPU is. A CpuBackend wraps the transformer over one model's weights; each CpuSession owns one
// conversation's KV cache and scratch.
#pragma once

#include <memory>

#include "engine/backend/backend.h"
#include "engine/cpu/forward.h"

namespace ponder::cpu {

class CpuBackend final : public Backend {
  public:
    // Fails with bad_model when the config is outside what the CPU code supports. The tensors
    // `weights` points at must outlive the backend and its sessions.
    static Result<std::unique_ptr<CpuBackend>> create(const ModelConfig& config,
                                                      const ModelWeights& weights, int threads);

    const char* name() const override { return "cpu"; }
    std::string description() const override;
    Result<std::unique_ptr<Session>> new_session(const SessionOptions& options) const override;

    const CpuTransformer& transformer() const { return transformer_; }

  private:
    CpuBackend(const ModelConfig& config, const ModelWeights& weights, int threads)
        : transformer_(config, weights, threads) {}

    CpuTransformer transformer_;
};

}  // namespace ponder::cpu
