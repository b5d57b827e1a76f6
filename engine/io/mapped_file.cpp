#include "engine/io/mapped_file.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "engine/io/regular_file.h"

namespace ponder {

namespace {

Status os_error(const std::filesystem::path& path, const char* what, int error) {
    return Status(StatusCode::io_error,
                  path.string() + ": " + what + " failed: " + std::strerror(error));
}

}  // namespace

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      path_(std::move(other.path_)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        path_ = std::move(other.path_);
    }
    return *this;
}

MappedFile::~MappedFile() {
    release();
}

void MappedFile::release() {
    if (data_ != nullptr) munmap(const_cast<std::uint8_t*>(data_), size_);
    data_ = nullptr;
    size_ = 0;
}

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
    // A shard is a file in a folder the user chose: it may be a named pipe or a link to a device,
    // which must neither block nor be mapped (RegularFile refuses both without waiting).
    auto opened = RegularFile::open(path);
    if (!opened) return opened.status();
    MappedFile file;
    file.path_ = path;
    file.size_ = opened->size();
    if (file.size_ > 0) {
        void* mapping = mmap(nullptr, file.size_, PROT_READ, MAP_PRIVATE, opened->descriptor(), 0);
        if (mapping == MAP_FAILED) {
            file.size_ = 0;
            return os_error(path, "mmap", errno);
        }
        file.data_ = static_cast<const std::uint8_t*>(mapping);
    }
    // The mapping keeps the file's pages reachable; the descriptor closes with `opened`.
    return file;
}

}  // namespace ponder
