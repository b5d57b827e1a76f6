#include "engine/io/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace ponder {

namespace {

Status os_error(const std::filesystem::path& path, const char* what, int error) {
    return Status(StatusCode::io_error,
                  path.string() + ": " + what + " failed: " + std::strerror(error));
}

// What a non-regular file is, for the message ("is a named pipe (FIFO), not a regular file").
const char* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a file";
}

Status not_regular(const std::filesystem::path& path, mode_t mode) {
    return Status(StatusCode::io_error,
                  path.string() + ": is " + kind_of(mode) + ", not a regular file");
}

}  // namespace

RegularFile::RegularFile(RegularFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(std::exchange(other.size_, 0)) {}

RegularFile& RegularFile::operator=(RegularFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

RegularFile::~RegularFile() {
    if (fd_ >= 0) ::close(fd_);
}

Result<RegularFile> RegularFile::open(const std::filesystem::path& path) {
    // stat() first, so that a device is never opened at all (opening some has side effects).
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return os_error(path, "open", errno);
    if (!S_ISREG(info.st_mode)) return not_regular(path, info.st_mode);

    RegularFile file;
    file.fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (file.fd_ < 0) return os_error(path, "open", errno);
    // The path may have been replaced since stat(): what counts is what was opened.
    if (::fstat(file.fd_, &info) != 0) return os_error(path, "stat", errno);
    if (!S_ISREG(info.st_mode)) return not_regular(path, info.st_mode);
    const int flags = ::fcntl(file.fd_, F_GETFL);
    if (flags < 0 || ::fcntl(file.fd_, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        return os_error(path, "fcntl", errno);
    }
    file.size_ = static_cast<std::uint64_t>(info.st_size);
    return file;
}

}  // namespace ponder
