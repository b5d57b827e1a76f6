// The one entry the safetensors fuzzer and its deterministic unit-test twin share: parse the
// bytes, and when the parser accepts them, check what its callers rely on. Sanitizers catch any
// read outside the input; this catches a result that would send a caller outside it.
#pragma once

#include <cstdint>
#include <span>

#include "engine/io/safetensors.h"

namespace ponder {

// False when parse_safetensors accepted `bytes` but its table breaks an invariant: a tensor
// outside the file or overlapping the header, a size that does not match shape and dtype,
// overlapping tensors, or names out of order. Rejection (any error status) is always fine, but
// an error must carry a message.
inline bool safetensors_fuzz_check(std::span<const std::uint8_t> bytes) {
    auto header = parse_safetensors(bytes, "fuzz.safetensors");
    if (!header) return !header.status().message().empty();
    if (header->data_offset < 8 || header->data_offset > bytes.size()) return false;
    std::uint64_t checksum = 0;
    const TensorInfo* previous = nullptr;
    for (const TensorInfo& tensor : header->tensors) {
        if (previous != nullptr && !(previous->name < tensor.name)) return false;
        previous = &tensor;
        if (tensor.offset < header->data_offset || tensor.offset > bytes.size() ||
            tensor.size > bytes.size() - tensor.offset) {
            return false;
        }
        std::uint64_t expected = dtype_size(tensor.dtype);
        for (std::int64_t dim : tensor.shape) {
            if (dim < 0) return false;
            expected *= static_cast<std::uint64_t>(dim);
        }
        if (expected != tensor.size) return false;
        if (tensor.size > 0) {
            // Touch both ends so that an address sanitizer sees any out-of-bounds range.
            checksum += bytes[tensor.offset] + bytes[tensor.offset + tensor.size - 1];
        }
        if (header->find(tensor.name) != &tensor) return false;
        for (const TensorInfo& other : header->tensors) {
            const bool disjoint = tensor.size == 0 || other.size == 0 || &other == &tensor ||
                                  other.offset >= tensor.offset + tensor.size ||
                                  tensor.offset >= other.offset + other.size;
            if (!disjoint) return false;
        }
    }
    return checksum != ~std::uint64_t{0};  // keep the reads from being optimized away
}

}  // namespace ponder
