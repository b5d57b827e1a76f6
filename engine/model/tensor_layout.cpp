#include "engine/model/tensor_layout.h"

#include <cassert>

namespace ponder {

const char* layout_name(CheckpointLayout layout) {
    switch (layout) {
        case CheckpointLayout::automatic:
            return "auto";
        case CheckpointLayout::hf:
            return "hf";
        case CheckpointLayout::original:
            return "original";
        case CheckpointLayout::gguf:
            return "gguf";
    }
    return "unknown";
}

std::vector<TensorSpec> expected_tensors(const ModelConfig& config, CheckpointLayout layout) {
    assert(layout == CheckpointLayout::hf || layout == CheckpointLayout::original);
    const bool hf = layout == CheckpointLayout::hf;
    const std::int64_t hidden = config.hidden_size;
    const std::int64_t vocab = config.vocab_size;
    const std::int64_t experts = config.num_experts;
    const std::int64_t q_width = config.q_width();
    const std::int64_t kv_width = config.kv_width();
    const std::int64_t gate_up_rows = 2 * config.intermediate_size;  // gate and up interleaved
    const std::int64_t hidden_blocks = hidden / 32;
    const std::int64_t intermediate_blocks = config.intermediate_size / 32;

    std::vector<TensorSpec> specs;
    const auto add = [&](std::string name, TensorRole role, std::int64_t layer, Dtype dtype,
                         std::vector<std::int64_t> shape) {
        specs.push_back({std::move(name), role, layer, dtype, std::move(shape)});
    };
    using R = TensorRole;
    add(hf ? "model.embed_tokens.weight" : "embedding.weight", R::embedding, -1, Dtype::bf16,
        {vocab, hidden});
    add(hf ? "model.norm.weight" : "norm.scale", R::final_norm, -1, Dtype::bf16, {hidden});
    add(hf ? "lm_head.weight" : "unembedding.weight", R::unembedding, -1, Dtype::bf16,
        {vocab, hidden});

    for (std::int64_t layer = 0; layer < config.num_layers; ++layer) {
        const std::string p = hf ? "model.layers." + std::to_string(layer) + "."
                                 : "block." + std::to_string(layer) + ".";
        const auto bf16_tensor = [&](const std::string& hf_name, const std::string& openai_name,
                                     TensorRole role, std::vector<std::int64_t> shape) {
            add(p + (hf ? hf_name : openai_name), role, layer, Dtype::bf16, std::move(shape));
        };
        bf16_tensor("input_layernorm.weight", "attn.norm.scale", R::attn_norm, {hidden});
        if (hf) {
            bf16_tensor("self_attn.q_proj.weight", "", R::q_weight, {q_width, hidden});
            bf16_tensor("self_attn.q_proj.bias", "", R::q_bias, {q_width});
            bf16_tensor("self_attn.k_proj.weight", "", R::k_weight, {kv_width, hidden});
            bf16_tensor("self_attn.k_proj.bias", "", R::k_bias, {kv_width});
            bf16_tensor("self_attn.v_proj.weight", "", R::v_weight, {kv_width, hidden});
            bf16_tensor("self_attn.v_proj.bias", "", R::v_bias, {kv_width});
        } else {
            const std::int64_t qkv_rows = q_width + 2 * kv_width;
            bf16_tensor("", "attn.qkv.weight", R::qkv_weight, {qkv_rows, hidden});
            bf16_tensor("", "attn.qkv.bias", R::qkv_bias, {qkv_rows});
        }
        bf16_tensor("self_attn.o_proj.weight", "attn.out.weight", R::o_weight, {hidden, q_width});
        bf16_tensor("self_attn.o_proj.bias", "attn.out.bias", R::o_bias, {hidden});
        bf16_tensor("self_attn.sinks", "attn.sinks", R::sinks, {config.num_heads});
        bf16_tensor("post_attention_layernorm.weight", "mlp.norm.scale", R::mlp_norm, {hidden});
        bf16_tensor("mlp.router.weight", "mlp.gate.weight", R::router_weight, {experts, hidden});
        bf16_tensor("mlp.router.bias", "mlp.gate.bias", R::router_bias, {experts});
        add(p + (hf ? "mlp.experts.gate_up_proj_blocks" : "mlp.mlp1_weight.blocks"),
            R::gate_up_blocks, layer, Dtype::u8, {experts, gate_up_rows, hidden_blocks, 16});
        add(p + (hf ? "mlp.experts.gate_up_proj_scales" : "mlp.mlp1_weight.scales"),
            R::gate_up_scales, layer, Dtype::u8, {experts, gate_up_rows, hidden_blocks});
        bf16_tensor("mlp.experts.gate_up_proj_bias", "mlp.mlp1_bias", R::gate_up_bias,
                    {experts, gate_up_rows});
        add(p + (hf ? "mlp.experts.down_proj_blocks" : "mlp.mlp2_weight.blocks"), R::down_blocks,
            layer, Dtype::u8, {experts, hidden, intermediate_blocks, 16});
        add(p + (hf ? "mlp.experts.down_proj_scales" : "mlp.mlp2_weight.scales"), R::down_scales,
            layer, Dtype::u8, {experts, hidden, intermediate_blocks});
        bf16_tensor("mlp.experts.down_proj_bias", "mlp.mlp2_bias", R::down_bias, {experts, hidden});
    }
    return specs;
}

}  // namespace ponder
