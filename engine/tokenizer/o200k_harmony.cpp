#include "engine/tokenizer/o200k_harmony.h"

#include <filesystem>

#include "engine/resources.h"
#include "engine/tokenizer/gguf_vocabulary.h"
#include "engine/tokenizer/hf_tokenizer_json.h"
#include "engine/tokenizer/tiktoken_file.h"

namespace ponder {

std::vector<AddedToken> harmony_added_tokens() {
    std::vector<AddedToken> tokens = {
        {"<|startoftext|>", 199998}, {"<|endoftext|>", 199999}, {"<|return|>", 200002},
        {"<|constrain|>", 200003},   {"<|channel|>", 200005},   {"<|start|>", 200006},
        {"<|end|>", 200007},         {"<|message|>", 200008},   {"<|call|>", 200012},
        {"<|endofprompt|>", 200018},
    };
    const std::size_t named = tokens.size();
    for (TokenId id = 200000; id <= 201087; ++id) {
        bool taken = false;
        for (std::size_t i = 0; i < named; ++i)
            taken = taken || tokens[i].id == id;
        if (!taken) tokens.push_back({"<|reserved_" + std::to_string(id) + "|>", id});
    }
    return tokens;
}

Result<Tokenizer> load_o200k_harmony() {
    auto path = find_resource(kO200kBaseFileName);
    if (!path) return path.status();
    return load_tiktoken_tokenizer(*path, kO200kBaseSha256, harmony_added_tokens(),
                                   PreTokenizer::o200k_pattern());
}

Result<Tokenizer> load_vocabulary_file(const std::string& path) {
    if (std::filesystem::path(path).extension() == ".json") return load_hf_tokenizer_json(path);
    return load_tiktoken_tokenizer(path, {}, harmony_added_tokens(), PreTokenizer::o200k_pattern());
}

Result<Tokenizer> load_model_tokenizer(const std::string& model_dir) {
    std::error_code error;
    if (std::filesystem::is_regular_file(model_dir, error))
        return load_gguf_file_tokenizer(model_dir);
    if (!std::filesystem::is_directory(model_dir, error)) {
        return Status(StatusCode::io_error, model_dir + " is not a folder");
    }
    const std::filesystem::path json = std::filesystem::path(model_dir) / "tokenizer.json";
    // Whatever is named tokenizer.json is read, so that a pipe, a device or a broken link there is
    // an error naming it rather than a silent switch to another vocabulary.
    if (std::filesystem::exists(std::filesystem::symlink_status(json, error))) {
        return load_hf_tokenizer_json(json.string());
    }
    return load_o200k_harmony();
}

}  // namespace ponder
