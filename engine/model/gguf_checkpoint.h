// Opening a gpt-oss GGUF file (one file: metadata, tokenizer and weights) as llama.cpp, LM Studio
// and Ollama write it, bound into the same ModelWeights as a safetensors folder (docs/gguf.md).
//
// Names understood (per layer N, `blk.N.` prefix):
//   llama.cpp (general.architecture "gpt-oss", keys "gpt-oss.*"): attn_norm, attn_q/k/v,
//     attn_output, attn_sinks.weight, post_attention_norm, ffn_gate_inp, ffn_gate_exps +
//     ffn_up_exps (or the fused ffn_gate_up_exps: gate rows, then up rows), ffn_down_exps,
//     each matrix with its .bias; token_embd, output_norm, output.
//   Ollama (architecture "gptoss", keys "gptoss.*"): attn_out for attn_output, ffn_norm for
//     post_attention_norm, attn_sinks without ".weight", and from OpenAI's original/ layout a
//     packed attn_qkv (q rows, then k, then v).
// A model split in parts (NAME-00001-of-00003.gguf, as llama.cpp's gguf-split writes the 120b)
// is opened from its first part, which finds the others beside it by name (split.count/no).
// Tensor types: dense tensors F32, F16, BF16 or Q8_0; expert matrices MXFP4 (ggml's 17-byte
// block: E8M0 scale, then 16 bytes holding element j in the low nibble and j + 16 in the high
// nibble of byte j). Anything else is refused naming the tensor and its type.
//
// What runs in place and what is converted once at load (the CPU and CUDA backends read one
// weight layout): BF16 tensors are used in place from the mapping; F32, F16 and Q8_0 dense tensors
// are widened/rounded to BF16 (exact for values BF16 can hold, e.g. a BF16 model stored as F32);
// MXFP4 experts are repacked to the safetensors layout (blocks + scales, gate/up rows
// interleaved), which costs the same bytes as the file's experts in anonymous memory, and the
// file pages each tensor came from are released as it is converted, so memory does not double.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "engine/io/gguf.h"
#include "engine/model/checkpoint.h"
#include "engine/model/config.h"
#include "engine/status.h"

namespace ponder {

// "F32, F16, BF16, Q8_0 (dense) and MXFP4 (experts)": the types Ponder runs, for messages.
const char* gguf_runnable_types();

// The gpt-oss hyperparameters of a parsed GGUF file: general.architecture "gpt-oss" or "gptoss"
// and that architecture's keys (context_length, embedding_length, block_count,
// expert_feed_forward_length or feed_forward_length, attention.head_count, head_count_kv,
// key_length = value_length, attention.sliding_window, expert_count, expert_used_count,
// rope.freq_base, rope.scaling.factor / original_context_length / yarn_beta_fast /
// yarn_beta_slow, attention.layer_norm_rms_epsilon), the vocabulary size from token_embd, and
// stop tokens from tokenizer.ggml.eos_token_id(s). YaRN is always gpt-oss's untruncated
// variant, whatever the file's runtime does. bad_model (missing or malformed key) or unsupported
// (another architecture, a rope scaling other than YaRN).
Result<ModelConfig> gguf_model_config(const GgufFile& file, std::string_view source);

// Maps, validates and binds `path`. io_error (unreadable), bad_model (malformed file, missing or
// unexpected tensor, wrong shape; the message names the tensor, expected vs actual), unsupported
// (a tensor type Ponder does not run, another architecture), invalid_argument (a layout other
// than automatic or gguf was requested), cancelled.
Result<std::unique_ptr<Checkpoint>> open_gguf_checkpoint(const std::filesystem::path& path,
                                                         const LoadOptions& options);

}  // namespace ponder
