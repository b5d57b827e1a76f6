// Writing safetensors files as a stream: the header is computed from the tensor list up front,
// then the data is appended tensor by tensor, so a 13 GB checkpoint never has to be in memory.
// Used by `ponder-cli make-model` and by tests that build (hostile) files byte by byte.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "engine/io/safetensors.h"
#include "engine/status.h"

namespace ponder {

struct TensorDeclaration {
    std::string name;
    Dtype dtype = Dtype::u8;
    std::vector<std::int64_t> shape;

    std::uint64_t bytes() const;  // product(shape) * dtype_size(dtype)
};

// The 8-byte length plus the JSON header for `tensors` stored contiguously in the given order.
// The JSON is padded with spaces so that the data starts at a multiple of 8 bytes, which keeps
// every tensor aligned as long as each tensor's byte size keeps the next one aligned.
std::string safetensors_header_bytes(const std::vector<TensorDeclaration>& tensors,
                                     const std::map<std::string, std::string>& metadata = {});

// Appends data to a new file. Not thread-safe. The file appears under its final name only when
// finish() succeeds (it is written as "<path>.partial" and renamed), so an interrupted write
// never leaves a plausible-looking checkpoint behind.
class SafetensorsWriter {
  public:
    SafetensorsWriter(SafetensorsWriter&& other) noexcept;
    SafetensorsWriter& operator=(SafetensorsWriter&&) = delete;
    SafetensorsWriter(const SafetensorsWriter&) = delete;
    ~SafetensorsWriter();  // an unfinished file is removed

    // Creates the file and writes the header. io_error when it cannot be created.
    static Result<SafetensorsWriter> create(
        const std::filesystem::path& path, std::vector<TensorDeclaration> tensors,
        const std::map<std::string, std::string>& metadata = {});

    // Appends the next bytes of tensor data (any split across calls). io_error on a failed
    // write (e.g. disk full); invalid_argument when more bytes arrive than the tensors hold.
    Status append(std::span<const std::uint8_t> bytes);

    // invalid_argument unless exactly all tensor bytes were appended; io_error on close/rename.
    Status finish();

    std::uint64_t data_bytes() const { return total_; }  // sum of all tensors' bytes

  private:
    SafetensorsWriter() = default;
    int fd_ = -1;
    std::filesystem::path path_;
    std::uint64_t total_ = 0;
    std::uint64_t written_ = 0;
};

}  // namespace ponder
