#include "engine/io/gguf_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace ponder {

namespace {

void put(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

void put_string(std::string& out, const std::string& text) {
    put(out, text.size(), 8);
    out += text;
}

std::uint64_t padded(std::uint64_t size) {
    return (size + gguf_writer_alignment - 1) / gguf_writer_alignment * gguf_writer_alignment;
}

std::filesystem::path partial_path(const std::filesystem::path& path) {
    return std::filesystem::path(path.string() + ".partial");
}

Status os_error(const std::filesystem::path& path, const char* what) {
    return Status(StatusCode::io_error, path.string() + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

GgufEntry gguf_u32(std::string key, std::uint32_t value) {
    GgufEntry entry;
    entry.key = std::move(key);
    entry.type = GgufValueType::u32;
    entry.bits = value;
    return entry;
}

GgufEntry gguf_f32(std::string key, float value) {
    GgufEntry entry;
    entry.key = std::move(key);
    entry.type = GgufValueType::f32;
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, 4);
    entry.bits = bits;
    return entry;
}

GgufEntry gguf_bool(std::string key, bool value) {
    GgufEntry entry;
    entry.key = std::move(key);
    entry.type = GgufValueType::boolean;
    entry.bits = value ? 1 : 0;
    return entry;
}

GgufEntry gguf_string(std::string key, std::string value) {
    GgufEntry entry;
    entry.key = std::move(key);
    entry.type = GgufValueType::string;
    entry.text = std::move(value);
    return entry;
}

GgufEntry gguf_strings(std::string key, std::vector<std::string> values) {
    GgufEntry entry;
    entry.key = std::move(key);
    entry.type = GgufValueType::array;
    entry.element_type = GgufValueType::string;
    entry.strings = std::move(values);
    return entry;
}

GgufEntry gguf_i32s(std::string key, const std::vector<std::int32_t>& values) {
    GgufEntry entry;
    entry.key = std::move(key);
    entry.type = GgufValueType::array;
    entry.element_type = GgufValueType::i32;
    for (std::int32_t v : values)
        entry.numbers.push_back(static_cast<std::uint32_t>(v));
    return entry;
}

std::uint64_t GgufTensorDeclaration::bytes() const {
    const auto traits = ggml_type_traits(static_cast<std::uint32_t>(type));
    std::uint64_t elements = 1;
    for (std::int64_t d : ne)
        elements *= static_cast<std::uint64_t>(d);
    return traits ? elements / traits->block_size * traits->block_bytes : 0;
}

std::string gguf_header_bytes(const std::vector<GgufEntry>& metadata,
                              const std::vector<GgufTensorDeclaration>& tensors) {
    std::string out = "GGUF";
    put(out, 3, 4);
    put(out, tensors.size(), 8);
    put(out, metadata.size(), 8);
    for (const GgufEntry& entry : metadata) {
        put_string(out, entry.key);
        put(out, static_cast<std::uint32_t>(entry.type), 4);
        if (entry.type == GgufValueType::string) {
            put_string(out, entry.text);
        } else if (entry.type == GgufValueType::array) {
            put(out, static_cast<std::uint32_t>(entry.element_type), 4);
            if (entry.element_type == GgufValueType::string) {
                put(out, entry.strings.size(), 8);
                for (const std::string& s : entry.strings)
                    put_string(out, s);
            } else {
                put(out, entry.numbers.size(), 8);
                for (std::uint64_t bits : entry.numbers)
                    put(out, bits, static_cast<int>(gguf_scalar_size(entry.element_type)));
            }
        } else {
            put(out, entry.bits, static_cast<int>(gguf_scalar_size(entry.type)));
        }
    }
    std::uint64_t offset = 0;
    for (const GgufTensorDeclaration& tensor : tensors) {
        put_string(out, tensor.name);
        put(out, tensor.ne.size(), 4);
        for (std::int64_t d : tensor.ne)
            put(out, static_cast<std::uint64_t>(d), 8);
        put(out, static_cast<std::uint32_t>(tensor.type), 4);
        put(out, offset, 8);
        offset += padded(tensor.bytes());
    }
    out.append(padded(out.size()) - out.size(), '\0');
    return out;
}

GgufWriter::GgufWriter(GgufWriter&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)),
      path_(std::move(other.path_)),
      sizes_(std::move(other.sizes_)),
      current_(other.current_),
      written_in_current_(other.written_in_current_) {}

GgufWriter::~GgufWriter() {
    if (file_ != nullptr) {
        std::fclose(file_);
        std::error_code ignored;
        std::filesystem::remove(partial_path(path_), ignored);
    }
}

Result<GgufWriter> GgufWriter::create(const std::filesystem::path& path,
                                      const std::vector<GgufEntry>& metadata,
                                      std::vector<GgufTensorDeclaration> tensors) {
    GgufWriter writer;
    writer.path_ = path;
    for (const GgufTensorDeclaration& tensor : tensors)
        writer.sizes_.push_back(tensor.bytes());
    const std::filesystem::path partial = partial_path(path);
    writer.file_ = std::fopen(partial.c_str(), "wb");
    if (writer.file_ == nullptr) return os_error(partial, "cannot create");
    const std::string header = gguf_header_bytes(metadata, tensors);
    if (Status s = writer.write_raw(header.data(), header.size()); !s.ok()) return s;
    return writer;
}

Status GgufWriter::write_raw(const void* data, std::size_t size) {
    if (size > 0 && std::fwrite(data, 1, size, file_) != size) {
        return os_error(partial_path(path_), "write failed");
    }
    return Status::success();
}

Status GgufWriter::append(std::span<const std::uint8_t> bytes) {
    static const char zeros[gguf_writer_alignment] = {};
    while (!bytes.empty()) {
        if (current_ >= sizes_.size()) {
            return Status(StatusCode::invalid_argument,
                          path_.string() + ": more tensor data than the header declares");
        }
        const std::uint64_t size = sizes_[current_];
        const std::uint64_t take =
            std::min<std::uint64_t>(bytes.size(), size - written_in_current_);
        if (Status s = write_raw(bytes.data(), take); !s.ok()) return s;
        written_in_current_ += take;
        bytes = bytes.subspan(take);
        if (written_in_current_ == size) {
            if (Status s = write_raw(zeros, padded(size) - size); !s.ok()) return s;
            ++current_;
            written_in_current_ = 0;
        }
    }
    return Status::success();
}

Status GgufWriter::finish() {
    // Zero-byte tensors cannot exist (every dim >= 1), so "all written" is "past the last".
    if (current_ != sizes_.size()) {
        return Status(StatusCode::invalid_argument,
                      path_.string() + ": only " + std::to_string(current_) + " of " +
                          std::to_string(sizes_.size()) + " tensors written");
    }
    std::FILE* file = std::exchange(file_, nullptr);
    std::error_code error;
    if (std::fclose(file) != 0) {
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
