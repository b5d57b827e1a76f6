#include "engine/io/safetensors.h"

#include <algorithm>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace ponder {

namespace {

using nlohmann::json;

struct DtypeEntry {
    Dtype dtype;
    const char* name;
    std::uint64_t size;
};

constexpr DtypeEntry dtype_table[] = {
    {Dtype::boolean, "BOOL", 1},    {Dtype::u8, "U8", 1},           {Dtype::i8, "I8", 1},
    {Dtype::f8_e5m2, "F8_E5M2", 1}, {Dtype::f8_e4m3, "F8_E4M3", 1}, {Dtype::i16, "I16", 2},
    {Dtype::u16, "U16", 2},         {Dtype::f16, "F16", 2},         {Dtype::bf16, "BF16", 2},
    {Dtype::i32, "I32", 4},         {Dtype::u32, "U32", 4},         {Dtype::f32, "F32", 4},
    {Dtype::f64, "F64", 8},         {Dtype::i64, "I64", 8},         {Dtype::u64, "U64", 8},
};

const DtypeEntry& entry_of(Dtype dtype) {
    for (const DtypeEntry& entry : dtype_table) {
        if (entry.dtype == dtype) return entry;
    }
    return dtype_table[0];
}

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), checked before the
// JSON parser sees the text so that the error can say what is wrong in plain words.
std::optional<std::size_t> first_invalid_utf8(std::span<const std::uint8_t> text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::uint8_t lead = text[i];
        std::size_t length = 0;
        std::uint32_t min_code = 0;
        std::uint32_t code = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2, min_code = 0x80, code = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3, min_code = 0x800, code = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4, min_code = 0x10000, code = lead & 0x07;
        } else {
            return i;
        }
        if (text.size() - i < length) return i;
        for (std::size_t k = 1; k < length; ++k) {
            if ((text[i + k] & 0xC0) != 0x80) return i;
            code = (code << 6) | (text[i + k] & 0x3F);
        }
        if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
        i += length;
    }
    return std::nullopt;
}

const char* json_type_name(const json& value) {
    if (value.is_number_float()) return "a non-integer number";
    if (value.is_number_integer() && value.get<std::int64_t>() < 0) return "a negative number";
    return value.type_name();
}

class HeaderParser {
  public:
    HeaderParser(std::span<const std::uint8_t> bytes, std::string_view file_name)
        : bytes_(bytes), file_(file_name) {}

    Result<SafetensorsHeader> parse();

  private:
    Status fail(const std::string& message) const {
        return Status(StatusCode::bad_model, file_ + ": " + message);
    }
    Status fail_tensor(const std::string& name, const std::string& message) const {
        return fail("tensor " + name + ": " + message);
    }
    Status parse_tensor(const std::string& name, const json& entry, TensorInfo& tensor) const;
    Status parse_metadata(const json& entry, SafetensorsHeader& header) const;
    Status check_overlaps(const SafetensorsHeader& header) const;

    std::span<const std::uint8_t> bytes_;
    std::string file_;
    std::uint64_t data_offset_ = 0;  // 8 + header length: where data_offsets count from
    std::uint64_t data_size_ = 0;    // bytes after the header
};

Result<SafetensorsHeader> HeaderParser::parse() {
    if (bytes_.size() < 8) {
        return fail("file is " + std::to_string(bytes_.size()) +
                    " bytes, too short for the 8-byte header length");
    }
    std::uint64_t header_length = 0;
    for (int i = 7; i >= 0; --i)
        header_length = (header_length << 8) | bytes_[i];
    const std::uint64_t available = bytes_.size() - 8;
    if (header_length > max_safetensors_header_bytes) {
        return fail("header length " + std::to_string(header_length) + " exceeds the limit of " +
                    std::to_string(max_safetensors_header_bytes) + " bytes");
    }
    if (header_length > available) {
        return fail("header length " + std::to_string(header_length) + " but only " +
                    std::to_string(available) + " bytes follow (truncated file?)");
    }
    if (header_length < 2) return fail("header of " + std::to_string(header_length) + " bytes");
    data_offset_ = 8 + header_length;
    data_size_ = available - header_length;
    const std::span<const std::uint8_t> text = bytes_.subspan(8, header_length);
    if (auto bad = first_invalid_utf8(text)) {
        return fail("header is not valid UTF-8 (byte " + std::to_string(*bad) + " of the header)");
    }

    // nlohmann keeps the last of duplicate keys silently; the callback sees every key, so a
    // duplicated tensor name is caught here instead of one tensor vanishing.
    std::set<std::string> top_level_keys;
    std::string duplicate;
    const auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
        if (event == json::parse_event_t::key && depth == 1 && duplicate.empty() &&
            !top_level_keys.insert(parsed.get<std::string>()).second) {
            duplicate = parsed.get<std::string>();
        }
        return true;
    };
    const json root = json::parse(text.begin(), text.end(), on_event, /*allow_exceptions=*/false);
    if (root.is_discarded()) return fail("header is not valid JSON");
    if (!root.is_object())
        return fail(std::string("header is JSON ") + root.type_name() + ", expected an object");
    if (!duplicate.empty()) return fail("tensor " + duplicate + " is listed twice in the header");

    SafetensorsHeader header;
    header.data_offset = data_offset_;
    header.tensors.reserve(root.size());
    for (const auto& [name, entry] : root.items()) {
        if (name == "__metadata__") {
            if (Status status = parse_metadata(entry, header); !status.ok()) return status;
            continue;
        }
        TensorInfo tensor;
        if (Status status = parse_tensor(name, entry, tensor); !status.ok()) return status;
        header.tensors.push_back(std::move(tensor));
    }
    // std::map already iterates in name order; sorting states the invariant find() relies on.
    std::sort(header.tensors.begin(), header.tensors.end(),
              [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
    if (Status status = check_overlaps(header); !status.ok()) return status;
    return header;
}

Status HeaderParser::parse_metadata(const json& entry, SafetensorsHeader& header) const {
    if (!entry.is_object()) {
        return fail(std::string("__metadata__ is ") + entry.type_name() + ", expected an object");
    }
    for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) {
            return fail("__metadata__ value of " + key + " is " + value.type_name() +
                        ", expected a string");
        }
        header.metadata[key] = value.get<std::string>();
    }
    return Status::success();
}

Status HeaderParser::parse_tensor(const std::string& name, const json& entry,
                                  TensorInfo& tensor) const {
    tensor.name = name;
    if (!entry.is_object()) {
        return fail_tensor(name,
                           std::string("entry is ") + entry.type_name() + ", expected an object");
    }
    for (const auto& [key, value] : entry.items()) {
        if (key != "dtype" && key != "shape" && key != "data_offsets") {
            return fail_tensor(name, "unexpected key \"" + key + "\"");
        }
    }
    const auto dtype_it = entry.find("dtype");
    if (dtype_it == entry.end() || !dtype_it->is_string()) {
        return fail_tensor(name, "missing or non-string dtype");
    }
    const auto dtype = dtype_from_name(dtype_it->get<std::string>());
    if (!dtype) return fail_tensor(name, "unknown dtype \"" + dtype_it->get<std::string>() + "\"");
    tensor.dtype = *dtype;

    const auto shape_it = entry.find("shape");
    if (shape_it == entry.end() || !shape_it->is_array()) {
        return fail_tensor(name, "missing shape, or shape is not an array");
    }
    // Byte count = product(shape) * element size, computed with overflow checks: a hostile
    // shape like [2^40, 2^40] must not wrap around to a small, plausible size.
    std::uint64_t bytes = dtype_size(tensor.dtype);
    bool overflow = false;
    for (const json& dim : *shape_it) {
        if (!dim.is_number_unsigned()) {
            return fail_tensor(name, std::string("shape has ") + json_type_name(dim) +
                                         " as a dimension, expected a non-negative integer");
        }
        const std::uint64_t value = dim.get<std::uint64_t>();
        if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return fail_tensor(name, "shape dimension " + std::to_string(value) + " is too large");
        }
        tensor.shape.push_back(static_cast<std::int64_t>(value));
        overflow = overflow || __builtin_mul_overflow(bytes, value, &bytes);
    }
    if (overflow) {
        return fail_tensor(
            name, "shape " + shape_to_string(tensor.shape) + " has more bytes than fit in 64 bits");
    }

    const auto offsets_it = entry.find("data_offsets");
    if (offsets_it == entry.end() || !offsets_it->is_array() || offsets_it->size() != 2 ||
        !(*offsets_it)[0].is_number_unsigned() || !(*offsets_it)[1].is_number_unsigned()) {
        return fail_tensor(name, "data_offsets must be [begin, end] with non-negative integers");
    }
    const std::uint64_t begin = (*offsets_it)[0].get<std::uint64_t>();
    const std::uint64_t end = (*offsets_it)[1].get<std::uint64_t>();
    if (begin > end) {
        return fail_tensor(name, "data_offsets [" + std::to_string(begin) + ", " +
                                     std::to_string(end) + "] end before they begin");
    }
    if (end > data_size_) {
        return fail_tensor(name, "data_offsets [" + std::to_string(begin) + ", " +
                                     std::to_string(end) + "] reach past the data area of " +
                                     std::to_string(data_size_) + " bytes (truncated file?)");
    }
    if (end - begin != bytes) {
        return fail_tensor(name, "data_offsets span " + std::to_string(end - begin) +
                                     " bytes, but shape " + shape_to_string(tensor.shape) + " " +
                                     dtype_name(tensor.dtype) + " needs " + std::to_string(bytes));
    }
    tensor.offset = data_offset_ + begin;
    tensor.size = bytes;
    return Status::success();
}

Status HeaderParser::check_overlaps(const SafetensorsHeader& header) const {
    std::vector<const TensorInfo*> by_offset;
    for (const TensorInfo& tensor : header.tensors) {
        if (tensor.size > 0) by_offset.push_back(&tensor);
    }
    std::sort(by_offset.begin(), by_offset.end(),
              [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
        const TensorInfo& previous = *by_offset[i - 1];
        const TensorInfo& current = *by_offset[i];
        if (current.offset < previous.offset + previous.size) {
            return fail("tensors " + previous.name + " and " + current.name + " overlap");
        }
    }
    return Status::success();
}

}  // namespace

const char* dtype_name(Dtype dtype) {
    return entry_of(dtype).name;
}

std::uint64_t dtype_size(Dtype dtype) {
    return entry_of(dtype).size;
}

std::optional<Dtype> dtype_from_name(std::string_view name) {
    for (const DtypeEntry& entry : dtype_table) {
        if (name == entry.name) return entry.dtype;
    }
    return std::nullopt;
}

std::string shape_to_string(const std::vector<std::int64_t>& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) text += ", ";
        text += std::to_string(shape[i]);
    }
    return text + "]";
}

const TensorInfo* SafetensorsHeader::find(std::string_view name) const {
    const auto it = std::lower_bound(
        tensors.begin(), tensors.end(), name,
        [](const TensorInfo& tensor, std::string_view key) { return tensor.name < key; });
    return it != tensors.end() && it->name == name ? &*it : nullptr;
}

Result<SafetensorsHeader> parse_safetensors(std::span<const std::uint8_t> bytes,
                                            std::string_view file_name) {
    return HeaderParser(bytes, file_name).parse();
}

}  // namespace ponder
