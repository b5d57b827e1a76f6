// Loads libponder_cuda.so at run time (dlopen), so that a binary built with CUDA starts and falls
// back to the CPU on a machine without a GPU, a driver or the CUDA libraries.
#pragma once

#include <string>

#include "kernels/cuda_module_abi.h"

namespace ponder {

class CudaModule {
  public:
    // The process-wide module, loaded on first use. Never null; check available().
    static const CudaModule& instance();

    bool available() const { return probe_ != nullptr; }
    const std::string& load_error() const { return load_error_; }  // why it is unavailable
    ponder_cuda_probe_fn probe() const { return probe_; }
    // The module's function table (models, sessions, forward passes); null when unavailable.
    const ponder_cuda_api* api() const { return api_; }

  private:
    CudaModule();
    ponder_cuda_probe_fn probe_ = nullptr;
    const ponder_cuda_api* api_ = nullptr;
    std::string load_error_;
};

}  // namespace ponder
