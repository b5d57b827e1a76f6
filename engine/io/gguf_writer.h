// Writing GGUF files (version 3) as a stream: the header (metadata and tensor table) is computed
// up front, then the data is appended tensor by tensor with the alignment padding added between
// tensors, so a 13 GB model never has to be in memory. Used by `ponder-cli make-model --format
// gguf`, the GGUF export of a checkpoint, and tests that build (hostile) files byte by byte.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "engine/io/gguf.h"
#include "engine/status.h"

namespace ponder {

// One metadata entry to write; build it with the gguf_* helpers below.
struct GgufEntry {
    std::string key;
    GgufValueType type = GgufValueType::u32;
    GgufValueType element_type = GgufValueType::u32;  // arrays only
    std::uint64_t bits = 0;              // scalars: the little-endian bits of the value
    std::string text;                    // string
    std::vector<std::string> strings;    // array of strings
    std::vector<std::uint64_t> numbers;  // array of numbers: each element's bits
};

GgufEntry gguf_u32(std::string key, std::uint32_t value);
GgufEntry gguf_f32(std::string key, float value);
GgufEntry gguf_bool(std::string key, bool value);
GgufEntry gguf_string(std::string key, std::string value);
GgufEntry gguf_strings(std::string key, std::vector<std::string> values);
GgufEntry gguf_i32s(std::string key, const std::vector<std::int32_t>& values);

struct GgufTensorDeclaration {
    std::string name;
    GgmlType type = GgmlType::f32;
    std::vector<std::int64_t> ne;  // innermost first

    std::uint64_t bytes() const;  // elements / block size * block bytes
};

inline constexpr std::uint64_t gguf_writer_alignment = 32;

// The header for `metadata` and `tensors`, their data laid out in order, each starting at a
// multiple of 32 bytes; padded so that the data area starts aligned too.
std::string gguf_header_bytes(const std::vector<GgufEntry>& metadata,
                              const std::vector<GgufTensorDeclaration>& tensors);

// Appends data to a new file. Not thread-safe. The file appears under its final name only when
// finish() succeeds (it is written as "<path>.partial" and renamed).
class GgufWriter {
  public:
    GgufWriter(GgufWriter&& other) noexcept;
    GgufWriter& operator=(GgufWriter&&) = delete;
    GgufWriter(const GgufWriter&) = delete;
    ~GgufWriter();  // an unfinished file is removed

    // Creates the file and writes the header. io_error when it cannot be created.
    static Result<GgufWriter> create(const std::filesystem::path& path,
                                     const std::vector<GgufEntry>& metadata,
                                     std::vector<GgufTensorDeclaration> tensors);

    // Appends the next bytes of tensor data, in declaration order (any split across calls); the
    // padding between tensors is written here. io_error on a failed write; invalid_argument when
    // more bytes arrive than the tensors hold.
    Status append(std::span<const std::uint8_t> bytes);

    // invalid_argument unless exactly all tensor bytes were appended; io_error on close/rename.
    Status finish();

  private:
    GgufWriter() = default;
    Status write_raw(const void* data, std::size_t size);

    std::FILE* file_ = nullptr;
    std::filesystem::path path_;
    std::vector<std::uint64_t> sizes_;  // bytes of each tensor
    std::size_t current_ = 0;           // the tensor being written
    std::uint64_t written_in_current_ = 0;
};

}  // namespace ponder
