#include "kernels/module/plan.h"

#include <algorithm>

namespace ponder::kernels::module {

namespace {

// Hands out aligned offsets in order.
class Carver {
  public:
    std::size_t take(std::size_t bytes) {
        const std::size_t here = next_;
        next_ += align_up(bytes);
        return here;
    }
    std::size_t total() const { return next_; }

  private:
    std::size_t next_ = 0;
};

std::size_t bf16_bytes(std::int64_t elements) {
    return static_cast<std::size_t>(elements) * 2;
}

std::size_t u(std::int64_t value) {
    return static_cast<std::size_t>(value);
}

}  // namespace

bool ModelShape::any_sliding() const {
    return std::find(sliding.begin(), sliding.end(), true) != sliding.end();
}

WeightLayout plan_weights(const ModelShape& s) {
    Carver carve;
    WeightLayout layout;
    const std::int64_t h = s.hidden, e = s.experts, i = s.intermediate;
    layout.embedding = carve.take(bf16_bytes(s.vocab * h));
    for (std::int64_t l = 0; l < s.layers(); ++l) {
        LayerOffsets o{};
        o.attn_norm = carve.take(bf16_bytes(h));
        o.qkv_weight = carve.take(bf16_bytes(s.qkv_rows() * h));
        o.qkv_bias = carve.take(bf16_bytes(s.qkv_rows()));
        o.o_weight = carve.take(bf16_bytes(h * s.q_width()));
        o.o_bias = carve.take(bf16_bytes(h));
        o.sinks = carve.take(bf16_bytes(s.q_heads));
        o.mlp_norm = carve.take(bf16_bytes(h));
        o.router_weight = carve.take(bf16_bytes(e * h));
        o.router_bias = carve.take(bf16_bytes(e));
        // MXFP4: half a byte per weight, one scale byte per 32 (docs/gpt-oss.md §3).
        o.gate_up_blocks = carve.take(u(e * 2 * i * h / 2));
        o.gate_up_scales = carve.take(u(e * 2 * i * h / 32));
        o.gate_up_bias = carve.take(bf16_bytes(e * 2 * i));
        o.down_blocks = carve.take(u(e * h * i / 2));
        o.down_scales = carve.take(u(e * h * i / 32));
        o.down_bias = carve.take(bf16_bytes(e * h));
        layout.layers.push_back(o);
    }
    layout.final_norm = carve.take(bf16_bytes(h));
    layout.unembedding = carve.take(bf16_bytes(s.vocab * h));
    layout.rope_inv_freq = carve.take(32 * sizeof(float));
    layout.total = carve.total();
    return layout;
}

ScratchLayout plan_scratch(const ModelShape& s, int chunk, const KernelWorkspaces& sizes) {
    Carver carve;
    ScratchLayout layout;
    layout.chunk = chunk;
    const std::int64_t t = chunk, h = s.hidden;
    layout.tokens = carve.take(u(t) * 4);
    layout.x = carve.take(u(t * h) * 4);
    layout.t = carve.take(bf16_bytes(t * h));
    layout.qkv = carve.take(u(t * s.qkv_rows()) * 4);
    layout.q = carve.take(bf16_bytes(t * s.q_width()));
    layout.attn = carve.take(bf16_bytes(t * s.q_width()));
    layout.delta = carve.take(u(t * h) * 4);
    layout.router = carve.take(u(std::max<std::int64_t>(t, kRouterSplits) * s.experts) * 4);
    layout.expert_idx = carve.take(u(t) * 4 * 4);
    layout.expert_weight = carve.take(u(t) * 4 * 4);
    layout.moe_grouped = carve.take(sizes.moe_grouped);
    layout.moe_act = carve.take(u(4 * s.intermediate) * 2);
    layout.partials = carve.take(sizes.sdpa_partials);
    layout.logits = carve.take(u(kLogitsRows * s.vocab) * 4);
    layout.sampler = carve.take(sizes.sampler);
    layout.total = carve.total();
    return layout;
}

std::int64_t ring_capacity(std::int64_t window, std::int64_t retain, int chunk) {
    return window + std::max<std::int64_t>(std::max<std::int64_t>(retain, 0), chunk);
}

int full_layer_decode_splits(std::int64_t capacity) {
    const std::int64_t splits = (capacity + kKeysPerSplitTarget - 1) / kKeysPerSplitTarget;
    return static_cast<int>(std::clamp<std::int64_t>(splits, 1, kMaxDecodeSplits));
}

SessionLayout plan_session(const ModelShape& s, std::int64_t max_tokens, std::int64_t retain,
                           int chunk) {
    Carver carve;
    SessionLayout layout;
    const std::int64_t ring = ring_capacity(s.window, retain, chunk);
    for (bool sliding : s.sliding) {
        const std::int64_t capacity = sliding ? ring : max_tokens;
        layout.capacity.push_back(capacity);
        layout.k.push_back(carve.take(bf16_bytes(s.kv_width() * capacity)));
        layout.v.push_back(carve.take(bf16_bytes(s.kv_width() * capacity)));
    }
    layout.state = carve.take(kAlignment);
    layout.total = carve.total();
    layout.full_splits = full_layer_decode_splits(max_tokens);
    return layout;
}

}  // namespace ponder::kernels::module
