#include "kernels/module/forward_steps.h"

#include <algorithm>

#include "kernels/gemm_cublas.h"
#include "kernels/launchers.h"

namespace ponder::kernels::module {

namespace {

constexpr float kAttentionScale = 0.125f;  // 1 / sqrt(head_dim = 64), on q.k only

int i(std::int64_t value) {
    return static_cast<int>(value);
}

RmsnormArgs rmsnorm(const DeviceModel& m, float* x, const bf16_bits* weight, bf16_bits* out,
                    int rows) {
    RmsnormArgs a;
    a.x = x;
    a.weight = weight;
    a.out = out;
    a.num_tokens = rows;
    a.hidden = i(m.shape().hidden);
    a.eps = m.params().eps;
    return a;
}

RopeParams rope(const DeviceModel& m, const std::int32_t* position) {
    return {m.rope_inv_freq(), m.params().rope_attention_factor, position};
}

Status gemm(DeviceModel& m, const bf16_bits* weight, const bf16_bits* x, float* y, int tokens,
            std::int64_t rows, std::int64_t cols) {
    GemmArgs a;
    a.weight = weight;
    a.x = x;
    a.y = y;
    a.num_tokens = tokens;
    a.rows = i(rows);
    a.cols = i(cols);
    return bf16_bf16w_gemm(m.blas(), a, m.stream());
}

Status topk(const DeviceModel& m, const LayerView& layer, int tokens, int partials) {
    const ScratchView& sc = m.scratch();
    TopkSoftmaxArgs a;
    a.logits = sc.router;
    a.bias = layer.router_bias;
    a.expert_idx = sc.expert_idx;
    a.expert_weight = sc.expert_weight;
    a.num_tokens = tokens;
    a.num_experts = i(m.shape().experts);
    a.num_partials = partials;
    return m.shape().experts == 32 ? f32_topk_softmax_e32_k4(a, m.stream())
                                   : f32_topk_softmax_e128_k4(a, m.stream());
}

}  // namespace

Status enqueue_embedding(StepTarget& target, const std::int32_t* tokens, int num_tokens) {
    const DeviceModel& m = target.model;
    EmbeddingArgs a;
    a.tokens = tokens;
    a.table = m.embedding();
    a.x = m.scratch().x;
    a.num_tokens = num_tokens;
    a.hidden = i(m.shape().hidden);
    a.vocab = i(m.shape().vocab);
    return i32_bf16w_embedding(a, m.stream());
}

Status enqueue_prefill_layer(StepTarget& target, int layer_index, int num_tokens) {
    DeviceModel& m = target.model;
    const ModelShape& s = m.shape();
    const ScratchView& sc = m.scratch();
    const LayerView& layer = m.layers()[static_cast<std::size_t>(layer_index)];
    const KvCacheView& cache = target.caches[static_cast<std::size_t>(layer_index)];
    const StreamHandle stream = m.stream();
    const int t = num_tokens;

    // Attention block.
    PONDER_KERNELS_TRY(
        f32_bf16w_rmsnorm_residual(rmsnorm(m, sc.x, layer.attn_norm, sc.t, t), stream));
    PONDER_KERNELS_TRY(gemm(m, layer.qkv_weight, sc.t, sc.qkv, t, s.qkv_rows(), s.hidden));
    QkvRopePrefillArgs qkv;
    qkv.qkv = sc.qkv;
    qkv.bias = layer.qkv_bias;
    qkv.rope = rope(m, target.position);
    qkv.q = sc.q;
    qkv.cache = cache;
    qkv.num_tokens = t;
    qkv.num_kv_heads = i(s.kv_heads);
    PONDER_KERNELS_TRY(f32_qkv_bias_rope_cache_d64(qkv, stream));
    SdpaArgs attn;
    attn.q = sc.q;
    attn.cache = cache;
    attn.sinks = layer.sinks;
    attn.pos0 = target.position;
    attn.out = sc.attn;
    attn.num_tokens = t;
    attn.num_kv_heads = i(s.kv_heads);
    attn.scale = kAttentionScale;
    PONDER_KERNELS_TRY(bf16_sdpa_sink_window_d64_prefill(attn, stream));
    PONDER_KERNELS_TRY(gemm(m, layer.o_weight, sc.attn, sc.delta, t, s.hidden, s.q_width()));

    // MoE block: x += o_proj + bias, then the normalised input of the router and experts.
    RmsnormArgs norm = rmsnorm(m, sc.x, layer.mlp_norm, sc.t, t);
    norm.delta = sc.delta;
    norm.delta_bias = layer.o_bias;
    PONDER_KERNELS_TRY(f32_bf16w_rmsnorm_residual(norm, stream));
    PONDER_KERNELS_TRY(gemm(m, layer.router_weight, sc.t, sc.router, t, s.experts, s.hidden));
    PONDER_KERNELS_TRY(topk(m, layer, t, 1));
    MoeGroupedArgs moe;
    moe.experts = layer.experts;
    moe.x = sc.t;
    moe.expert_idx = sc.expert_idx;
    moe.expert_weight = sc.expert_weight;
    moe.residual = sc.x;
    moe.scratch =
        moe_grouped_scratch(sc.moe_grouped, t, i(s.experts), i(s.hidden), i(s.intermediate));
    moe.num_tokens = t;
    PONDER_KERNELS_TRY(i32_moe_group_by_expert(moe, stream));
    PONDER_KERNELS_TRY(bf16_mxfp4w_moe_gate_up_swiglu_grouped(moe, stream));
    PONDER_KERNELS_TRY(f16_mxfp4w_moe_down_grouped(moe, stream));
    return f32_moe_combine_residual(moe, stream);
}

Status enqueue_decode_layer(StepTarget& target, int layer_index) {
    DeviceModel& m = target.model;
    const ModelShape& s = m.shape();
    const ScratchView& sc = m.scratch();
    const LayerView& layer = m.layers()[static_cast<std::size_t>(layer_index)];
    const KvCacheView& cache = target.caches[static_cast<std::size_t>(layer_index)];
    const StreamHandle stream = m.stream();

    PONDER_KERNELS_TRY(
        f32_bf16w_rmsnorm_residual(rmsnorm(m, sc.x, layer.attn_norm, sc.t, 1), stream));
    QkvRopeDecodeArgs qkv;
    qkv.weight = layer.qkv_weight;
    qkv.bias = layer.qkv_bias;
    qkv.x = sc.t;
    qkv.rope = rope(m, target.position);
    qkv.q = sc.q;
    qkv.cache = cache;
    qkv.num_kv_heads = i(s.kv_heads);
    qkv.hidden = i(s.hidden);
    PONDER_KERNELS_TRY(bf16_bf16w_qkv_rope_cache_d64(qkv, stream));
    SdpaDecodeArgs attn;
    attn.attn.q = sc.q;
    attn.attn.cache = cache;
    attn.attn.sinks = layer.sinks;
    attn.attn.pos0 = target.position;
    attn.attn.out = sc.attn;
    attn.attn.num_tokens = 1;
    attn.attn.num_kv_heads = i(s.kv_heads);
    attn.attn.scale = kAttentionScale;
    attn.partials = sc.partials;
    attn.num_splits = cache.window > 0 ? kSlidingDecodeSplits : target.full_splits;
    PONDER_KERNELS_TRY(bf16_sdpa_sink_window_d64_decode(attn, stream));
    MatvecArgs o;
    o.weight = layer.o_weight;
    o.bias = layer.o_bias;
    o.x = sc.attn;
    o.y = sc.delta;
    o.rows = i(s.hidden);
    o.cols = i(s.q_width());
    PONDER_KERNELS_TRY(bf16_bf16w_matvec(o, stream));

    RmsnormArgs norm = rmsnorm(m, sc.x, layer.mlp_norm, sc.t, 1);
    norm.delta = sc.delta;
    PONDER_KERNELS_TRY(f32_bf16w_rmsnorm_residual(norm, stream));
    // The router has only 32 or 128 rows: its columns are split over kRouterSplits slices so
    // that more SMs stream its weights; the top-k kernel sums the slices in order.
    const int splits = static_cast<int>(std::min<std::int64_t>(kRouterSplits, s.hidden / 8));
    MatvecArgs router;
    router.weight = layer.router_weight;
    router.x = sc.t;
    router.y = sc.router;
    router.rows = i(s.experts);
    router.cols = i(s.hidden);
    router.k_splits = splits;
    PONDER_KERNELS_TRY(bf16_bf16w_matvec(router, stream));
    PONDER_KERNELS_TRY(topk(m, layer, 1, splits));
    MoeDecodeArgs moe;
    moe.experts = layer.experts;
    moe.x = sc.t;
    moe.expert_idx = sc.expert_idx;
    moe.expert_weight = sc.expert_weight;
    moe.act = sc.moe_act;
    moe.residual = sc.x;
    PONDER_KERNELS_TRY(bf16_mxfp4w_moe_gate_up_swiglu_decode(moe, stream));
    return f16_mxfp4w_moe_down_accumulate_decode(moe, stream);
}

Status enqueue_final_norm(StepTarget& target, int first_row, int rows) {
    const DeviceModel& m = target.model;
    const ScratchView& sc = m.scratch();
    const std::size_t offset =
        static_cast<std::size_t>(first_row) * static_cast<std::size_t>(m.shape().hidden);
    return f32_bf16w_rmsnorm_residual(
        rmsnorm(m, sc.x + offset, m.final_norm(), sc.t + offset, rows), m.stream());
}

Status enqueue_unembedding(StepTarget& target, int first_row, int rows) {
    DeviceModel& m = target.model;
    const ModelShape& s = m.shape();
    const ScratchView& sc = m.scratch();
    const bf16_bits* t =
        sc.t + static_cast<std::size_t>(first_row) * static_cast<std::size_t>(s.hidden);
    if (rows == 1) {
        MatvecArgs a;
        a.weight = m.unembedding();
        a.x = t;
        a.y = sc.logits;
        a.rows = i(s.vocab);
        a.cols = i(s.hidden);
        return bf16_bf16w_matvec(a, m.stream());
    }
    return gemm(m, m.unembedding(), t, sc.logits, rows, s.vocab, s.hidden);
}

Status enqueue_sample(StepTarget& target, const ponder_cuda_sampling& sampling, std::int32_t* token,
                      std::uint64_t* draw_counter) {
    const DeviceModel& m = target.model;
    SampleArgs a;
    a.logits = m.scratch().logits;
    a.vocab = i(m.shape().vocab);
    a.temperature = sampling.temperature;
    a.top_p = sampling.top_p;
    a.seed = sampling.seed;
    a.rng_counter = draw_counter;
    a.token = token;
    a.workspace = m.scratch().sampler;
    return sampling.temperature > 0.0f ? f32_sample_top_p(a, m.stream())
                                       : f32_sample_argmax(a, m.stream());
}

}  // namespace ponder::kernels::module
