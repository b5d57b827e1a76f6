// gpt-oss hyperparameters, read from a model folder's config.json (HF names) or
// original/config.json (OpenAI names). docs/gpt-oss.md §1. Every field comes from the file, so the
// tiny test models and the real 20b/120b run through the same code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace ponder {

struct RopeScaling {
    double factor = 32.0;     // YaRN context extension factor
    double beta_fast = 32.0;  // HF beta_fast == OpenAI rope_ntk_beta
    double beta_slow = 1.0;   // HF beta_slow == OpenAI rope_ntk_alpha
    std::int64_t original_max_position =
        4096;               // original_max_position_embeddings / initial_context_length
    bool truncate = false;  // gpt-oss: false (low/high used as real numbers)
};

struct ModelConfig {
    std::int64_t vocab_size = 0;               // 201088 for gpt-oss
    std::int64_t hidden_size = 0;              // H (2880)
    std::int64_t num_layers = 0;               // 24 (20b) / 36 (120b)
    std::int64_t num_heads = 0;                // query heads (64)
    std::int64_t num_kv_heads = 0;             // 8
    std::int64_t head_dim = 0;                 // 64
    std::int64_t num_experts = 0;              // 32 (20b) / 128 (120b)
    std::int64_t experts_per_token = 0;        // 4
    std::int64_t intermediate_size = 0;        // I per expert (2880)
    std::int64_t sliding_window = 0;           // 128
    std::int64_t max_position_embeddings = 0;  // 131072
    double rms_norm_eps = 1e-5;
    double rope_theta = 150000.0;
    RopeScaling rope_scaling;
    double swiglu_limit = 7.0;
    double swiglu_alpha = 1.702;
    std::vector<bool> layer_is_sliding;  // [num_layers]; from layer_types, else even layers slide
    std::vector<std::int32_t> eos_token_ids;  // stop tokens when the folder names them

    std::int64_t q_width() const { return num_heads * head_dim; }      // 4096
    std::int64_t kv_width() const { return num_kv_heads * head_dim; }  // 512
};

// Parses the text of a config.json in either naming: Hugging Face (num_local_experts,
// num_experts_per_tok, rope_scaling{...}, layer_types, eos_token_id int or list) or OpenAI's
// original/config.json (num_experts, experts_per_token, rope_scaling_factor, rope_ntk_alpha/beta,
// initial_context_length); where a file has both names for one field they must agree. Fields the
// OpenAI format leaves out take the reference code's values (rms_norm_eps 1e-5, swiglu_alpha
// 1.702, YaRN 32/32/1 over 4096, max_position_embeddings = original context * factor, even
// layers slide). Validates the result (see validate_model_config). `source` names the file in
// messages. Fails with bad_model (malformed, missing or inconsistent field) or unsupported
// (another model_type, no attention bias, tied embeddings).
Result<ModelConfig> parse_model_config(std::string_view json_text, std::string_view source);

// Takes eos_token_id (an int or a list) from the text of a generation_config.json, replacing
// config.eos_token_ids when present. bad_model when malformed or an id is outside the vocabulary.
Status apply_generation_config(ModelConfig& config, std::string_view json_text,
                               std::string_view source);

// Reads `config_file` and, when a generation_config.json lies next to it, that too.
// io_error when the config cannot be read; otherwise as parse_model_config.
Result<ModelConfig> read_model_config(const std::filesystem::path& config_file);

// The checks parse_model_config applies: positive sizes below 2^24, query heads a multiple of KV
// heads, even head_dim (RoPE pairs d with d + head_dim/2), hidden and intermediate sizes multiples
// of 32 (MXFP4 blocks run along both), experts_per_token <= num_experts, one layer_is_sliding
// entry per layer, positive eps/theta/YaRN factor/swiglu limit, eos ids inside the vocabulary.
Status validate_model_config(const ModelConfig& config, std::string_view source);

}  // namespace ponder
