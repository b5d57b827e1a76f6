// Opening a gpt-oss model folder: config + memory-mapped safetensors, every tensor checked by
// name, dtype and shape, bound into ModelWeights (docs/architecture.md §2 and §5,
// docs/gpt-oss.md §1-3).
//
// Folder layouts understood (CheckpointLayout::automatic tries them in this order):
//   hf        DIR/config.json + DIR/model.safetensors.index.json (shards resolved through its
//             weight_map; the published 20b has 3 files named "-of-00002") or DIR/model.safetensors
//   original  DIR/original/config.json + DIR/original/model.safetensors, or DIR itself holding
//             config.json + model.safetensors with OpenAI "block.N.*" names
// generation_config.json (DIR or the config's folder) supplies eos_token_id when present.
// A path that names a FILE is opened as GGUF (engine/model/gguf_checkpoint.h), whatever its name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/io/mapped_file.h"
#include "engine/model/config.h"
#include "engine/model/tensor_layout.h"
#include "engine/model/weights.h"
#include "engine/status.h"

namespace ponder {

struct LoadOptions {
    CheckpointLayout layout = CheckpointLayout::automatic;

    // Optional. Called on the opening thread after the config, after each shard's header and
    // after each tensor is checked, with `fraction` rising from 0 to 1 and a short description of
    // the stage. Returning false cancels: open() releases everything and returns `cancelled`.
    std::function<bool(double fraction, const std::string& stage)> progress;
};

// An open checkpoint. Immutable once open() returns, so any number of threads may read config()
// and weights() concurrently. The weight pointers point into the file mappings this object owns:
// they are valid exactly as long as the Checkpoint lives. No second copy of any weight is made.
class Checkpoint {
  public:
    // Opens the model folder `dir` (or the GGUF file `dir`). Fails with io_error (unreadable file),
    // bad_model (malformed config/index/safetensors, missing or unexpected tensor, wrong dtype or
    // shape, misaligned BF16 data; the message names the file and the tensor, expected vs actual),
    // unsupported (a config this engine cannot run) or cancelled (the progress callback said stop).
    static Result<std::unique_ptr<Checkpoint>> open(const std::filesystem::path& dir,
                                                    const LoadOptions& options = {});

    Checkpoint(const Checkpoint&) = delete;
    Checkpoint& operator=(const Checkpoint&) = delete;
    ~Checkpoint();

    const ModelConfig& config() const { return config_; }
    const ModelWeights& weights() const { return weights_; }
    CheckpointLayout layout() const { return layout_; }  // hf, original or gguf, never automatic
    // The folder holding the config and safetensors files that were opened (for GGUF: the file).
    const std::filesystem::path& folder() const { return folder_; }
    // Total bytes of the bound tensors (13,761,264,768 for gpt-oss-20b).
    std::uint64_t tensor_bytes() const { return tensor_bytes_; }

  private:
    Checkpoint() = default;
    friend class CheckpointLoader;
    friend class GgufCheckpointLoader;

    ModelConfig config_;
    ModelWeights weights_;
    CheckpointLayout layout_ = CheckpointLayout::hf;
    std::filesystem::path folder_;
    std::uint64_t tensor_bytes_ = 0;
    std::vector<MappedFile> files_;  // the mappings weights_ points into
    // Tensors converted at load (GGUF: MXFP4 repacked, dense types widened to BF16), which
    // weights_ points into instead of a mapping.
    std::vector<std::unique_ptr<std::uint8_t[]>> converted_;
};

}  // namespace ponder
