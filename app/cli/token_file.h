// Token-id files for ponder-cli: decimal ids separated by commas, spaces or newlines.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace ponder::cli {

// The ids in `text`; invalid_argument (naming `source` and the offending word) for anything else.
Result<std::vector<std::int32_t>> parse_token_ids(std::string_view text, std::string_view source);

// Reads and parses a token file; io_error when it cannot be read.
Result<std::vector<std::int32_t>> read_token_file(const std::filesystem::path& path);

}  // namespace ponder::cli
