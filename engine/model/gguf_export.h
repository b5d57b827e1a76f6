// Writing a loaded gpt-oss model as one GGUF file with llama.cpp's (or Ollama's) tensor names,
// shapes and MXFP4 blocks (engine/model/gguf_checkpoint.h describes them), for `ponder-cli
// make-model --format gguf` and for tests that need the same weights in both formats.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/io/gguf_writer.h"
#include "engine/model/config.h"
#include "engine/model/weights.h"
#include "engine/status.h"

namespace ponder {

enum class GgufNaming {
    llama_cpp,        // "gpt-oss": ffn_gate_exps + ffn_up_exps, attn_output, post_attention_norm
    llama_cpp_fused,  // "gpt-oss" with one ffn_gate_up_exps (gate rows, then up rows)
    ollama,           // "gptoss": attn_out, ffn_norm, attn_sinks without ".weight"
};

struct GgufExportOptions {
    // The type of the dense matrices (embedding, unembedding, attention, router, expert biases):
    // f32, f16, bf16 or q8_0. One-dimensional tensors (norms, biases, sinks) are always F32, as
    // llama.cpp's converter writes them. Experts are always MXFP4, bit for bit the checkpoint's.
    GgmlType dense_type = GgmlType::bf16;
    GgufNaming naming = GgufNaming::llama_cpp;
    // Added to the model's own keys, e.g. the tokenizer.ggml.* vocabulary.
    std::vector<GgufEntry> extra_metadata;
    // Optional; called after each tensor with the fraction written. false cancels.
    std::function<bool(double fraction, const std::string& stage)> progress;
};

// Writes `weights` (in the engine's layout: BF16 + MXFP4 blocks/scales) as `path`. io_error
// (cannot write), invalid_argument (a dense type other than the four), cancelled.
Status export_gguf(const ModelConfig& config, const ModelWeights& weights,
                   const std::filesystem::path& path, const GgufExportOptions& options);

}  // namespace ponder
