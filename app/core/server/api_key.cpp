#include "app/core/server/api_key.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "app/core/data_paths.h"

namespace ponder::core::server {
namespace {

constexpr size_t kRandomBytes = 24;  // 192 bits

Result<std::string> random_key() {
    std::array<unsigned char, kRandomBytes> bytes{};
    size_t filled = 0;
    while (filled < bytes.size()) {
        const ssize_t got = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return Status(StatusCode::io_error,
                          std::string("no randomness for the API key: ") + std::strerror(errno));
        }
        filled += static_cast<size_t>(got);
    }
    static const char* digits = "0123456789abcdef";
    std::string key = "ponder-";
    for (unsigned char byte : bytes) {
        key += digits[byte >> 4];
        key += digits[byte & 15];
    }
    return key;
}

Status io_error(const std::filesystem::path& path, const std::string& what) {
    return Status(StatusCode::io_error, what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

std::filesystem::path default_api_key_path() {
    return default_data_dir() / "api-key";
}

Result<std::string> load_or_create_api_key(const std::filesystem::path& path) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
        return Status(StatusCode::io_error,
                      "cannot create " + path.parent_path().string() + ": " + error.message());
    }
    // O_EXCL: of two servers starting at once, one creates and the other reads.
    const int created = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (created >= 0) {
        auto key = random_key();
        if (!key) {
            ::close(created);
            ::unlink(path.c_str());
            return key.status();
        }
        const std::string line = *key + "\n";
        const bool written =
            ::write(created, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(created) == 0;
        ::close(created);
        if (!written) {
            Status status = io_error(path, "cannot write the API key to");
            ::unlink(path.c_str());
            return status;
        }
        return key;
    }
    if (errno != EEXIST) return io_error(path, "cannot create");

    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return io_error(path, "cannot read the API key from");
    struct stat info {};
    if (::fstat(fd, &info) != 0 || (info.st_mode & 077) != 0 || info.st_uid != ::getuid()) {
        ::close(fd);
        return Status(StatusCode::io_error,
                      "the API key file " + path.string() +
                          " may be read by other users or is not yours: remove it (a new key "
                          "is made) or `chmod 600` it");
    }
    std::array<char, 256> buffer{};
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    ::close(fd);
    if (got < 0) return io_error(path, "cannot read the API key from");
    std::string key(buffer.data(), static_cast<size_t>(got));
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
        key.pop_back();
    if (key.size() < 16 || key.find_first_of(" \t\r\n") != std::string::npos) {
        return Status(StatusCode::io_error,
                      "the API key file " + path.string() +
                          " holds no usable key: remove it to make a new one");
    }
    return key;
}

bool same_key(std::string_view a, std::string_view b) {
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
    return difference == 0;
}

}  // namespace ponder::core::server
