// Argument checks shared by the launchers: each returns invalid_argument with a message naming
// the kernel, the argument, and expected vs actual. Host only.
#pragma once

#include <cstdint>

#include "kernels/kernel_status.h"

namespace ponder::kernels {

inline bool is_aligned(const void* pointer, std::uintptr_t bytes) {
    return (reinterpret_cast<std::uintptr_t>(pointer) % bytes) == 0;
}

inline Status require_pointer(const char* kernel, const char* name, const void* pointer,
                              std::uintptr_t alignment = 16) {
    if (pointer == nullptr) {
        return Status::error(StatusCode::invalid_argument, "%s: %s is null", kernel, name);
    }
    if (!is_aligned(pointer, alignment)) {
        return Status::error(StatusCode::invalid_argument,
                             "%s: %s must be %u-byte aligned for vector loads", kernel, name,
                             static_cast<unsigned>(alignment));
    }
    return Status::success();
}

// A pointer that may be null, but must be aligned when it is not.
inline Status optional_pointer(const char* kernel, const char* name, const void* pointer,
                               std::uintptr_t alignment = 16) {
    return pointer == nullptr ? Status::success()
                              : require_pointer(kernel, name, pointer, alignment);
}

inline Status require_range(const char* kernel, const char* name, long long value, long long min,
                            long long max) {
    if (value < min || value > max) {
        return Status::error(StatusCode::invalid_argument, "%s: %s = %lld, expected %lld..%lld",
                             kernel, name, value, min, max);
    }
    return Status::success();
}

inline Status require_multiple(const char* kernel, const char* name, long long value,
                               long long multiple) {
    if (value <= 0 || value % multiple != 0) {
        return Status::error(StatusCode::invalid_argument,
                             "%s: %s = %lld, expected a positive multiple of %lld", kernel, name,
                             value, multiple);
    }
    return Status::success();
}

}  // namespace ponder::kernels
