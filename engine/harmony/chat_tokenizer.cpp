#include "engine/harmony/chat_tokenizer.h"

#include <filesystem>

#include "engine/harmony/format_tokens.h"
#include "engine/tokenizer/o200k_harmony.h"

namespace ponder::harmony {
namespace {

// How a message names the tokenizer: its file, and why the shipped one was used.
std::string describe(const Tokenizer& tokenizer) {
    if (std::filesystem::path(tokenizer.source()).filename() == kO200kBaseFileName) {
        return "Ponder's o200k_harmony vocabulary (used because the model folder has no "
               "tokenizer.json)";
    }
    return "the tokenizer " + tokenizer.source();
}

}  // namespace

Status check_chat_tokenizer(const Tokenizer& tokenizer, std::int64_t vocab_size) {
    const std::int64_t limit = tokenizer.id_limit();
    if (limit > vocab_size) {
        return Status(StatusCode::bad_model,
                      "the model has " + std::to_string(vocab_size) +
                          " token ids (vocab_size in config.json) but " + describe(tokenizer) +
                          " uses ids up to " + std::to_string(limit - 1) +
                          ": they do not belong together; put the model's own tokenizer.json in "
                          "its folder");
    }
    auto format = FormatTokenIds::lookup(tokenizer);
    if (!format) {
        return Status(
            StatusCode::bad_model,
            format.status().message() + "; put the model's own tokenizer.json in its folder");
    }
    return Status::success();
}

}  // namespace ponder::harmony
