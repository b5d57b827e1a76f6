#include "kernels/gemm_cublas.h"

#include <cublas_v2.h>

#include <utility>

#include "kernels/launch_checks.h"

namespace ponder::kernels {
namespace {

Status from_cublas(cublasStatus_t status, const char* what) {
    if (status == CUBLAS_STATUS_SUCCESS) return Status::success();
    return Status::error(
        status == CUBLAS_STATUS_ALLOC_FAILED ? StatusCode::out_of_memory : StatusCode::cuda_error,
        "%s: %s (cuBLAS status %d)", what, cublasGetStatusString(status), static_cast<int>(status));
}

}  // namespace

Blas::~Blas() {
    if (handle_ != nullptr) cublasDestroy(static_cast<cublasHandle_t>(handle_));
}

Blas::Blas(Blas&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

Blas& Blas::operator=(Blas&& other) noexcept {
    if (this != &other) {
        if (handle_ != nullptr) cublasDestroy(static_cast<cublasHandle_t>(handle_));
        handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
}

Status Blas::create() {
    if (handle_ != nullptr) return Status::success();
    cublasHandle_t handle = nullptr;
    PONDER_KERNELS_TRY(from_cublas(cublasCreate(&handle), "cublasCreate"));
    handle_ = handle;
    return Status::success();
}

Status bf16_bf16w_gemm(Blas& blas, const GemmArgs& a, StreamHandle stream) {
    const char* name = "bf16_bf16w_gemm";
    if (blas.handle() == nullptr) {
        return Status::error(StatusCode::invalid_argument, "%s: Blas not created", name);
    }
    PONDER_KERNELS_TRY(require_pointer(name, "weight", a.weight));
    PONDER_KERNELS_TRY(require_pointer(name, "x", a.x));
    PONDER_KERNELS_TRY(require_pointer(name, "y", a.y));
    PONDER_KERNELS_TRY(require_range(name, "num_tokens", a.num_tokens, 1, 1 << 20));
    PONDER_KERNELS_TRY(require_range(name, "rows", a.rows, 1, 1 << 30));
    PONDER_KERNELS_TRY(require_multiple(name, "cols", a.cols, 8));
    auto handle = static_cast<cublasHandle_t>(blas.handle());
    PONDER_KERNELS_TRY(from_cublas(cublasSetStream(handle, stream), "cublasSetStream"));
    // Column-major view: Y^T (rows x T) = W (rows x cols, stored as cols x rows) ^T * X^T.
    const float alpha = 1.0f;
    return from_cublas(
        cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, a.rows, a.num_tokens, a.cols, &alpha,
                     a.weight, CUDA_R_16BF, a.cols, a.x, CUDA_R_16BF, a.cols, &a.beta, a.y,
                     CUDA_R_32F, a.rows, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
        name);
}

}  // namespace ponder::kernels
