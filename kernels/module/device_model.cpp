#include "kernels/module/device_model.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/launchers.h"

namespace ponder::kernels::module {

namespace {

constexpr std::size_t kStepStagingBytes = 64;      // + chunk token ids; see allocate()
constexpr std::size_t kLoadSlotBytes = 32u << 20;  // two pinned 32 MiB slots while uploading
constexpr std::size_t kRepackStagingBytes = 64u << 20;

template <typename T>
T* at(const DeviceBuffer& buffer, std::size_t offset) {
    return reinterpret_cast<T*>(static_cast<char*>(buffer.data()) + offset);
}

// E8M0 byte for MXFP4 blocks whose values have an RMS near 1/sqrt(fan_in), as the random
// checkpoint writer chooses it (uniform nibbles have an RMS of 2.926).
int scale_byte_for(std::int64_t fan_in) {
    const double target = 1.0 / (std::sqrt(static_cast<double>(fan_in)) * 2.926);
    return 127 + static_cast<int>(std::lround(std::log2(target)));
}

}  // namespace

Status read_model_params(const ponder_cuda_model_config& c, ModelParams& p) {
    PONDER_KERNELS_TRY(
        check_gpt_oss_shapes(static_cast<int>(c.head_dim), static_cast<int>(c.num_heads),
                             static_cast<int>(c.num_kv_heads), static_cast<int>(c.num_experts),
                             static_cast<int>(c.experts_per_token), static_cast<int>(c.hidden_size),
                             static_cast<int>(c.intermediate_size)));
    if (c.num_layers <= 0 || c.num_layers > 1024 || c.layer_is_sliding == nullptr) {
        return Status::error(
            StatusCode::invalid_argument, "model config: %lld layers and %s layer types",
            static_cast<long long>(c.num_layers), c.layer_is_sliding ? "some" : "no");
    }
    if (c.vocab_size <= 0 || c.vocab_size > (1 << 24)) {
        return Status::error(StatusCode::unsupported, "model config: vocabulary of %lld tokens",
                             static_cast<long long>(c.vocab_size));
    }
    if (c.max_position_embeddings <= 0 || c.max_position_embeddings > (1 << 24)) {
        return Status::error(StatusCode::unsupported, "model config: %lld positions",
                             static_cast<long long>(c.max_position_embeddings));
    }
    ModelShape& s = p.shape;
    s.vocab = c.vocab_size;
    s.hidden = c.hidden_size;
    s.q_heads = c.num_heads;
    s.kv_heads = c.num_kv_heads;
    s.experts = c.num_experts;
    s.intermediate = c.intermediate_size;
    s.window = c.sliding_window;
    s.sliding.assign(static_cast<std::size_t>(c.num_layers), false);
    for (std::int64_t l = 0; l < c.num_layers; ++l)
        s.sliding[static_cast<std::size_t>(l)] = c.layer_is_sliding[l] != 0;
    if (s.any_sliding() && (s.window <= 0 || s.window > (1 << 20))) {
        return Status::error(StatusCode::unsupported, "model config: sliding window of %lld",
                             static_cast<long long>(s.window));
    }
    p.eps = c.rms_norm_eps;
    p.swiglu_limit = c.swiglu_limit;
    p.swiglu_alpha = c.swiglu_alpha;
    p.rope_attention_factor = c.rope_attention_factor;
    std::memcpy(p.rope_inv_freq, c.rope_inv_freq, sizeof(p.rope_inv_freq));
    p.max_positions = c.max_position_embeddings;
    if (!(p.eps > 0.0f) || !(p.swiglu_limit > 0.0f)) {
        return Status::error(StatusCode::invalid_argument,
                             "model config: rms_norm_eps %g, swiglu_limit %g",
                             static_cast<double>(p.eps), static_cast<double>(p.swiglu_limit));
    }
    return Status::success();
}

KernelWorkspaces kernel_workspaces(const ModelShape& shape, int chunk) {
    KernelWorkspaces sizes;
    sizes.moe_grouped = moe_grouped_scratch_bytes(chunk, static_cast<int>(shape.experts),
                                                  static_cast<int>(shape.hidden),
                                                  static_cast<int>(shape.intermediate));
    sizes.sdpa_partials =
        sdpa_decode_partials_bytes(static_cast<int>(shape.kv_heads), kMaxDecodeSplits);
    sizes.sampler = sample_workspace_bytes(static_cast<int>(shape.vocab));
    return sizes;
}

void DeviceModel::track_allocation(std::int64_t delta) {
    allocated_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(allocated_) + delta);
    peak_allocated_ = std::max(peak_allocated_, allocated_);
}

Status DeviceModel::create(const ModelParams& params, const ponder_cuda_model_weights* weights,
                           const ponder_cuda_model_options& options,
                           std::unique_ptr<DeviceModel>& out) {
    if (weights == nullptr && options.random_weights == 0) {
        return Status::error(StatusCode::invalid_argument,
                             "model_create: no weights and no random_weights");
    }
    std::unique_ptr<DeviceModel> model(new DeviceModel());
    model->params_ = params;
    PONDER_KERNELS_TRY(model->allocate(options));
    model->bind_views();
    if (options.random_weights != 0) {
        PONDER_KERNELS_TRY(model->fill_random(options.random_seed));
    } else {
        PONDER_KERNELS_TRY(model->upload(*weights, options));
    }
    PONDER_KERNELS_TRY(Status::from_cuda(
        cudaMemcpyAsync(const_cast<float*>(model->rope_inv_freq_), params.rope_inv_freq,
                        sizeof(params.rope_inv_freq), cudaMemcpyHostToDevice, model->stream()),
        "upload RoPE table"));
    PONDER_KERNELS_TRY(model->stream_.synchronize());
    out = std::move(model);
    return Status::success();
}

Status DeviceModel::allocate(const ponder_cuda_model_options& options) {
    device_ = options.device;
    PONDER_KERNELS_TRY(Status::from_cuda(cudaSetDevice(device_), "cudaSetDevice"));
    cudaDeviceProp prop{};
    PONDER_KERNELS_TRY(
        Status::from_cuda(cudaGetDeviceProperties(&prop, device_), "cudaGetDeviceProperties"));
    device_name_ = prop.name;
    const int chunk = options.prefill_chunk > 0 ? options.prefill_chunk : kDefaultPrefillChunk;
    if (chunk > (1 << 16)) {
        return Status::error(StatusCode::invalid_argument, "prefill_chunk %d exceeds %d", chunk,
                             1 << 16);
    }
    weight_layout_ = plan_weights(params_.shape);
    scratch_layout_ = plan_scratch(params_.shape, chunk, kernel_workspaces(params_.shape, chunk));
    PONDER_KERNELS_TRY(stream_.create());
    PONDER_KERNELS_TRY(blas_.create());
    PONDER_KERNELS_TRY(staging_.create(kStepStagingBytes + static_cast<std::size_t>(chunk) * 4));
    PONDER_KERNELS_TRY(weights_.allocate(weight_layout_.total));
    PONDER_KERNELS_TRY(scratch_buffer_.allocate(scratch_layout_.total));
    track_allocation(static_cast<std::int64_t>(weights_.size() + scratch_buffer_.size()));
    return Status::success();
}

void DeviceModel::bind_views() {
    const WeightLayout& w = weight_layout_;
    const ModelShape& s = params_.shape;
    embedding_ = at<bf16_bits>(weights_, w.embedding);
    final_norm_ = at<bf16_bits>(weights_, w.final_norm);
    unembedding_ = at<bf16_bits>(weights_, w.unembedding);
    rope_inv_freq_ = at<float>(weights_, w.rope_inv_freq);
    layers_.clear();
    for (std::int64_t l = 0; l < s.layers(); ++l) {
        const LayerOffsets& o = w.layers[static_cast<std::size_t>(l)];
        LayerView v;
        v.attn_norm = at<bf16_bits>(weights_, o.attn_norm);
        v.qkv_weight = at<bf16_bits>(weights_, o.qkv_weight);
        v.qkv_bias = at<bf16_bits>(weights_, o.qkv_bias);
        v.o_weight = at<bf16_bits>(weights_, o.o_weight);
        v.o_bias = at<bf16_bits>(weights_, o.o_bias);
        v.sinks = at<bf16_bits>(weights_, o.sinks);
        v.mlp_norm = at<bf16_bits>(weights_, o.mlp_norm);
        v.router_weight = at<bf16_bits>(weights_, o.router_weight);
        v.router_bias = at<bf16_bits>(weights_, o.router_bias);
        Mxfp4Experts& e = v.experts;
        e.gate_up_blocks = at<std::uint8_t>(weights_, o.gate_up_blocks);
        e.gate_up_scales = at<std::uint8_t>(weights_, o.gate_up_scales);
        e.gate_up_bias = at<bf16_bits>(weights_, o.gate_up_bias);
        e.down_blocks = at<std::uint8_t>(weights_, o.down_blocks);
        e.down_scales = at<std::uint8_t>(weights_, o.down_scales);
        e.down_bias = at<bf16_bits>(weights_, o.down_bias);
        e.num_experts = static_cast<int>(s.experts);
        e.hidden = static_cast<int>(s.hidden);
        e.intermediate = static_cast<int>(s.intermediate);
        e.swiglu_limit = params_.swiglu_limit;
        e.swiglu_alpha = params_.swiglu_alpha;
        v.sliding = s.sliding[static_cast<std::size_t>(l)];
        layers_.push_back(v);
    }
    const ScratchLayout& c = scratch_layout_;
    ScratchView& sc = scratch_;
    sc.tokens = at<std::int32_t>(scratch_buffer_, c.tokens);
    sc.x = at<float>(scratch_buffer_, c.x);
    sc.t = at<bf16_bits>(scratch_buffer_, c.t);
    sc.qkv = at<float>(scratch_buffer_, c.qkv);
    sc.q = at<bf16_bits>(scratch_buffer_, c.q);
    sc.attn = at<bf16_bits>(scratch_buffer_, c.attn);
    sc.delta = at<float>(scratch_buffer_, c.delta);
    sc.router = at<float>(scratch_buffer_, c.router);
    sc.expert_idx = at<std::int32_t>(scratch_buffer_, c.expert_idx);
    sc.expert_weight = at<float>(scratch_buffer_, c.expert_weight);
    sc.moe_grouped = at<void>(scratch_buffer_, c.moe_grouped);
    sc.moe_act = at<f16_bits>(scratch_buffer_, c.moe_act);
    sc.partials = at<float>(scratch_buffer_, c.partials);
    sc.logits = at<float>(scratch_buffer_, c.logits);
    sc.sampler = at<void>(scratch_buffer_, c.sampler);
}

Status DeviceModel::fill_random(std::uint64_t seed) {
    const ModelShape& s = params_.shape;
    const StreamHandle stream = stream_.handle();
    std::uint64_t tensor = 0;
    // The random checkpoint writer's scales (engine/model/random_checkpoint.cpp): matrices
    // ~ 1/sqrt(fan_in), norms ~ 1, sinks 0.1, biases 0.02.
    auto bf16 = [&](const bf16_bits* p, std::int64_t count, float mean, float stddev) {
        RandomFillArgs a;
        a.out = const_cast<bf16_bits*>(p);
        a.count = static_cast<std::size_t>(count);
        a.seed = seed * 1000003u + tensor++;
        a.mean = mean;
        a.stddev = stddev;
        return bf16_fill_random(a, stream);
    };
    auto bytes = [&](const std::uint8_t* p, std::int64_t count, int lo, int hi) {
        RandomFillArgs a;
        a.out = const_cast<std::uint8_t*>(p);
        a.count = static_cast<std::size_t>(count);
        a.seed = seed * 1000003u + tensor++;
        a.lo = std::clamp(lo, 0, 255);
        a.hi = std::clamp(hi, a.lo, 255);
        return u8_fill_random(a, stream);
    };
    const float inv_sqrt_h = 1.0f / std::sqrt(static_cast<float>(s.hidden));
    const std::int64_t h = s.hidden, e = s.experts, i = s.intermediate;
    PONDER_KERNELS_TRY(bf16(embedding_, s.vocab * h, 0.0f, inv_sqrt_h));
    PONDER_KERNELS_TRY(bf16(unembedding_, s.vocab * h, 0.0f, inv_sqrt_h));
    PONDER_KERNELS_TRY(bf16(final_norm_, h, 1.0f, 0.05f));
    const int gate_up_scale = scale_byte_for(h), down_scale = scale_byte_for(i);
    for (const LayerView& v : layers_) {
        PONDER_KERNELS_TRY(bf16(v.attn_norm, h, 1.0f, 0.05f));
        PONDER_KERNELS_TRY(bf16(v.mlp_norm, h, 1.0f, 0.05f));
        PONDER_KERNELS_TRY(bf16(v.qkv_weight, s.qkv_rows() * h, 0.0f, inv_sqrt_h));
        PONDER_KERNELS_TRY(bf16(v.qkv_bias, s.qkv_rows(), 0.0f, 0.02f));
        PONDER_KERNELS_TRY(bf16(v.o_weight, h * s.q_width(), 0.0f,
                                1.0f / std::sqrt(static_cast<float>(s.q_width()))));
        PONDER_KERNELS_TRY(bf16(v.o_bias, h, 0.0f, 0.02f));
        PONDER_KERNELS_TRY(bf16(v.sinks, s.q_heads, 0.0f, 0.1f));
        PONDER_KERNELS_TRY(bf16(v.router_weight, e * h, 0.0f, inv_sqrt_h));
        PONDER_KERNELS_TRY(bf16(v.router_bias, e, 0.0f, 0.02f));
        const Mxfp4Experts& x = v.experts;
        // Random bytes are random in any layout, so the tile layout is filled directly.
        PONDER_KERNELS_TRY(bytes(x.gate_up_blocks, e * 2 * i * h / 2, 0, 255));
        PONDER_KERNELS_TRY(
            bytes(x.gate_up_scales, e * 2 * i * h / 32, gate_up_scale - 1, gate_up_scale + 1));
        PONDER_KERNELS_TRY(bf16(x.gate_up_bias, e * 2 * i, 0.0f, 0.02f));
        PONDER_KERNELS_TRY(bytes(x.down_blocks, e * h * i / 2, 0, 255));
        PONDER_KERNELS_TRY(bytes(x.down_scales, e * h * i / 32, down_scale - 1, down_scale + 1));
        PONDER_KERNELS_TRY(bf16(x.down_bias, e * h, 0.0f, 0.02f));
    }
    return Status::success();
}

Status DeviceModel::upload(const ponder_cuda_model_weights& w,
                           const ponder_cuda_model_options& options) {
    const ModelShape& s = params_.shape;
    if (w.embedding == nullptr || w.final_norm == nullptr || w.unembedding == nullptr ||
        w.layers == nullptr) {
        return Status::error(StatusCode::invalid_argument, "model_create: a weight is null");
    }
    const StreamHandle stream = stream_.handle();
    PinnedStaging load_staging;
    PONDER_KERNELS_TRY(load_staging.create(kLoadSlotBytes));
    Uploader up(load_staging, stream, weight_layout_.total, options.progress,
                options.progress_user);
    const std::int64_t h = s.hidden, e = s.experts, i = s.intermediate;
    auto bf16 = [&](const bf16_bits* device, const std::uint16_t* host, std::int64_t count) {
        if (host == nullptr) {
            return Status::error(StatusCode::invalid_argument, "model_create: a weight is null");
        }
        return up.copy(const_cast<bf16_bits*>(device), host, static_cast<std::size_t>(count) * 2);
    };

    // MXFP4 experts: checkpoint bytes go to a device staging buffer a few experts at a time and
    // are rewritten from there into the tile layout (each expert's tiles are contiguous, at the
    // same offset as its checkpoint bytes). The stream orders each group's upload after the
    // previous group's repack, which reads the same staging buffer.
    DeviceBuffer repack_staging;
    const std::size_t largest_expert =
        static_cast<std::size_t>(2 * i * h / 2 + 2 * i * h / 32) + 2 * kAlignment;
    PONDER_KERNELS_TRY(repack_staging.allocate(std::max(kRepackStagingBytes, largest_expert)));
    track_allocation(static_cast<std::int64_t>(repack_staging.size()));
    auto mxfp4 = [&](const std::uint8_t* tile_blocks, const std::uint8_t* tile_scales,
                     const ponder_cuda_mxfp4& host, std::int64_t rows, std::int64_t cols,
                     bool interleaved) {
        if (host.blocks == nullptr || host.scales == nullptr) {
            return Status::error(StatusCode::invalid_argument, "model_create: MXFP4 data is null");
        }
        const std::size_t expert_blocks = static_cast<std::size_t>(rows * cols / 2);
        const std::size_t expert_scales = static_cast<std::size_t>(rows * cols / 32);
        const std::size_t group = std::max<std::size_t>(
            1, repack_staging.size() /
                   (align_up(expert_blocks) + align_up(expert_scales) + kAlignment));
        for (std::int64_t e0 = 0; e0 < e; e0 += static_cast<std::int64_t>(group)) {
            const std::size_t n = std::min<std::size_t>(group, static_cast<std::size_t>(e - e0));
            std::uint8_t* stage_blocks = repack_staging.as<std::uint8_t>();
            std::uint8_t* stage_scales = stage_blocks + align_up(n * expert_blocks);
            const std::size_t first = static_cast<std::size_t>(e0);
            PONDER_KERNELS_TRY(
                up.copy(stage_blocks, host.blocks + first * expert_blocks, n * expert_blocks));
            PONDER_KERNELS_TRY(
                up.copy(stage_scales, host.scales + first * expert_scales, n * expert_scales));
            Mxfp4RepackArgs a;
            a.blocks = stage_blocks;
            a.scales = stage_scales;
            a.tile_blocks = const_cast<std::uint8_t*>(tile_blocks) + first * expert_blocks;
            a.tile_scales = const_cast<std::uint8_t*>(tile_scales) + first * expert_scales;
            a.num_experts = static_cast<int>(n);
            a.rows = static_cast<int>(rows);
            a.cols = static_cast<int>(cols);
            a.gate_up_interleaved = interleaved;
            PONDER_KERNELS_TRY(u8_mxfp4_repack_mma(a, stream));
        }
        return Status::success();
    };

    Status status = [&]() -> Status {
        PONDER_KERNELS_TRY(bf16(embedding_, w.embedding, s.vocab * h));
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            const LayerView& v = layers_[l];
            const ponder_cuda_layer_weights& hw = w.layers[l];
            PONDER_KERNELS_TRY(bf16(v.attn_norm, hw.attn_norm, h));
            // q, k and v rows concatenated: the packed projection the kernels read.
            const std::int64_t q_rows = s.q_width(), kv_rows = s.kv_width();
            PONDER_KERNELS_TRY(bf16(v.qkv_weight, hw.q_weight, q_rows * h));
            PONDER_KERNELS_TRY(bf16(v.qkv_weight + q_rows * h, hw.k_weight, kv_rows * h));
            PONDER_KERNELS_TRY(
                bf16(v.qkv_weight + (q_rows + kv_rows) * h, hw.v_weight, kv_rows * h));
            PONDER_KERNELS_TRY(bf16(v.qkv_bias, hw.q_bias, q_rows));
            PONDER_KERNELS_TRY(bf16(v.qkv_bias + q_rows, hw.k_bias, kv_rows));
            PONDER_KERNELS_TRY(bf16(v.qkv_bias + q_rows + kv_rows, hw.v_bias, kv_rows));
            PONDER_KERNELS_TRY(bf16(v.o_weight, hw.o_weight, h * q_rows));
            PONDER_KERNELS_TRY(bf16(v.o_bias, hw.o_bias, h));
            PONDER_KERNELS_TRY(bf16(v.sinks, hw.sinks, s.q_heads));
            PONDER_KERNELS_TRY(bf16(v.mlp_norm, hw.mlp_norm, h));
            PONDER_KERNELS_TRY(bf16(v.router_weight, hw.router_weight, e * h));
            PONDER_KERNELS_TRY(bf16(v.router_bias, hw.router_bias, e));
            PONDER_KERNELS_TRY(mxfp4(v.experts.gate_up_blocks, v.experts.gate_up_scales, hw.gate_up,
                                     2 * i, h, true));
            PONDER_KERNELS_TRY(bf16(v.experts.gate_up_bias, hw.gate_up_bias, e * 2 * i));
            PONDER_KERNELS_TRY(
                mxfp4(v.experts.down_blocks, v.experts.down_scales, hw.down, h, i, false));
            PONDER_KERNELS_TRY(bf16(v.experts.down_bias, hw.down_bias, e * h));
        }
        PONDER_KERNELS_TRY(bf16(final_norm_, w.final_norm, h));
        PONDER_KERNELS_TRY(bf16(unembedding_, w.unembedding, s.vocab * h));
        return Status::success();
    }();
    // The staging buffers must outlive every copy and repack that reads them.
    const Status synced = stream_.synchronize();
    track_allocation(-static_cast<std::int64_t>(repack_staging.size()));
    if (!status.ok()) return status;
    return synced;
}

}  // namespace ponder::kernels::module
