// Opening a file from a place the user chose (a model folder, a file named on the command line, a
// conversation to import) without trusting what is there. A named pipe (FIFO) would block open()
// until some writer appears, a device such as /dev/zero never ends, and a symlink can point at
// either: so every file Ponder reads from such a place is opened here, where only a regular file
// (after following symlinks) gets through and nothing waits.
#pragma once

#include <cstdint>
#include <filesystem>

#include "engine/status.h"

namespace ponder {

// An open, read-only descriptor of a regular file; closed on destruction; move-only.
class RegularFile {
  public:
    RegularFile() = default;
    RegularFile(RegularFile&& other) noexcept;
    RegularFile& operator=(RegularFile&& other) noexcept;
    RegularFile(const RegularFile&) = delete;
    RegularFile& operator=(const RegularFile&) = delete;
    ~RegularFile();

    // Opens `path` for reading. Fails with io_error naming the file and saying what it is when
    // it is not a regular file (a folder, a named pipe, a device, a socket), and with the OS
    // reason when it cannot be opened. Never blocks: the type is checked before opening, and the
    // open itself is non-blocking in case the file was swapped for a pipe in between; the
    // descriptor is switched back to blocking reads once fstat has shown a regular file.
    static Result<RegularFile> open(const std::filesystem::path& path);

    int descriptor() const { return fd_; }
    // The size fstat reported at open (the file may still grow or shrink afterwards).
    std::uint64_t size() const { return size_; }

  private:
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

}  // namespace ponder
