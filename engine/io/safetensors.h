// The safetensors container (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
// then the tensor data; data_offsets are relative to the end of the header.
//
// parse_safetensors is a pure function of the bytes (docs/architecture.md §5) and treats them as
// hostile: it never reads outside the span, never trusts a length or offset it has not checked, and
// reports every defect as bad_model naming the file and, where there is one, the tensor.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace ponder {

// The element types safetensors defines (the spelling in the header is dtype_name()).
enum class Dtype : std::uint8_t {
    boolean,
    u8,
    i8,
    f8_e5m2,
    f8_e4m3,
    i16,
    u16,
    f16,
    bf16,
    i32,
    u32,
    f32,
    f64,
    i64,
    u64,
};

const char* dtype_name(Dtype dtype);    // "BF16", "U8", ...
std::uint64_t dtype_size(Dtype dtype);  // bytes per element
std::optional<Dtype> dtype_from_name(std::string_view name);

// "[4096, 2880]"
std::string shape_to_string(const std::vector<std::int64_t>& shape);

struct TensorInfo {
    std::string name;
    Dtype dtype = Dtype::u8;
    std::vector<std::int64_t> shape;  // every dim >= 0; product(shape) * dtype_size == size
    std::uint64_t offset = 0;         // byte offset of the data from the start of the FILE
    std::uint64_t size = 0;           // bytes
};

struct SafetensorsHeader {
    std::vector<TensorInfo> tensors;              // sorted by name
    std::map<std::string, std::string> metadata;  // "__metadata__", e.g. {"format": "pt"}
    std::uint64_t data_offset = 0;                // 8 + header length

    // The tensor called `name`, or null.
    const TensorInfo* find(std::string_view name) const;
};

// Headers larger than this are refused before any JSON is parsed (the 20b checkpoint's are ~40 KB).
inline constexpr std::uint64_t max_safetensors_header_bytes = 100ull << 20;

// Parses and validates the header of a safetensors file held in `bytes` (the whole file).
// `file_name` only labels error messages. Checks: header length within the file and the cap,
// header is UTF-8 JSON whose top level is an object, no duplicate names, known dtypes, shapes of
// non-negative integers whose byte size does not overflow, data_offsets [begin, end] with
// begin <= end inside the data area, end - begin == product(shape) * dtype size, no two tensors
// overlapping, "__metadata__" (optional) a string-to-string object. Gaps between tensors are
// allowed. Fails with bad_model; never reads outside `bytes`.
Result<SafetensorsHeader> parse_safetensors(std::span<const std::uint8_t> bytes,
                                            std::string_view file_name);

}  // namespace ponder
