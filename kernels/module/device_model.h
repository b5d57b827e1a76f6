// One model's weights and shared scratch on the device (the state behind ponder_cuda_model).
// Weights live in one allocation laid out by plan_weights(): the checkpoint's bf16 tensors
// (q/k/v packed into one [q + 2 kv rows, H] matrix, as the fused decode kernel reads it) and the
// MXFP4 experts rewritten once into the MMA tile layout, still packed (4.25 bits per weight).
//
// Thread-safety: every forward pass takes mutex() for its whole duration; the scratch, the stream
// and the cuBLAS handle are shared by all sessions of the model.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kernels/cuda_module_abi.h"
#include "kernels/device_buffer.h"
#include "kernels/gemm_cublas.h"
#include "kernels/module/pinned_staging.h"
#include "kernels/module/plan.h"

namespace ponder::kernels::module {

struct LayerView {
    const bf16_bits* attn_norm = nullptr;      // [H]
    const bf16_bits* qkv_weight = nullptr;     // [q + 2 kv rows, H]
    const bf16_bits* qkv_bias = nullptr;       // [q + 2 kv rows]
    const bf16_bits* o_weight = nullptr;       // [H, q_width]
    const bf16_bits* o_bias = nullptr;         // [H]
    const bf16_bits* sinks = nullptr;          // [q_heads]
    const bf16_bits* mlp_norm = nullptr;       // [H]
    const bf16_bits* router_weight = nullptr;  // [E, H]
    const bf16_bits* router_bias = nullptr;    // [E]
    Mxfp4Experts experts;                      // tile layout
    bool sliding = false;
};

struct ScratchView {
    std::int32_t* tokens = nullptr;      // [chunk]
    float* x = nullptr;                  // [chunk, H] residual stream
    bf16_bits* t = nullptr;              // [chunk, H] normalised activations
    float* qkv = nullptr;                // [chunk, qkv_rows]
    bf16_bits* q = nullptr;              // [chunk, q_heads, 64]
    bf16_bits* attn = nullptr;           // [chunk, q_heads, 64]
    float* delta = nullptr;              // [chunk, H]
    float* router = nullptr;             // [max(chunk, 4), E]
    std::int32_t* expert_idx = nullptr;  // [chunk, 4]
    float* expert_weight = nullptr;      // [chunk, 4]
    void* moe_grouped = nullptr;         // moe_grouped_scratch_bytes(chunk, ...)
    f16_bits* moe_act = nullptr;         // [4, I]
    float* partials = nullptr;           // decode attention splits
    float* logits = nullptr;             // [kLogitsRows, vocab]
    void* sampler = nullptr;             // sample_workspace_bytes(vocab)
};

// The checked hyperparameters (ponder_cuda_model_config) in the form the forward code uses.
struct ModelParams {
    ModelShape shape;
    float eps = 1e-5f;
    float swiglu_limit = 7.0f;
    float swiglu_alpha = 1.702f;
    float rope_attention_factor = 1.0f;
    float rope_inv_freq[32] = {};
    std::int64_t max_positions = 0;
};

// Validates `config` against the kernels' specialisations (unsupported: names the mismatch).
Status read_model_params(const ponder_cuda_model_config& config, ModelParams& params);

// The kernels' own workspace sizes for a model of `shape` and prefill chunks of `chunk` tokens.
KernelWorkspaces kernel_workspaces(const ModelShape& shape, int chunk);

class DeviceModel {
  public:
    // Allocates and fills the weights (uploaded from `weights`, or random on the device when
    // options.random_weights), the scratch and the stream. Leaves nothing allocated on failure.
    static Status create(const ModelParams& params, const ponder_cuda_model_weights* weights,
                         const ponder_cuda_model_options& options,
                         std::unique_ptr<DeviceModel>& out);

    const ModelParams& params() const { return params_; }
    const ModelShape& shape() const { return params_.shape; }
    int chunk() const { return scratch_layout_.chunk; }
    int device() const { return device_; }
    const std::string& device_name() const { return device_name_; }

    const std::vector<LayerView>& layers() const { return layers_; }
    const bf16_bits* embedding() const { return embedding_; }
    const bf16_bits* final_norm() const { return final_norm_; }
    const bf16_bits* unembedding() const { return unembedding_; }
    const float* rope_inv_freq() const { return rope_inv_freq_; }
    const ScratchView& scratch() const { return scratch_; }

    std::mutex& mutex() { return mutex_; }
    StreamHandle stream() const { return stream_.handle(); }
    Blas& blas() { return blas_; }
    PinnedStaging& staging() { return staging_; }

    std::uint64_t weight_bytes() const { return weights_.size(); }
    std::uint64_t scratch_bytes() const { return scratch_buffer_.size(); }
    // Device bytes held by the model and its live sessions, and the most ever held at once.
    std::uint64_t allocated_bytes() const { return allocated_; }
    std::uint64_t peak_allocated_bytes() const { return peak_allocated_; }
    void track_allocation(std::int64_t delta);  // sessions report theirs (under mutex())

  private:
    DeviceModel() = default;
    Status allocate(const ponder_cuda_model_options& options);
    void bind_views();
    Status fill_random(std::uint64_t seed);
    Status upload(const ponder_cuda_model_weights& weights,
                  const ponder_cuda_model_options& options);

    ModelParams params_;
    WeightLayout weight_layout_;
    ScratchLayout scratch_layout_;
    int device_ = 0;
    std::string device_name_;
    DeviceBuffer weights_;
    DeviceBuffer scratch_buffer_;
    Stream stream_;
    Blas blas_;
    PinnedStaging staging_;
    std::vector<LayerView> layers_;
    const bf16_bits* embedding_ = nullptr;
    const bf16_bits* final_norm_ = nullptr;
    const bf16_bits* unembedding_ = nullptr;
    const float* rope_inv_freq_ = nullptr;
    ScratchView scratch_;
    std::mutex mutex_;
    std::uint64_t allocated_ = 0;
    std::uint64_t peak_allocated_ = 0;
};

}  // namespace ponder::kernels::module
