// gpt-oss hyperparameters, read from a model folder's config.json (HF names) or
// original/config.json (OpenAI names). gpt-oss-spec.md §1. Every field comes from the file, so the
// tiny test models and the real 20b/120b run through the same code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace ponder
