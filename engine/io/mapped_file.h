// A read-only memory mapping of a whole file (docs/architecture.md §5: weights are mapped, never
// copied). The kernel pages data in on first touch, so opening a 13 GB checkpoint costs almost
// nothing until a tensor is read, and pages shared with the page cache are not duplicated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "engine/status.h"

namespace ponder {

// Owns one mapping; move-only. bytes() stays valid (and unchanged: the mapping is private and
// read-only) until the object is destroyed. Safe to read from any number of threads at once.
class MappedFile {
  public:
    MappedFile() = default;
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    // Maps `path` read-only. io_error (with the OS reason) when it cannot be opened, is not a
    // regular file after following symlinks (a named pipe is refused without blocking, see
    // RegularFile), or mmap fails. An empty file maps to an empty span.
    static Result<MappedFile> open(const std::filesystem::path& path);

    std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
    std::uint64_t size() const { return size_; }
    const std::filesystem::path& path() const { return path_; }

  private:
    void release();

    const std::uint8_t* data_ = nullptr;  // page-aligned start of the mapping, or null when empty
    std::uint64_t size_ = 0;
    std::filesystem::path path_;
};

}  // namespace ponder
