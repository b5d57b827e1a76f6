#include "engine/io/gguf.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include "engine/tokenizer/utf8.h"

namespace ponder {

namespace {

constexpr std::uint32_t gguf_version = 3;
constexpr std::uint64_t default_alignment = 32;
// A count checked against the file's size can still be in the hundreds of millions for a 13 GB
// file; memory is reserved for at most this many entries up front (gpt-oss's vocabulary has
// 201088) and grows with what is actually parsed beyond it.
constexpr std::uint64_t max_reserved_entries = 1 << 18;

struct TypeRow {
    std::uint32_t id;
    GgmlTypeTraits traits;
};

// ggml's type table (ggml.c type_traits): values per block and bytes per block.
constexpr TypeRow type_rows[] = {
    {0, {"F32", 1, 4}},         {1, {"F16", 1, 2}},         {2, {"Q4_0", 32, 18}},
    {3, {"Q4_1", 32, 20}},      {6, {"Q5_0", 32, 22}},      {7, {"Q5_1", 32, 24}},
    {8, {"Q8_0", 32, 34}},      {9, {"Q8_1", 32, 36}},      {10, {"Q2_K", 256, 84}},
    {11, {"Q3_K", 256, 110}},   {12, {"Q4_K", 256, 144}},   {13, {"Q5_K", 256, 176}},
    {14, {"Q6_K", 256, 210}},   {15, {"Q8_K", 256, 292}},   {16, {"IQ2_XXS", 256, 66}},
    {17, {"IQ2_XS", 256, 74}},  {18, {"IQ3_XXS", 256, 98}}, {19, {"IQ1_S", 256, 50}},
    {20, {"IQ4_NL", 32, 18}},   {21, {"IQ3_S", 256, 110}},  {22, {"IQ2_S", 256, 82}},
    {23, {"IQ4_XS", 256, 136}}, {24, {"I8", 1, 1}},         {25, {"I16", 1, 2}},
    {26, {"I32", 1, 4}},        {27, {"I64", 1, 8}},        {28, {"F64", 1, 8}},
    {29, {"IQ1_M", 256, 56}},   {30, {"BF16", 1, 2}},       {34, {"TQ1_0", 256, 54}},
    {35, {"TQ2_0", 256, 66}},   {39, {"MXFP4", 32, 17}},
};

bool known_value_type(std::uint32_t type) {
    return type <= 12;
}

std::uint64_t read_le(const std::uint8_t* p, int bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i)
        value |= static_cast<std::uint64_t>(p[i]) << (8 * i);
    return value;
}

// Reads `bytes` front to back; every read checks what remains, and a failed read leaves a
// message naming what was being read.
class Reader {
  public:
    Reader(std::span<const std::uint8_t> bytes, std::string_view file)
        : bytes_(bytes), file_(file) {}

    Status fail(const std::string& message) const {
        return Status(StatusCode::bad_model, file_ + ": " + message);
    }
    Status truncated(const std::string& what) const {
        return fail("truncated while reading " + what + " at byte " + std::to_string(pos_));
    }

    std::uint64_t remaining() const { return bytes_.size() - pos_; }
    std::uint64_t position() const { return pos_; }

    bool read_uint(int size, std::uint64_t& out) {
        if (remaining() < static_cast<std::uint64_t>(size)) return false;
        out = read_le(bytes_.data() + pos_, size);
        pos_ += static_cast<std::uint64_t>(size);
        return true;
    }

    bool take(std::uint64_t size, std::span<const std::uint8_t>& out) {
        if (remaining() < size) return false;
        out = bytes_.subspan(pos_, size);
        pos_ += size;
        return true;
    }

    // A GGUF string: u64 length + bytes, checked against the cap and the bytes left.
    Status read_string(const std::string& what, std::string_view& out) {
        std::uint64_t length = 0;
        if (!read_uint(8, length)) return truncated(what + " length");
        if (length > max_gguf_string_bytes) {
            return fail(what + " has length " + std::to_string(length) +
                        ", which exceeds the limit of " + std::to_string(max_gguf_string_bytes));
        }
        std::span<const std::uint8_t> data;
        if (!take(length, data)) {
            return fail(what + " of length " + std::to_string(length) + " reaches past the end " +
                        "of the file");
        }
        out = std::string_view(reinterpret_cast<const char*>(data.data()), data.size());
        return Status::success();
    }

  private:
    std::span<const std::uint8_t> bytes_;
    std::string file_;
    std::uint64_t pos_ = 0;
};

Status read_value(Reader& reader, const std::string& key, GgufValueType type, GgufValue& value,
                  std::uint64_t& strings_in_arrays) {
    value.type = type;
    if (type == GgufValueType::string) {
        return reader.read_string("the string value of " + key, value.string_value);
    }
    if (type == GgufValueType::array) {
        std::uint64_t element = 0;
        std::uint64_t count = 0;
        if (!reader.read_uint(4, element)) return reader.truncated("the array type of " + key);
        if (!reader.read_uint(8, count)) return reader.truncated("the array length of " + key);
        if (!known_value_type(static_cast<std::uint32_t>(element))) {
            return reader.fail(key + ": unknown array element type " + std::to_string(element));
        }
        value.element_type = static_cast<GgufValueType>(element);
        value.count = count;
        if (value.element_type == GgufValueType::array) {
            return reader.fail(key + ": arrays of arrays are not supported");
        }
        if (value.element_type == GgufValueType::string) {
            // Each string needs at least its 8-byte length: bound the count before reserving.
            if (count > reader.remaining() / 8) {
                return reader.fail(key + ": array of " + std::to_string(count) +
                                   " strings does not fit in the file");
            }
            if (count > max_gguf_array_strings - strings_in_arrays) {
                return reader.fail(
                    key + ": array of " + std::to_string(count) + " strings exceeds the limit of " +
                    std::to_string(max_gguf_array_strings) + " strings in all arrays");
            }
            strings_in_arrays += count;
            value.strings.reserve(std::min<std::uint64_t>(count, max_reserved_entries));
            for (std::uint64_t i = 0; i < count; ++i) {
                std::string_view s;
                if (Status status = reader.read_string(key + "[" + std::to_string(i) + "]", s);
                    !status.ok()) {
                    return status;
                }
                value.strings.push_back(s);
            }
            return Status::success();
        }
        const std::uint64_t size = gguf_scalar_size(value.element_type);
        if (count > reader.remaining() / size) {
            return reader.fail(key + ": array of " + std::to_string(count) + " " +
                               gguf_value_type_name(value.element_type) +
                               " values does not fit in the file");
        }
        reader.take(count * size, value.raw);
        return Status::success();
    }
    const int size = static_cast<int>(gguf_scalar_size(type));
    std::uint64_t bits = 0;
    if (!reader.read_uint(size, bits)) return reader.truncated("the value of " + key);
    switch (type) {
        case GgufValueType::u8:
        case GgufValueType::u16:
        case GgufValueType::u32:
        case GgufValueType::u64:
            value.uint_value = bits;
            break;
        case GgufValueType::i8:
            value.int_value = static_cast<std::int8_t>(bits);
            break;
        case GgufValueType::i16:
            value.int_value = static_cast<std::int16_t>(bits);
            break;
        case GgufValueType::i32:
            value.int_value = static_cast<std::int32_t>(bits);
            break;
        case GgufValueType::i64:
            value.int_value = static_cast<std::int64_t>(bits);
            break;
        case GgufValueType::boolean:
            if (bits > 1) return reader.fail(key + ": boolean value " + std::to_string(bits));
            value.int_value = static_cast<std::int64_t>(bits);
            break;
        case GgufValueType::f32: {
            float f = 0.0f;
            const auto u = static_cast<std::uint32_t>(bits);
            std::memcpy(&f, &u, 4);
            value.float_value = f;
            break;
        }
        case GgufValueType::f64:
            std::memcpy(&value.float_value, &bits, 8);
            break;
        case GgufValueType::string:
        case GgufValueType::array:
            break;
    }
    return Status::success();
}

}  // namespace

std::optional<GgmlTypeTraits> ggml_type_traits(std::uint32_t type) {
    for (const TypeRow& row : type_rows) {
        if (row.id == type) return row.traits;
    }
    return std::nullopt;
}

const char* ggml_type_name(GgmlType type) {
    const auto traits = ggml_type_traits(static_cast<std::uint32_t>(type));
    return traits ? traits->name : "?";
}

std::uint64_t gguf_scalar_size(GgufValueType type) {
    switch (type) {
        case GgufValueType::u8:
        case GgufValueType::i8:
        case GgufValueType::boolean:
            return 1;
        case GgufValueType::u16:
        case GgufValueType::i16:
            return 2;
        case GgufValueType::u32:
        case GgufValueType::i32:
        case GgufValueType::f32:
            return 4;
        case GgufValueType::u64:
        case GgufValueType::i64:
        case GgufValueType::f64:
            return 8;
        case GgufValueType::string:
        case GgufValueType::array:
            return 0;
    }
    return 0;
}

const char* gguf_value_type_name(GgufValueType type) {
    static const char* const names[] = {"u8",   "i8",     "u16",   "i16", "u32", "i32", "f32",
                                        "bool", "string", "array", "u64", "i64", "f64"};
    const auto index = static_cast<std::uint32_t>(type);
    return index < std::size(names) ? names[index] : "?";
}

bool GgufValue::is_integer() const {
    switch (type) {
        case GgufValueType::u8:
        case GgufValueType::i8:
        case GgufValueType::u16:
        case GgufValueType::i16:
        case GgufValueType::u32:
        case GgufValueType::i32:
        case GgufValueType::u64:
        case GgufValueType::i64:
            return true;
        default:
            return false;
    }
}

std::optional<std::int64_t> GgufValue::as_int() const {
    switch (type) {
        case GgufValueType::u8:
        case GgufValueType::u16:
        case GgufValueType::u32:
        case GgufValueType::u64:
            if (uint_value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return std::nullopt;
            return static_cast<std::int64_t>(uint_value);
        case GgufValueType::i8:
        case GgufValueType::i16:
        case GgufValueType::i32:
        case GgufValueType::i64:
            return int_value;
        default:
            return std::nullopt;
    }
}

std::optional<std::int64_t> GgufValue::int_element(std::uint64_t i) const {
    if (type != GgufValueType::array || i >= count) return std::nullopt;
    const std::uint64_t size = gguf_scalar_size(element_type);
    if (size == 0 || element_type == GgufValueType::f32 || element_type == GgufValueType::f64)
        return std::nullopt;
    const std::uint64_t bits = read_le(raw.data() + i * size, static_cast<int>(size));
    switch (element_type) {
        case GgufValueType::i8:
            return static_cast<std::int8_t>(bits);
        case GgufValueType::i16:
            return static_cast<std::int16_t>(bits);
        case GgufValueType::i32:
            return static_cast<std::int32_t>(bits);
        case GgufValueType::i64:
            return static_cast<std::int64_t>(bits);
        default:
            if (bits > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return std::nullopt;
            return static_cast<std::int64_t>(bits);
    }
}

std::int64_t GgufTensorInfo::elements() const {
    std::int64_t n = 1;
    for (std::int64_t d : ne)
        n *= d;
    return n;
}

std::vector<std::int64_t> GgufTensorInfo::shape() const {
    return {ne.rbegin(), ne.rend()};
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
    for (const GgufTensorInfo& tensor : tensors) {
        if (tensor.name == name) return &tensor;
    }
    return nullptr;
}

const GgufValue* GgufFile::find(std::string_view key) const {
    auto it = metadata.find(key);
    return it == metadata.end() ? nullptr : &it->second;
}

bool looks_like_gguf(std::span<const std::uint8_t> bytes) {
    return bytes.size() >= 4 && std::memcmp(bytes.data(), "GGUF", 4) == 0;
}

Result<GgufFile> parse_gguf(std::span<const std::uint8_t> bytes, std::string_view file_name) {
    Reader reader(bytes, file_name);
    GgufFile file;
    if (!looks_like_gguf(bytes)) return reader.fail("not a GGUF file (no \"GGUF\" magic)");
    std::span<const std::uint8_t> magic;
    reader.take(4, magic);
    std::uint64_t version = 0;
    std::uint64_t tensor_count = 0;
    std::uint64_t kv_count = 0;
    if (!reader.read_uint(4, version)) return reader.truncated("the version");
    if (version != gguf_version) {
        return reader.fail("GGUF version " + std::to_string(version) + " is not supported (only " +
                           std::to_string(gguf_version) + ")");
    }
    file.version = static_cast<std::uint32_t>(version);
    if (!reader.read_uint(8, tensor_count)) return reader.truncated("the tensor count");
    if (!reader.read_uint(8, kv_count)) return reader.truncated("the metadata count");
    // Minimum sizes: a key-value pair is 8 (key length) + 4 (type) + 1 bytes; a tensor info is
    // 8 (name length) + 4 (n_dims) + 8 (one dim) + 4 (type) + 8 (offset) bytes.
    if (kv_count > max_gguf_metadata_entries) {
        return reader.fail("metadata count " + std::to_string(kv_count) + " exceeds the limit of " +
                           std::to_string(max_gguf_metadata_entries));
    }
    if (tensor_count > max_gguf_tensors) {
        return reader.fail("tensor count " + std::to_string(tensor_count) +
                           " exceeds the limit of " + std::to_string(max_gguf_tensors));
    }
    if (kv_count > reader.remaining() / 13) {
        return reader.fail("metadata count " + std::to_string(kv_count) +
                           " does not fit in the file");
    }
    if (tensor_count > reader.remaining() / 32) {
        return reader.fail("tensor count " + std::to_string(tensor_count) +
                           " does not fit in the file");
    }

    std::uint64_t strings_in_arrays = 0;
    for (std::uint64_t i = 0; i < kv_count; ++i) {
        std::string_view key;
        if (Status s = reader.read_string("metadata key #" + std::to_string(i), key); !s.ok())
            return s;
        if (key.empty() || !is_valid_utf8(key)) {
            return reader.fail("metadata key #" + std::to_string(i) +
                               " is empty or not valid UTF-8");
        }
        const std::string key_text(key);
        if (file.metadata.count(key_text) != 0)
            return reader.fail("duplicate metadata key " + key_text);
        std::uint64_t type = 0;
        if (!reader.read_uint(4, type)) return reader.truncated("the type of " + key_text);
        if (!known_value_type(static_cast<std::uint32_t>(type))) {
            return reader.fail(key_text + ": unknown value type " + std::to_string(type));
        }
        GgufValue value;
        if (Status s = read_value(reader, key_text, static_cast<GgufValueType>(type), value,
                                  strings_in_arrays);
            !s.ok()) {
            return s;
        }
        file.metadata.emplace(key_text, std::move(value));
    }

    if (const GgufValue* alignment = file.find("general.alignment")) {
        if (alignment->type != GgufValueType::u32) {
            return reader.fail(std::string("general.alignment must be a u32, not ") +
                               gguf_value_type_name(alignment->type));
        }
        const std::uint64_t a = alignment->uint_value;
        if (a == 0 || (a & (a - 1)) != 0) {
            return reader.fail("general.alignment " + std::to_string(a) + " is not a power of two");
        }
        file.alignment = a;
    } else {
        file.alignment = default_alignment;
    }

    std::set<std::string_view> names;
    file.tensors.reserve(std::min<std::uint64_t>(tensor_count, max_reserved_entries));
    std::vector<std::uint64_t> relative_offsets;
    relative_offsets.reserve(std::min<std::uint64_t>(tensor_count, max_reserved_entries));
    for (std::uint64_t i = 0; i < tensor_count; ++i) {
        GgufTensorInfo tensor;
        const std::string label = "tensor #" + std::to_string(i);
        if (Status s = reader.read_string(label + " name", tensor.name); !s.ok()) return s;
        if (tensor.name.empty() || tensor.name.size() > max_gguf_tensor_name_bytes ||
            !is_valid_utf8(tensor.name)) {
            return reader.fail(label + " has an empty, over-long (> " +
                               std::to_string(max_gguf_tensor_name_bytes) +
                               " bytes) or non-UTF-8 name");
        }
        const std::string name(tensor.name);
        if (!names.insert(tensor.name).second) return reader.fail("duplicate tensor " + name);
        std::uint64_t n_dims = 0;
        if (!reader.read_uint(4, n_dims)) return reader.truncated("the dims of tensor " + name);
        if (n_dims < 1 || n_dims > max_gguf_dims) {
            return reader.fail("tensor " + name + " has " + std::to_string(n_dims) +
                               " dimensions (1 to " + std::to_string(max_gguf_dims) + " allowed)");
        }
        std::uint64_t elements = 1;
        for (std::uint64_t d = 0; d < n_dims; ++d) {
            std::uint64_t dim = 0;
            if (!reader.read_uint(8, dim)) return reader.truncated("the shape of tensor " + name);
            // Bounding every dim and the product by 2^62 keeps byte sizes from overflowing.
            constexpr std::uint64_t limit = 1ull << 62;
            if (dim == 0 || dim > limit || elements > limit / dim) {
                return reader.fail("tensor " + name + " has dimension " + std::to_string(d) +
                                   " = " + std::to_string(dim) +
                                   (dim == 0 ? " (empty)" : " (too many elements)"));
            }
            elements *= dim;
            tensor.ne.push_back(static_cast<std::int64_t>(dim));
        }
        std::uint64_t type = 0;
        if (!reader.read_uint(4, type)) return reader.truncated("the type of tensor " + name);
        const auto traits = ggml_type_traits(static_cast<std::uint32_t>(type));
        if (!traits) {
            return reader.fail("tensor " + name + " has unknown ggml type " + std::to_string(type));
        }
        tensor.type = static_cast<GgmlType>(type);
        if (static_cast<std::uint64_t>(tensor.ne[0]) % traits->block_size != 0) {
            return reader.fail("tensor " + name + " (" + traits->name + ") has " +
                               std::to_string(tensor.ne[0]) +
                               " values per row, not a multiple of the block size " +
                               std::to_string(traits->block_size));
        }
        tensor.size = elements / traits->block_size * traits->block_bytes;
        std::uint64_t offset = 0;
        if (!reader.read_uint(8, offset)) return reader.truncated("the offset of tensor " + name);
        if (offset % file.alignment != 0) {
            return reader.fail("tensor " + name + " offset " + std::to_string(offset) +
                               " is not a multiple of the alignment " +
                               std::to_string(file.alignment));
        }
        relative_offsets.push_back(offset);
        file.tensors.push_back(std::move(tensor));
    }

    const std::uint64_t header_end = reader.position();
    const std::uint64_t padding = (file.alignment - header_end % file.alignment) % file.alignment;
    file.data_offset = header_end + padding;
    if (file.data_offset > bytes.size()) {
        if (tensor_count == 0)
            file.data_offset = bytes.size();
        else
            return reader.fail("the tensor data area starts past the end of the file");
    }
    const std::uint64_t data_bytes = bytes.size() - file.data_offset;
    for (std::size_t i = 0; i < file.tensors.size(); ++i) {
        GgufTensorInfo& tensor = file.tensors[i];
        const std::uint64_t offset = relative_offsets[i];
        if (offset > data_bytes || tensor.size > data_bytes - offset) {
            return reader.fail("tensor " + std::string(tensor.name) + ": data [" +
                               std::to_string(offset) + ", " + std::to_string(offset) + " + " +
                               std::to_string(tensor.size) + ") reaches past the end of the " +
                               "file (" + std::to_string(data_bytes) + " data bytes)");
        }
        tensor.offset = file.data_offset + offset;
    }
    std::vector<const GgufTensorInfo*> by_offset;
    by_offset.reserve(file.tensors.size());
    for (const GgufTensorInfo& tensor : file.tensors)
        by_offset.push_back(&tensor);
    std::sort(
        by_offset.begin(), by_offset.end(),
        [](const GgufTensorInfo* a, const GgufTensorInfo* b) { return a->offset < b->offset; });
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
        const GgufTensorInfo& a = *by_offset[i - 1];
        const GgufTensorInfo& b = *by_offset[i];
        if (a.offset + a.size > b.offset) {
            return reader.fail("tensors " + std::string(a.name) + " and " + std::string(b.name) +
                               " overlap");
        }
    }
    return file;
}

}  // namespace ponder
