#include "engine/io/safetensors_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <nlohmann/json.hpp>

namespace ponder {

namespace {

Status os_error(const std::filesystem::path& path, const char* what) {
    return Status(StatusCode::io_error, path.string() + ": " + what + ": " + std::strerror(errno));
}

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
    while (size > 0) {
        const ssize_t done = ::write(fd, data, size);
        if (done < 0 && errno == EINTR) continue;
        if (done <= 0) return false;
        data += done;
        size -= static_cast<std::size_t>(done);
    }
    return true;
}

std::filesystem::path partial_path(const std::filesystem::path& path) {
    return path.string() + ".partial";
}

}  // namespace

std::uint64_t TensorDeclaration::bytes() const {
    std::uint64_t count = dtype_size(dtype);
    for (std::int64_t dim : shape)
        count *= static_cast<std::uint64_t>(dim);
    return count;
}

std::string safetensors_header_bytes(const std::vector<TensorDeclaration>& tensors,
                                     const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (const TensorDeclaration& tensor : tensors) {
        const std::uint64_t end = offset + tensor.bytes();
        header[tensor.name] = {{"dtype", dtype_name(tensor.dtype)},
                               {"shape", tensor.shape},
                               {"data_offsets", {offset, end}}};
        offset = end;
    }
    std::string json = header.dump();
    json.append((8 - json.size() % 8) % 8, ' ');
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((json.size() >> (8 * i)) & 0xFF);
    return bytes + json;
}

SafetensorsWriter::SafetensorsWriter(SafetensorsWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      total_(other.total_),
      written_(other.written_) {}

SafetensorsWriter::~SafetensorsWriter() {
    if (fd_ >= 0) {
        ::close(fd_);
        std::error_code ignored;
        std::filesystem::remove(partial_path(path_), ignored);
    }
}

Result<SafetensorsWriter> SafetensorsWriter::create(
    const std::filesystem::path& path, std::vector<TensorDeclaration> tensors,
    const std::map<std::string, std::string>& metadata) {
    SafetensorsWriter writer;
    writer.path_ = path;
    for (const TensorDeclaration& tensor : tensors)
        writer.total_ += tensor.bytes();
    const std::filesystem::path partial = partial_path(path);
    writer.fd_ = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (writer.fd_ < 0) return os_error(partial, "cannot create");
    const std::string header = safetensors_header_bytes(tensors, metadata);
    if (!write_all(writer.fd_, reinterpret_cast<const std::uint8_t*>(header.data()),
                   header.size())) {
        return os_error(partial, "write failed");
    }
    return writer;
}

Status SafetensorsWriter::append(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > total_ - written_) {
        return Status(StatusCode::invalid_argument,
                      path_.string() + ": more tensor data than the header declares");
    }
    if (!write_all(fd_, bytes.data(), bytes.size())) {
        return os_error(partial_path(path_), "write failed");
    }
    written_ += bytes.size();
    return Status::success();
}

Status SafetensorsWriter::finish() {
    if (written_ != total_) {
        return Status(StatusCode::invalid_argument,
                      path_.string() + ": " + std::to_string(written_) + " of " +
                          std::to_string(total_) + " tensor bytes written");
    }
    const int fd = std::exchange(fd_, -1);
    std::error_code error;
    if (::close(fd) != 0) {
        const Status status = os_error(partial_path(path_), "close failed");
        std::filesystem::remove(partial_path(path_), error);
        return status;
    }
    std::filesystem::rename(partial_path(path_), path_, error);
    if (error) {
        return Status(StatusCode::io_error, path_.string() + ": rename failed: " + error.message());
    }
    return Status::success();
}

}  // namespace ponder
