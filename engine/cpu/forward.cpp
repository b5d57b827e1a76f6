#include "engine/cpu/forward.h"

#include <algorithm>
#include <string>

#include "engine/cpu/attention.h"
#include "engine/cpu/matmul.h"
#include "engine/cpu/norm.h"

namespace ponder::cpu {

namespace {

template <typename T>
void ensure(std::vector<T>& buffer, std::int64_t n) {
    if (buffer.size() < static_cast<size_t>(n)) buffer.resize(static_cast<size_t>(n));
}

void add_in_place(float* x, const float* delta, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i)
        x[i] += delta[i];
}

}  // namespace

void Activations::resize(const ModelConfig& config, std::int64_t tokens) {
    ensure(x, tokens * config.hidden_size);
    ensure(normed, tokens * config.hidden_size);
    ensure(q, tokens * config.q_width());
    ensure(k, tokens * config.kv_width());
    ensure(v, tokens * config.kv_width());
    ensure(attn, tokens * config.q_width());
    ensure(attn_out, tokens * config.hidden_size);
    ensure(moe_out, tokens * config.hidden_size);
    ensure(rope_cos, tokens * config.head_dim / 2);
    ensure(rope_sin, tokens * config.head_dim / 2);
}

CpuTransformer::CpuTransformer(const ModelConfig& config, const ModelWeights& weights, int threads)
    : config_(config),
      weights_(weights),
      rope_(YarnRope::from_config(config)),
      moe_shape_{config.hidden_size,
                 config.intermediate_size,
                 config.num_experts,
                 config.experts_per_token,
                 static_cast<float>(config.swiglu_limit),
                 static_cast<float>(config.swiglu_alpha)},
      simd_level_(detected_simd_level()),
      dot_(dot_kernels(simd_level_)),
      pool_(threads) {}

Status CpuTransformer::forward(const ForwardStep& step, std::vector<LayerKvCache>& cache,
                               Activations& act) const {
    std::lock_guard lock(mutex_);
    const auto n = static_cast<std::int64_t>(step.tokens.size());
    const std::int64_t hidden = config_.hidden_size;
    const std::int64_t half = config_.head_dim / 2;
    auto trace = [&](const char* name, int layer, const float* data, std::int64_t cols) {
        if (step.trace != nullptr && *step.trace) (*step.trace)(name, layer, data, n, cols);
    };

    act.resize(config_, n);
    embed(step.tokens, act.x.data());
    trace("embed", -1, act.x.data(), hidden);
    for (std::int64_t b = 0; b < n; ++b) {
        rope_.cos_sin(step.first_position + b, act.rope_cos.data() + b * half,
                      act.rope_sin.data() + b * half);
    }

    for (int layer = 0; layer < config_.num_layers; ++layer) {
        if (step.cancel != nullptr && step.cancel->load(std::memory_order_relaxed)) {
            return Status(StatusCode::cancelled,
                          "forward pass cancelled before layer " + std::to_string(layer));
        }
        if (Status status = attention_block(layer, step, cache[static_cast<size_t>(layer)], act);
            !status.ok()) {
            return status;
        }
        moe_block(layer, step, act);
    }
    if (step.logits != LogitsWanted::none) unembed(step, act);
    return Status::success();
}

void CpuTransformer::embed(std::span<const std::int32_t> tokens, float* x) const {
    const std::int64_t hidden = config_.hidden_size;
    for (size_t b = 0; b < tokens.size(); ++b) {
        const bf16* row = weights_.embedding + static_cast<std::int64_t>(tokens[b]) * hidden;
        float* out = x + static_cast<std::int64_t>(b) * hidden;
        for (std::int64_t i = 0; i < hidden; ++i)
            out[i] = bf16_to_f32(row[i]);
    }
}

Status CpuTransformer::attention_block(int layer, const ForwardStep& step, LayerKvCache& cache,
                                       Activations& act) const {
    const LayerWeights& w = weights_.layers[static_cast<size_t>(layer)];
    const auto n = static_cast<std::int64_t>(step.tokens.size());
    const std::int64_t hidden = config_.hidden_size;
    const std::int64_t d = config_.head_dim;
    const std::int64_t q_width = config_.q_width();
    const std::int64_t kv_width = config_.kv_width();

    rms_norm(act.x.data(), w.attn_norm, config_.rms_norm_eps, n, hidden, act.normed.data());
    const Bf16Linear qkv[] = {
        {w.q_weight, w.q_bias, q_width, act.q.data(), q_width},
        {w.k_weight, w.k_bias, kv_width, act.k.data(), kv_width},
        {w.v_weight, w.v_bias, kv_width, act.v.data(), kv_width},
    };
    f32_bf16w_matmul(pool_, dot_, qkv, act.normed.data(), n, hidden);

    for (std::int64_t b = 0; b < n; ++b) {
        const float* cos = act.rope_cos.data() + b * d / 2;
        const float* sin = act.rope_sin.data() + b * d / 2;
        for (std::int64_t h = 0; h < config_.num_heads; ++h) {
            apply_rope(act.q.data() + b * q_width + h * d, cos, sin, d / 2);
        }
        for (std::int64_t g = 0; g < config_.num_kv_heads; ++g) {
            apply_rope(act.k.data() + b * kv_width + g * d, cos, sin, d / 2);
        }
    }

    // Keys are cached after rotation. A full layer replaying a prefix already holds them.
    if (Status status = cache.reserve(step.first_position + n); !status.ok()) return status;
    for (std::int64_t b = 0; b < n; ++b) {
        if (step.first_position + b >= cache.end()) {
            cache.append(act.k.data() + b * kv_width, act.v.data() + b * kv_width);
        }
    }

    const bool sliding = config_.layer_is_sliding[static_cast<size_t>(layer)];
    const AttentionShape shape{config_.num_heads, config_.num_kv_heads, d,
                               sliding ? config_.sliding_window : 0};
    f32_sdpa_sink_window(pool_, dot_, shape, act.q.data(), step.first_position, n, cache, w.sinks,
                         act.attn.data());

    const Bf16Linear o_proj{w.o_weight, w.o_bias, hidden, act.attn_out.data(), hidden};
    f32_bf16w_matmul(pool_, dot_, {&o_proj, 1}, act.attn.data(), n, q_width);
    add_in_place(act.x.data(), act.attn_out.data(), n * hidden);

    if (step.trace != nullptr && *step.trace) {
        (*step.trace)("attn_out", layer, act.attn_out.data(), n, hidden);
        (*step.trace)("resid_after_attn", layer, act.x.data(), n, hidden);
    }
    return Status::success();
}

void CpuTransformer::moe_block(int layer, const ForwardStep& step, Activations& act) const {
    const LayerWeights& w = weights_.layers[static_cast<size_t>(layer)];
    const auto n = static_cast<std::int64_t>(step.tokens.size());
    const std::int64_t hidden = config_.hidden_size;

    rms_norm(act.x.data(), w.mlp_norm, config_.rms_norm_eps, n, hidden, act.normed.data());
    cpu::moe_block(pool_, dot_, moe_shape_, w, act.normed.data(), n, act.moe, act.moe_out.data());
    add_in_place(act.x.data(), act.moe_out.data(), n * hidden);

    if (step.trace != nullptr && *step.trace) {
        const ForwardTrace& trace = *step.trace;
        trace("router_logits", layer, act.moe.router_logits.data(), n, config_.num_experts);
        trace("topk_w", layer, act.moe.weights.data(), n, config_.experts_per_token);
        trace("moe_out", layer, act.moe_out.data(), n, hidden);
        trace("resid_after_mlp", layer, act.x.data(), n, hidden);
    }
}

void CpuTransformer::unembed(const ForwardStep& step, Activations& act) const {
    const auto n = static_cast<std::int64_t>(step.tokens.size());
    const std::int64_t hidden = config_.hidden_size;
    // Only the rows whose logits are wanted pay for the norm and the 201088-row matrix.
    const std::int64_t first = step.logits == LogitsWanted::all ? 0 : n - 1;
    const std::int64_t rows = n - first;
    rms_norm(act.x.data() + first * hidden, weights_.final_norm, config_.rms_norm_eps, rows, hidden,
             act.normed.data());
    if (step.trace != nullptr && *step.trace) {
        (*step.trace)("final_norm", -1, act.normed.data(), rows, hidden);
    }
    const Bf16Linear unembedding{weights_.unembedding, nullptr, config_.vocab_size, step.logits_out,
                                 config_.vocab_size};
    f32_bf16w_matmul(pool_, dot_, {&unembedding, 1}, act.normed.data(), rows, hidden);
}

}  // namespace ponder::cpu
