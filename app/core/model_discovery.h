// Where models may already be on this machine: the demo model Ponder ships, gpt-oss downloads in
// the Hugging Face cache, and gpt-oss GGUF files other apps downloaded (LM Studio, Ollama,
// llama.cpp, the Hugging Face cache), so a first run can offer them instead of a file dialog.
// Nothing is copied: the app opens the file where it lies.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ponder::core {

struct FoundModel {
    std::string name;              // "openai/gpt-oss-20b"
    std::filesystem::path folder;  // the snapshot folder holding config.json
};

// The shipped demo model's folder (share/ponder/demo-model or the source tree's
// resources/demo-model), when it is there.
std::optional<std::filesystem::path> demo_model_folder();

// gpt-oss-20b / -120b snapshots under $HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub,
// newest snapshot of each; only folders with a config.json.
std::vector<FoundModel> find_huggingface_models();

struct FoundGguf {
    std::string name;            // "gpt-oss:20b" (Ollama), else the file's path below its store
    std::string store;           // "LM Studio", "Ollama", "llama.cpp" or "Hugging Face"
    std::filesystem::path file;  // the .gguf (for Ollama: the blob sha256-<hex>)
    std::uint64_t bytes = 0;     // file size (all parts of a split file)
};

// gpt-oss GGUF files (general.architecture "gpt-oss" or "gptoss", checked in the header; of a
// split file only its first part) in:
//   LM Studio    ~/.lmstudio/models, ~/.cache/lm-studio/models
//   Ollama       $OLLAMA_MODELS or ~/.ollama/models: manifests/<host>/<namespace>/<model>/<tag>
//                name the blob (blobs/sha256-<hex>) of their "application/vnd.ollama.image.model"
//                layer; the name is model:tag (host/namespace/ kept unless it is Ollama's library)
//   llama.cpp    $LLAMA_CACHE or ~/.cache/llama.cpp
//   Hugging Face the hub cache's models--*/snapshots/*
// Sorted by store, then name. Unreadable folders and files that are not gpt-oss are skipped.
std::vector<FoundGguf> find_gguf_models();

}  // namespace ponder::core
