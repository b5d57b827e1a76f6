#include "engine/io/text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace ponder {

Result<std::string> read_text_file(const std::filesystem::path& path, std::uint64_t max_bytes) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (error) return Status(StatusCode::io_error, path.string() + ": " + error.message());
    if (size > max_bytes) {
        return Status(StatusCode::io_error, path.string() + ": " + std::to_string(size) +
                                                " bytes, more than the " +
                                                std::to_string(max_bytes) + " expected");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(StatusCode::io_error, path.string() + ": " + std::strerror(errno));
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uintmax_t>(in.gcount()) != size) {
        return Status(StatusCode::io_error, path.string() + ": read failed");
    }
    return text;
}

}  // namespace ponder
