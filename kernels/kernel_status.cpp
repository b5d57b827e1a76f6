#include "kernels/kernel_status.h"

#include <cuda_runtime.h>

#include <cstdarg>
#include <cstdio>

namespace ponder::kernels {

Status Status::error(StatusCode code, const char* format, ...) {
    Status status;
    status.code_ = code;
    va_list args;
    va_start(args, format);
    std::vsnprintf(status.message_, sizeof(status.message_), format, args);
    va_end(args);
    return status;
}

Status Status::from_cuda(int err, const char* what) {
    if (err == 0) return success();
    const auto cuda_err = static_cast<cudaError_t>(err);
    Status status = error(
        cuda_err == cudaErrorMemoryAllocation ? StatusCode::out_of_memory : StatusCode::cuda_error,
        "%s: %s (CUDA error %d)", what, cudaGetErrorString(cuda_err), err);
    status.cuda_error_ = err;
    return status;
}

const char* status_code_name(StatusCode code) {
    switch (code) {
        case StatusCode::ok:
            return "ok";
        case StatusCode::invalid_argument:
            return "invalid argument";
        case StatusCode::unsupported:
            return "unsupported";
        case StatusCode::out_of_memory:
            return "out of memory";
        case StatusCode::cuda_error:
            return "CUDA error";
        case StatusCode::cancelled:
            return "cancelled";
        case StatusCode::context_full:
            return "context full";
    }
    return "unknown";
}

}  // namespace ponder::kernels
