#include "engine/io/text_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/io/regular_file.h"

namespace ponder {

namespace {

Status too_large(const std::filesystem::path& path, std::uint64_t size, std::uint64_t max_bytes,
                 bool at_least) {
    return Status(StatusCode::io_error, path.string() + ": " + (at_least ? "more than " : "") +
                                            std::to_string(size) + " bytes, larger than the " +
                                            std::to_string(max_bytes) +
                                            " bytes such a file may have");
}

}  // namespace

Result<std::string> read_text_file(const std::filesystem::path& path, std::uint64_t max_bytes) {
    auto file = RegularFile::open(path);
    if (!file) return file.status();
    if (file->size() > max_bytes) return too_large(path, file->size(), max_bytes, false);
    // Read until end of file rather than trusting the size from fstat: files in /proc report 0,
    // and a file may grow while it is read. One byte past the cap is enough to know it is over.
    std::string text;
    text.reserve(static_cast<std::size_t>(file->size()));
    char buffer[1 << 16];
    while (text.size() <= max_bytes) {
        const ssize_t got = ::read(file->descriptor(), buffer, sizeof(buffer));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            return Status(StatusCode::io_error,
                          path.string() + ": read failed: " + std::strerror(errno));
        }
        if (got == 0) return text;
        text.append(buffer, static_cast<std::size_t>(got));
    }
    return too_large(path, max_bytes, max_bytes, true);
}

}  // namespace ponder
