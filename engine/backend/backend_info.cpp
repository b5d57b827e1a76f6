#include "engine/backend/backend_info.h"

#include <cstdio>

#include "engine/backend/cuda_module.h"

namespace ponder {

const char* backend_kind_name(BackendKind kind) {
    return kind == BackendKind::cuda ? "cuda" : "cpu";
}

std::string BackendInfo::summary() const {
    if (kind == BackendKind::cuda) {
        char text[320];
        std::snprintf(text, sizeof(text), "CUDA: %s (%.1f GiB, compute %d.%d)", gpu.name.c_str(),
                      static_cast<double>(gpu.total_memory) / (1024.0 * 1024.0 * 1024.0),
                      gpu.compute_major, gpu.compute_minor);
        return text;
    }
    return cpu_fallback_reason.empty() ? "CPU" : "CPU (" + cpu_fallback_reason + ")";
}

BackendInfo select_backend(BackendPreference preference) {
    BackendInfo info;
    if (preference == BackendPreference::cpu) return info;
    const CudaModule& module = CudaModule::instance();
    if (!module.available()) {
        info.cpu_fallback_reason = module.load_error();
        return info;
    }
    ponder_cuda_device_info device{};
    char error[512] = {0};
    if (module.probe()(0, &device, error, sizeof(error)) != 0) {
        info.cpu_fallback_reason = error;
        return info;
    }
    info.kind = BackendKind::cuda;
    info.gpu.name = device.name;
    info.gpu.compute_major = device.compute_major;
    info.gpu.compute_minor = device.compute_minor;
    info.gpu.total_memory = device.total_memory;
    info.gpu.free_memory = device.free_memory;
    return info;
}

}  // namespace ponder
