// Reads what a model folder says about itself for the chat (ponder.json, optional):
//   {"display_name": "...", "model_identity": "...", "knowledge_cutoff": "...", "description":
//   "...", "recommended_sampling": {"temperature": 0.0, "top_p": 1.0}}
// The demo model uses it to introduce itself honestly; real gpt-oss folders have none and get
// harmony's defaults.
#pragma once

#include <filesystem>

#include "app/core/chat/prompt_builder.h"
#include "engine/status.h"

namespace ponder::core {

// Fails only when ponder.json exists but is not valid (bad JSON, a field of the wrong type or a
// sampling value out of range);
// a missing file gives the folder name as display name and empty fields.
Result<ModelIdentity> read_model_identity(const std::filesystem::path& model_dir);

}  // namespace ponder::core
