// The GGUF container (version 3, as written by llama.cpp, LM Studio and Ollama), little-endian:
//   "GGUF", u32 version, u64 tensor_count, u64 metadata_kv_count,
//   metadata_kv_count x { string key, u32 value_type, value },
//   tensor_count x { string name, u32 n_dims, u64 ne[n_dims], u32 ggml_type, u64 offset },
//   padding to general.alignment (default 32), then the tensor data; offsets are relative to
//   the start of the data and multiples of the alignment. A string is a u64 byte length and the
//   bytes (no terminator); an array is u32 element type, u64 count and the elements.
// ne[0] is the innermost (contiguous) dimension: a [rows, cols] matrix is stored as ne = {cols,
// rows}. Quantized types pack ne[0] in blocks (32 values per Q8_0 or MXFP4 block).
//
// parse_gguf is a pure function of the bytes and treats them as hostile, like parse_safetensors:
// it never reads outside the span, checks every count against the bytes that remain before
// allocating for it, and reports every defect as bad_model naming the key or the tensor. The
// result holds string_views and spans INTO `bytes`: keep the bytes (the mapping) alive.
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

// ggml's tensor types, numbered as in the file (ggml.h enum ggml_type). Only some are runnable
// by Ponder (see engine/model/gguf_checkpoint.h); the parser knows them all so that it can check
// any file's sizes and name the type in a refusal.
enum class GgmlType : std::uint32_t {
    f32 = 0,
    f16 = 1,
    q4_0 = 2,
    q4_1 = 3,
    q5_0 = 6,
    q5_1 = 7,
    q8_0 = 8,
    q8_1 = 9,
    q2_k = 10,
    q3_k = 11,
    q4_k = 12,
    q5_k = 13,
    q6_k = 14,
    q8_k = 15,
    iq2_xxs = 16,
    iq2_xs = 17,
    iq3_xxs = 18,
    iq1_s = 19,
    iq4_nl = 20,
    iq3_s = 21,
    iq2_s = 22,
    iq4_xs = 23,
    i8 = 24,
    i16 = 25,
    i32 = 26,
    i64 = 27,
    f64 = 28,
    iq1_m = 29,
    bf16 = 30,
    tq1_0 = 34,
    tq2_0 = 35,
    mxfp4 = 39,
};

struct GgmlTypeTraits {
    const char* name;           // "Q8_0"
    std::uint32_t block_size;   // values per block (1 for plain types)
    std::uint32_t block_bytes;  // bytes per block
};

// The traits of a known type number, or nullopt (an unknown or removed type).
std::optional<GgmlTypeTraits> ggml_type_traits(std::uint32_t type);
const char* ggml_type_name(GgmlType type);  // "MXFP4"; "?" never happens for enum values

// Metadata value types (gguf_type).
enum class GgufValueType : std::uint32_t {
    u8 = 0,
    i8 = 1,
    u16 = 2,
    i16 = 3,
    u32 = 4,
    i32 = 5,
    f32 = 6,
    boolean = 7,
    string = 8,
    array = 9,
    u64 = 10,
    i64 = 11,
    f64 = 12,
};

const char* gguf_value_type_name(GgufValueType type);  // "u32", "string", ...
// Bytes of one scalar of a value type in the file; 0 for string and array.
std::uint64_t gguf_scalar_size(GgufValueType type);

// One metadata value. Scalars are widened (integers to i64/u64 as their sign says, floats to
// double); strings and string arrays view the file's bytes; numeric arrays keep their raw
// little-endian bytes (`raw`, count * element size) so that a 201088-entry token-type table costs
// nothing to parse.
struct GgufValue {
    GgufValueType type = GgufValueType::u8;
    GgufValueType element_type = GgufValueType::u8;  // arrays only
    std::uint64_t count = 0;                         // arrays only
    std::int64_t int_value = 0;                      // signed integer types and bool
    std::uint64_t uint_value = 0;                    // unsigned integer types
    double float_value = 0.0;                        // f32, f64
    std::string_view string_value;                   // string
    std::vector<std::string_view> strings;           // array of string
    std::span<const std::uint8_t> raw;               // array of numbers or bools

    bool is_integer() const;
    bool is_float() const { return type == GgufValueType::f32 || type == GgufValueType::f64; }
    // The value as an integer when it is an integer type whose value fits, else nullopt.
    std::optional<std::int64_t> as_int() const;
    // Element i of a numeric array as an integer (i < count, an integer element type).
    std::optional<std::int64_t> int_element(std::uint64_t i) const;
};

struct GgufTensorInfo {
    std::string_view name;
    GgmlType type = GgmlType::f32;
    std::vector<std::int64_t> ne;  // innermost first, 1..4 dims, each >= 1
    std::uint64_t offset = 0;      // byte offset of the data from the start of the FILE
    std::uint64_t size = 0;        // bytes: elements / block_size * block_bytes

    std::int64_t elements() const;
    // The shape outermost first (numpy / safetensors order): "[201088, 2880]".
    std::vector<std::int64_t> shape() const;
};

struct GgufFile {
    std::uint32_t version = 0;
    std::uint64_t alignment = 32;   // general.alignment
    std::uint64_t data_offset = 0;  // start of the tensor data area, a multiple of alignment
    std::map<std::string, GgufValue, std::less<>> metadata;
    std::vector<GgufTensorInfo> tensors;  // in file order

    const GgufTensorInfo* find_tensor(std::string_view name) const;  // null if absent
    const GgufValue* find(std::string_view key) const;               // null if absent
};

// Caps on what a header may declare (the 120b's header is ~4 MB, mostly the vocabulary: ~40 keys,
// 687 tensors, 201088 tokens and ~200000 merges). Counts are also checked against the bytes left,
// but a 13 GB file leaves room for a billion 8-byte empty strings; these keep the parsed table
// (16 bytes per string, ~100 per key or tensor) to a few hundred MB whatever the file claims.
inline constexpr std::uint64_t max_gguf_string_bytes = 64ull << 20;
inline constexpr std::uint64_t max_gguf_metadata_entries = 1ull << 16;
inline constexpr std::uint64_t max_gguf_tensors = 1ull << 20;
inline constexpr std::uint64_t max_gguf_array_strings = 1ull << 24;  // all string arrays together
inline constexpr std::uint32_t max_gguf_tensor_name_bytes = 63;      // ggml's GGML_MAX_NAME - 1
inline constexpr std::uint32_t max_gguf_dims = 4;

// True when `bytes` start with the GGUF magic (a cheap test before parsing: Ollama's blobs have
// no extension).
bool looks_like_gguf(std::span<const std::uint8_t> bytes);

// Parses and validates the header of a GGUF file held in `bytes` (the whole file). `file_name`
// labels error messages. Checks: magic, version 3, every string and array length within the file
// and the caps, UTF-8 keys and names, known value types (no nested arrays), no duplicate keys or
// tensor names, general.alignment a u32 power of two, 1..4 dims each >= 1 with no overflowing
// element count, known tensor types with ne[0] a multiple of the block size, offsets multiples of
// the alignment, data inside the file and no two tensors overlapping. Fails with bad_model.
Result<GgufFile> parse_gguf(std::span<const std::uint8_t> bytes, std::string_view file_name);

}  // namespace ponder
