// Reading small text files (config.json, index files) whole, with a size cap so that a wrong
// path pointing at a multi-gigabyte file fails fast instead of filling memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/status.h"

namespace ponder {

// The file's bytes. io_error when it cannot be opened or read, or is larger than `max_bytes`.
Result<std::string> read_text_file(const std::filesystem::path& path,
                                   std::uint64_t max_bytes = 64ull << 20);

}  // namespace ponder
