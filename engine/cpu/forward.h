// The gpt-oss forward pass on the CPU (docs/gpt-oss.md §4), f32 activations from bf16/MXFP4
// weights read in place. It reads like the model:
//   embed -> per layer (attention block, MoE block) -> final norm -> unembed
// with every intermediate in a named buffer of Activations.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "engine/backend/backend.h"
#include "engine/cpu/dot.h"
#include "engine/cpu/kv_cache.h"
#include "engine/cpu/moe.h"
#include "engine/cpu/rope.h"
#include "engine/cpu/thread_pool.h"
#include "engine/model/config.h"
#include "engine/model/weights.h"
#include "engine/status.h"

namespace ponder::cpu {

// Intermediates of one forward step over `tokens` consecutive positions.
struct Activations {
    std::vector<float> x;         // [tokens, hidden] the residual stream
    std::vector<float> normed;    // [tokens, hidden] RMSNorm output feeding a block
    std::vector<float> q;         // [tokens, heads * head_dim], rotated
    std::vector<float> k;         // [tokens, kv_heads * head_dim], rotated
    std::vector<float> v;         // [tokens, kv_heads * head_dim]
    std::vector<float> attn;      // [tokens, heads * head_dim] attention output per head
    std::vector<float> attn_out;  // [tokens, hidden] after the output projection
    std::vector<float> moe_out;   // [tokens, hidden]
    std::vector<float> rope_cos;  // [tokens, head_dim / 2]
    std::vector<float> rope_sin;  // [tokens, head_dim / 2]
    MoeScratch moe;

    void resize(const ModelConfig& config, std::int64_t tokens);
};

// One forward step: `tokens` run at positions first_position.. and each layer's cache receives
// the keys/values of the positions it does not hold yet (a full layer that already holds a
// position keeps it: that is how a session replays a prefix to rebuild sliding windows).
struct ForwardStep {
    std::span<const std::int32_t> tokens;
    std::int64_t first_position = 0;
    LogitsWanted logits = LogitsWanted::last;
    float* logits_out = nullptr;  // [1 or tokens, vocab]
    const std::atomic<bool>* cancel = nullptr;
    const ForwardTrace* trace = nullptr;
};

class CpuTransformer {
  public:
    // The tensors `weights` points at must outlive this object. threads: see ThreadPool.
    CpuTransformer(const ModelConfig& config, const ModelWeights& weights, int threads);

    const ModelConfig& config() const { return config_; }
    int threads() const { return pool_.size(); }
    SimdLevel simd_level() const { return simd_level_; }

    // Runs one step. Thread-safe: steps of different sessions are serialised (they share the
    // pool). Returns cancelled when `cancel` is set before a layer, or out_of_memory.
    Status forward(const ForwardStep& step, std::vector<LayerKvCache>& cache,
                   Activations& act) const;

  private:
    void embed(std::span<const std::int32_t> tokens, float* x) const;
    Status attention_block(int layer, const ForwardStep& step, LayerKvCache& cache,
                           Activations& act) const;
    void moe_block(int layer, const ForwardStep& step, Activations& act) const;
    void unembed(const ForwardStep& step, Activations& act) const;

    ModelConfig config_;
    ModelWeights weights_;  // pointers into the checkpoint, which outlives this object
    YarnRope rope_;
    MoeShape moe_shape_;
    SimdLevel simd_level_;
    const DotKernels& dot_;
    mutable ThreadPool pool_;
    mutable std::mutex mutex_;
};

}  // namespace ponder::cpu
