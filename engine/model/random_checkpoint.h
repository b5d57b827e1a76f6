// Random-weight gpt-oss checkpoints with the real tensor names, dtypes, shapes and MXFP4 packing
// (docs/gpt-oss.md §2-3), for tests, benchmarks and trying the app without downloading weights.
// Values are sized so that activations stay sane through a forward pass: BF16 matrices ~
// N(0, 1/fan_in), norms ~1, sinks and biases ~0, MXFP4 scales chosen so that a dequantized row
// has a standard deviation of about 1/sqrt(fan_in).
//
// Values depend only on (seed, layer, tensor, element index) through a counter-based generator,
// so they are reproducible, can be filled in parallel, and both layouts get the SAME values (the
// packed qkv of the original layout holds exactly the HF q, k and v).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "engine/model/config.h"
#include "engine/model/tensor_layout.h"
#include "engine/status.h"

namespace ponder {

// "20b" and "120b": the published shapes (13.8 GB and 65 GB of tensors). "tiny": the real
// vocabulary (201088, so the o200k tokenizer and harmony's special tokens work) and the real
// head_dim 64, GQA group 8 (16 query / 2 KV heads), 32 experts top-4, window 128 and YaRN over
// 4096, but hidden 32, intermediate 64 and 4 layers: ~27 MB, almost all of it the two
// 201088 x 32 BF16 embedding matrices. invalid_argument for another name.
Result<ModelConfig> random_model_preset(std::string_view name);

struct RandomCheckpointOptions {
    CheckpointLayout layout = CheckpointLayout::hf;  // hf or original
    std::uint64_t seed = 0;
    unsigned threads = 0;  // generator threads; 0 = one per hardware thread
    // Optional; as LoadOptions::progress: called per written chunk, false cancels.
    std::function<bool(double fraction, const std::string& stage)> progress;
};

// Writes a checkpoint for `config` into `dir` (created if needed; must not already hold one):
//   hf:       config.json, generation_config.json, model.safetensors
//   original: original/config.json, original/dtypes.json, original/model.safetensors, and
//             generation_config.json at the top (as the published repositories have it)
// The data streams through a bounded buffer (a few MB per thread) whatever the model size.
// Fails with io_error (cannot write, not enough free space: checked before starting),
// invalid_argument (bad layout, folder already holds a checkpoint) or cancelled.
Status write_random_checkpoint(const ModelConfig& config, const std::filesystem::path& dir,
                               const RandomCheckpointOptions& options);

}  // namespace ponder
