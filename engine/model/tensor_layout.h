// The tensors a gpt-oss checkpoint must contain, by layout (docs/gpt-oss.md §2): names, dtypes
// and shapes computed from the config. The loader checks files against this list and the
// random-checkpoint writer writes exactly this list, so the two cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/safetensors.h"
#include "engine/model/config.h"

namespace ponder {

enum class CheckpointLayout {
    automatic,  // only as a request: detect from the folder
    hf,         // Hugging Face: model.layers.N.self_attn.q_proj.weight, ... (+ shard index)
    original,   // OpenAI original/: block.N.attn.qkv.weight (packed q, k, v rows), ...
    gguf,       // one GGUF file as llama.cpp, LM Studio or Ollama write it (gguf_checkpoint.h)
};

const char* layout_name(CheckpointLayout layout);  // "auto", "hf", "original", "gguf"

// What a tensor is for; the same role in both layouts except that the original layout packs
// q, k and v into one qkv tensor (rows [0, q_width) = q, then k, then v).
enum class TensorRole : std::uint8_t {
    embedding,
    final_norm,
    unembedding,
    attn_norm,
    q_weight,
    q_bias,
    k_weight,
    k_bias,
    v_weight,
    v_bias,
    qkv_weight,
    qkv_bias,
    o_weight,
    o_bias,
    sinks,
    mlp_norm,
    router_weight,
    router_bias,
    gate_up_blocks,
    gate_up_scales,
    gate_up_bias,
    down_blocks,
    down_scales,
    down_bias,
};

struct TensorSpec {
    std::string name;
    TensorRole role;
    std::int64_t layer;  // -1 for embedding, final norm and unembedding
    Dtype dtype;
    std::vector<std::int64_t> shape;
};

// Every tensor of a `layout` (hf or original; GGUF names are in gguf_checkpoint.cpp) checkpoint for
// `config`: globals first, then the layers in order. The config must have passed
// validate_model_config.
std::vector<TensorSpec> expected_tensors(const ModelConfig& config, CheckpointLayout layout);

}  // namespace ponder
