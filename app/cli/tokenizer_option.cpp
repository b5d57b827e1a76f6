#include "app/cli/tokenizer_option.h"

#include <cstdio>

#include "engine/io/text_file.h"
#include "engine/tokenizer/o200k_harmony.h"

namespace ponder::cli {

Result<Tokenizer> load_tokenizer(const Args& args) {
    const auto model = args.get(kModelOption);
    const auto vocab = args.get(kVocabOption);
    if (model && vocab)
        return Status(StatusCode::invalid_argument, "give --model or --vocab, not both");
    if (model) return load_model_tokenizer(*model);
    if (vocab) return load_vocabulary_file(*vocab);
    return load_o200k_harmony();
}

Result<std::string> read_input(const std::string& path) {
    if (!path.empty()) return read_text_file(path, file_caps::token_text);
    std::string content;
    char buffer[1 << 16];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof(buffer), stdin)) > 0)
        content.append(buffer, got);
    if (std::ferror(stdin)) return Status(StatusCode::io_error, "cannot read standard input");
    return content;
}

}  // namespace ponder::cli
