// `ponder-cli tokenize --bench`: encode/decode throughput on 1 MiB of mixed-language text, single
// thread, printed as a table (docs/architecture.md §7: benchmarks are programs, not timed
// assertions).
#pragma once

#include <string>

#include "engine/tokenizer/tokenizer.h"

namespace ponder::cli {

// Times `tokenizer` on `text_file` (or the built-in mixed-language sample when empty); `load_ms`
// is how long loading the tokenizer took. Returns the process exit status.
int run_tokenize_bench(const Tokenizer& tokenizer, double load_ms, const std::string& text_file);

// The built-in sample: English prose, C++ and Python code, JSON, numbers, Korean, Chinese,
// Japanese, Russian, Arabic, Hindi, German/French diacritics and emoji, cycled to `size` bytes
// (cut at a character boundary).
std::string mixed_language_sample(std::size_t size);

}  // namespace ponder::cli
