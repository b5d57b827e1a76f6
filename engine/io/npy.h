// NumPy .npy files of little-endian float32 in C order: the exchange format for logits
// (ponder-cli logits, golden test data). Format version 1.0 is written; 1.0-3.0 are read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace ponder {

struct NpyArray {
    std::vector<std::int64_t> shape;  // () for a scalar
    std::vector<float> data;          // product(shape) values, row-major
};

// Writes `data` (product(shape) values) as '<f4'. io_error when the file cannot be written,
// invalid_argument when the sizes disagree.
Status write_npy(const std::filesystem::path& path, std::span<const std::int64_t> shape,
                 std::span<const float> data);

// Parses the bytes of a .npy file. bad_model (named after `source`) when it is not a C-order
// '<f4' array or its size disagrees with its header.
Result<NpyArray> parse_npy(std::string_view bytes, std::string_view source);

// Reads and parses a .npy file (io_error when it cannot be read).
Result<NpyArray> read_npy(const std::filesystem::path& path);

}  // namespace ponder
