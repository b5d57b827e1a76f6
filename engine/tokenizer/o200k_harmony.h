// o200k_harmony, gpt-oss's tokenizer (docs/gpt-oss.md §5): the o200k_base ranks Ponder ships in
// resources/o200k_base.tiktoken plus the harmony special tokens, and the choice of tokenizer for
// a model folder.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder {

inline constexpr std::string_view kO200kBaseFileName = "o200k_base.tiktoken";
// The published hash of OpenAI's o200k_base.tiktoken.
inline constexpr std::string_view kO200kBaseSha256 =
    "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d";

// The special tokens a .tiktoken vocabulary gets when no tokenizer.json names them: the harmony
// ids (199998 <|startoftext|> ... 200012 <|call|>, 200018 <|endofprompt|>) and
// <|reserved_N|> for every other id up to 201087, the last row of gpt-oss's embedding.
std::vector<AddedToken> harmony_added_tokens();

// The shipped o200k_base ranks (SHA-256 verified) with harmony_added_tokens().
Result<Tokenizer> load_o200k_harmony();

// A vocabulary file named on the command line: tokenizer.json (by its .json extension) or a
// .tiktoken rank file with harmony_added_tokens() and the o200k split pattern.
Result<Tokenizer> load_vocabulary_file(const std::string& path);

// The tokenizer of a model folder: its tokenizer.json when present (the HF layout), else the
// shipped o200k_harmony (the original/ layout has no tokenizer file). A path naming a file is a
// GGUF model: its own vocabulary (gguf_vocabulary.h).
Result<Tokenizer> load_model_tokenizer(const std::string& model_dir);

}  // namespace ponder
