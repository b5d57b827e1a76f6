// .tiktoken rank files: one "base64(bytes) rank" per line, as OpenAI publishes o200k_base.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder {

// Parses the content of a .tiktoken file. Fails with bad_model naming the line on a malformed
// line (bad base64, missing or non-numeric rank).
Result<std::vector<std::pair<std::string, TokenId>>> parse_tiktoken_ranks(std::string_view content,
                                                                          const std::string& path);

// A tokenizer from the .tiktoken file at `path`, with `added` tokens and split `pattern`. When
// `expected_sha256` (lower-case hex) is given, the file must hash to it (bad_model otherwise),
// which catches a truncated or altered shipped vocabulary before it silently mis-tokenises.
Result<Tokenizer> load_tiktoken_tokenizer(const std::string& path, std::string_view expected_sha256,
                                          std::vector<AddedToken> added, std::string_view pattern);

}  // namespace ponder
