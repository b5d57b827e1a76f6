#include "engine/io/npy.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "engine/io/text_file.h"

namespace ponder {

namespace {

constexpr char magic[] = "\x93NUMPY";
constexpr size_t magic_size = 6;

// The value text after `'key':` in a header dict, up to the next top-level comma or brace.
std::string_view header_value(std::string_view header, std::string_view key) {
    const std::string quoted = "'" + std::string(key) + "'";
    size_t at = header.find(quoted);
    if (at == std::string_view::npos) return {};
    at = header.find(':', at + quoted.size());
    if (at == std::string_view::npos) return {};
    ++at;
    while (at < header.size() && header[at] == ' ')
        ++at;
    int depth = 0;
    size_t end = at;
    for (; end < header.size(); ++end) {
        const char c = header[end];
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (depth == 0 && (c == ',' || c == '}')) break;
        if (depth < 0) break;
    }
    return header.substr(at, end - at);
}

}  // namespace

Status write_npy(const std::filesystem::path& path, std::span<const std::int64_t> shape,
                 std::span<const float> data) {
    std::int64_t count = 1;
    for (std::int64_t dim : shape)
        count *= dim;
    if (count != static_cast<std::int64_t>(data.size())) {
        return Status(StatusCode::invalid_argument,
                      "write_npy: shape holds " + std::to_string(count) + " values, data has " +
                          std::to_string(data.size()));
    }
    std::string dims;  // Python tuple syntax: "2, 3", "5," (one element), "" (scalar)
    for (size_t i = 0; i < shape.size(); ++i)
        dims += (i > 0 ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1) dims += ",";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    // Pad with spaces so that magic + version + length + header is a multiple of 64, ending in \n.
    const size_t prefix = magic_size + 2 + 2;
    header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
    header.push_back('\n');

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return Status(StatusCode::io_error, "cannot create " + path.string());
    const unsigned char version_and_length[4] = {1, 0,
                                                 static_cast<unsigned char>(header.size() & 0xff),
                                                 static_cast<unsigned char>(header.size() >> 8)};
    out.write(magic, magic_size);
    out.write(reinterpret_cast<const char*>(version_and_length), 4);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    // x86 and every other platform Ponder builds for are little-endian, as '<f4' requires.
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size() * sizeof(float)));
    out.close();
    if (!out) return Status(StatusCode::io_error, "cannot write " + path.string());
    return Status::success();
}

Result<NpyArray> parse_npy(std::string_view bytes, std::string_view source) {
    auto bad = [&](const std::string& message) {
        return Status(StatusCode::bad_model, std::string(source) + ": " + message);
    };
    if (bytes.size() < magic_size + 4 ||
        bytes.substr(0, magic_size) != std::string_view(magic, magic_size)) {
        return bad("not a .npy file (no \\x93NUMPY magic)");
    }
    const auto byte = [&](size_t i) {
        return static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i]));
    };
    const std::uint64_t major = byte(6);
    std::uint64_t header_length = 0;
    size_t header_start = 0;
    if (major == 1) {
        header_length = byte(8) | byte(9) << 8;
        header_start = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) return bad("truncated header");
        header_length = byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24;
        header_start = 12;
    } else {
        return bad("unsupported .npy version " + std::to_string(major));
    }
    if (header_start + header_length > bytes.size()) return bad("truncated header");
    const std::string_view header = bytes.substr(header_start, header_length);

    const std::string_view descr = header_value(header, "descr");
    if (descr != "'<f4'")
        return bad("dtype is " + std::string(descr) + ", expected '<f4' (float32)");
    if (header_value(header, "fortran_order") != "False")
        return bad("Fortran order is not supported");
    std::string_view shape_text = header_value(header, "shape");
    if (shape_text.size() < 2 || shape_text.front() != '(' || shape_text.back() != ')') {
        return bad("malformed shape " + std::string(shape_text));
    }
    shape_text = shape_text.substr(1, shape_text.size() - 2);

    NpyArray array;
    std::uint64_t count = 1;
    size_t at = 0;
    while (at < shape_text.size()) {
        while (at < shape_text.size() && (shape_text[at] == ' ' || shape_text[at] == ','))
            ++at;
        if (at == shape_text.size()) break;
        std::uint64_t dim = 0;
        size_t digits = 0;
        while (at < shape_text.size() && shape_text[at] >= '0' && shape_text[at] <= '9') {
            dim = dim * 10 + static_cast<std::uint64_t>(shape_text[at++] - '0');
            if (++digits > 12) return bad("shape dimension too large");
        }
        if (digits == 0) return bad("malformed shape (" + std::string(shape_text) + ")");
        array.shape.push_back(static_cast<std::int64_t>(dim));
        count *= dim;
        if (count > (std::uint64_t{1} << 40)) return bad("array too large");
    }
    const size_t data_start = header_start + header_length;
    if (bytes.size() - data_start != count * sizeof(float)) {
        return bad("holds " + std::to_string(bytes.size() - data_start) +
                   " data bytes, the shape needs " + std::to_string(count * sizeof(float)));
    }
    array.data.resize(count);
    std::memcpy(array.data.data(), bytes.data() + data_start, count * sizeof(float));
    return array;
}

Result<NpyArray> read_npy(const std::filesystem::path& path) {
    auto bytes = read_text_file(path, file_caps::npy);
    if (!bytes) return bytes.status();
    return parse_npy(*bytes, path.string());
}

}  // namespace ponder
