// The --model DIR / --vocab FILE choice shared by tokenize, detokenize and render, and reading a
// command's input (a file or all of stdin).
#pragma once

#include <string>

#include "app/cli/args.h"
#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder::cli {

// The options load_tokenizer() reads; add them to Args::parse's option set.
inline const char* const kModelOption = "model";
inline const char* const kVocabOption = "vocab";

// --model DIR: the folder's tokenizer.json (else the shipped o200k_harmony); --vocab FILE: a
// tokenizer.json or .tiktoken file; neither: the shipped o200k_harmony. Both: invalid_argument.
Result<Tokenizer> load_tokenizer(const Args& args);

// The whole content of `path`, or of stdin when `path` is empty.
Result<std::string> read_input(const std::string& path);

}  // namespace ponder::cli
