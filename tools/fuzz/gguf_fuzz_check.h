// The one entry the GGUF fuzzer and its deterministic unit-test twin share: parse the bytes, and
// when the parser accepts them, check what its callers rely on. Sanitizers catch any read outside
// the input; this catches a result that would send a caller outside it.
#pragma once

#include <cstdint>
#include <span>

#include "engine/io/gguf.h"

namespace ponder {

// False when parse_gguf accepted `bytes` but its result breaks an invariant: a tensor outside
// the data area or misaligned, a size that does not match shape and type, overlapping tensors,
// a string that does not lie inside the input. Rejection is always fine, but an error must carry
// a message.
inline bool gguf_fuzz_check(std::span<const std::uint8_t> bytes) {
    auto file = parse_gguf(bytes, "fuzz.gguf");
    if (!file) return !file.status().message().empty();
    const auto inside = [&](std::string_view s) {
        const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
        return s.empty() || (p >= bytes.data() && p + s.size() <= bytes.data() + bytes.size());
    };
    if (file->data_offset > bytes.size() || file->alignment == 0) return false;
    std::uint64_t checksum = 0;
    for (const auto& [key, value] : file->metadata) {
        if (!inside(value.string_value)) return false;
        for (std::string_view s : value.strings) {
            if (!inside(s)) return false;
            if (!s.empty()) checksum += static_cast<unsigned char>(s.back());
        }
        if (!value.raw.empty()) checksum += value.raw.back();
    }
    for (const GgufTensorInfo& tensor : file->tensors) {
        if (!inside(tensor.name)) return false;
        const auto traits = ggml_type_traits(static_cast<std::uint32_t>(tensor.type));
        if (!traits || tensor.ne.empty() || tensor.ne.size() > max_gguf_dims) return false;
        if (tensor.ne[0] % traits->block_size != 0) return false;
        std::uint64_t elements = 1;
        for (std::int64_t d : tensor.ne) {
            if (d < 1) return false;
            elements *= static_cast<std::uint64_t>(d);
        }
        if (elements / traits->block_size * traits->block_bytes != tensor.size) return false;
        if (tensor.offset < file->data_offset || tensor.offset > bytes.size() ||
            tensor.size > bytes.size() - tensor.offset ||
            (tensor.offset - file->data_offset) % file->alignment != 0) {
            return false;
        }
        // Touch both ends so that an address sanitizer sees any out-of-bounds range.
        checksum += bytes[tensor.offset] + bytes[tensor.offset + tensor.size - 1];
        if (file->find_tensor(tensor.name) != &tensor) return false;
        for (const GgufTensorInfo& other : file->tensors) {
            const bool disjoint = &other == &tensor ||
                                  other.offset >= tensor.offset + tensor.size ||
                                  tensor.offset >= other.offset + other.size;
            if (!disjoint) return false;
        }
    }
    return checksum != ~std::uint64_t{0};  // keep the reads from being optimized away
}

}  // namespace ponder
