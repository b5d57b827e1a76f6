// Where models may already be on this machine: the demo model Ponder ships, and gpt-oss
// downloads in the Hugging Face cache (so a first run can offer them instead of a file dialog).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ponder::core {

struct FoundModel {
    std::string name;             // "openai/gpt-oss-20b"
    std::filesystem::path folder;  // the snapshot folder holding config.json
};

// The shipped demo model's folder (share/ponder/demo-model or the source tree's
// resources/demo-model), when it is there.
std::optional<std::filesystem::path> demo_model_folder();

// gpt-oss-20b / -120b snapshots under $HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub,
// newest snapshot of each; only folders with a config.json.
std::vector<FoundModel> find_huggingface_models();

}  // namespace ponder::core
