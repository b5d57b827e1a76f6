#include "engine/io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

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
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return os_error(path, "open", errno);
    struct stat info {};
    if (fstat(fd, &info) != 0) {
        const int error = errno;
        ::close(fd);
        return os_error(path, "stat", error);
    }
    if (!S_ISREG(info.st_mode)) {
        ::close(fd);
        return Status(StatusCode::io_error, path.string() + ": not a regular file");
    }
    MappedFile file;
    file.path_ = path;
    file.size_ = static_cast<std::uint64_t>(info.st_size);
    if (file.size_ > 0) {
        void* mapping = mmap(nullptr, file.size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapping == MAP_FAILED) {
            const int error = errno;
            ::close(fd);
            file.size_ = 0;
            return os_error(path, "mmap", error);
        }
        file.data_ = static_cast<const std::uint8_t*>(mapping);
    }
    // The mapping keeps the file's pages reachable; the descriptor is no longer needed.
    ::close(fd);
    return file;
}

}  // namespace ponder
