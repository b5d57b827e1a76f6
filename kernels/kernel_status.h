// How the kernels layer reports failure: every launcher and helper returns a Status (code +
// message), never aborts and never throws. The engine maps it to its own ponder::Status; this
// layer cannot include engine headers (docs/architecture.md §1). Plain C++17 so nvcc-compiled files
// use it.
#pragma once

namespace ponder::kernels {

enum class StatusCode {
    ok,
    invalid_argument,  // a shape, pointer or size the kernel does not accept
    unsupported,       // valid in general, but not for this build or device
    out_of_memory,     // cudaMalloc failed
    cuda_error,        // any other CUDA or cuBLAS error (cuda_error() holds the number)
    cancelled,         // the module's caller asked to stop (between layers or decode steps)
    context_full,      // a module session has no room for more positions
};

class [[nodiscard]] Status {
  public:
    Status() = default;
    static Status success() { return Status(); }
    // printf-style message: say what was expected and what was found.
    static Status error(StatusCode code, const char* format, ...)
        __attribute__((format(printf, 2, 3)));
    // ok when err == 0 (cudaSuccess); else cuda_error (or out_of_memory for
    // cudaErrorMemoryAllocation) with "<what>: <CUDA's description> (CUDA error N)".
    static Status from_cuda(int err, const char* what);

    bool ok() const { return code_ == StatusCode::ok; }
    StatusCode code() const { return code_; }
    const char* message() const { return message_; }  // "" when ok
    int cuda_error() const { return cuda_error_; }    // 0 unless a CUDA call failed

  private:
    StatusCode code_ = StatusCode::ok;
    int cuda_error_ = 0;
    char message_[256] = {};
};

const char* status_code_name(StatusCode code);

}  // namespace ponder::kernels

// Returns early from the enclosing function when `expr` (a Status) is not ok.
#define PONDER_KERNELS_TRY(expr)                                 \
    do {                                                         \
        ::ponder::kernels::Status ponder_try_status_ = (expr);   \
        if (!ponder_try_status_.ok()) return ponder_try_status_; \
    } while (0)
