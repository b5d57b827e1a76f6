// Dense bf16 GEMMs through cuBLAS (docs/architecture.md §3: the right tool for prefill's q/k/v,
// o_proj and router projections). cuBLAS is linked into libponder_cuda.so only, never into the app.
#pragma once

#include "kernels/kernel_args.h"
#include "kernels/kernel_status.h"
#include "kernels/launchers.h"

namespace ponder::kernels {

// Owns a cuBLAS handle (bound to the device current at create()). Move-only; not thread-safe:
// one Blas per thread or stream.
class Blas {
  public:
    Blas() = default;
    ~Blas();
    Blas(Blas&& other) noexcept;
    Blas& operator=(Blas&& other) noexcept;
    Blas(const Blas&) = delete;
    Blas& operator=(const Blas&) = delete;

    Status create();
    void* handle() const { return handle_; }  // cublasHandle_t

  private:
    void* handle_ = nullptr;
};

// y[T, rows] = x[T, cols] * W^T + beta * y: bf16 operands, f32 accumulation and output, on the
// tensor cores. Enqueued on `stream`; may allocate cuBLAS workspace on first use, so call it once
// before capturing a graph that contains it.
Status bf16_bf16w_gemm(Blas& blas, const GemmArgs& args, StreamHandle stream);

}  // namespace ponder::kernels
