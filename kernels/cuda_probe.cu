// Device discovery for the CUDA backend module: answers "is there a usable GPU, and which?"
// without ever aborting, so the engine can fall back to the CPU with a clear reason.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>

#include "kernels/cuda_module_abi.h"

namespace {

void write_error(char* error, size_t error_size, const char* what, cudaError_t err) {
    if (error == nullptr || error_size == 0) return;
    std::snprintf(error, error_size, "%s: %s (CUDA error %d)", what, cudaGetErrorString(err),
                  static_cast<int>(err));
}

// The oldest architecture the kernels are built for (sm_90); anything older cannot run them.
constexpr int kMinComputeMajor = 9;

}  // namespace

extern "C" __attribute__((visibility("default"))) int ponder_cuda_abi_version() {
    return PONDER_CUDA_ABI_VERSION;
}

extern "C" __attribute__((visibility("default"))) int ponder_cuda_probe(
    int index, ponder_cuda_device_info* info, char* error, size_t error_size) {
    // Without a driver this returns cudaErrorInsufficientDriver (35), not cudaErrorNoDevice:
    // every error here simply means "no usable GPU".
    int count = 0;
    if (cudaError_t err = cudaGetDeviceCount(&count); err != cudaSuccess) {
        write_error(error, error_size, "no usable NVIDIA GPU or driver", err);
        return 1;
    }
    if (index < 0 || index >= count) {
        std::snprintf(error, error_size, "CUDA device %d does not exist (%d found)", index, count);
        return 1;
    }
    cudaDeviceProp prop{};
    if (cudaError_t err = cudaGetDeviceProperties(&prop, index); err != cudaSuccess) {
        write_error(error, error_size, "cannot read the GPU's properties", err);
        return 1;
    }
    if (prop.major < kMinComputeMajor) {
        std::snprintf(error, error_size,
                      "%s has compute capability %d.%d; Ponder's kernels need 9.0 or newer",
                      prop.name, prop.major, prop.minor);
        return 1;
    }
    std::memset(info, 0, sizeof(*info));
    std::snprintf(info->name, sizeof(info->name), "%s", prop.name);
    info->compute_major = prop.major;
    info->compute_minor = prop.minor;
    info->total_memory = prop.totalGlobalMem;
    if (cudaSetDevice(index) == cudaSuccess) {
        size_t free_bytes = 0, total_bytes = 0;
        if (cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess) {
            info->free_memory = free_bytes;
        }
    }
    cudaDriverGetVersion(&info->driver_version);
    cudaRuntimeGetVersion(&info->runtime_version);
    return 0;
}
