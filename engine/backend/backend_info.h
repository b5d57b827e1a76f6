// Which compute backend runs the model, and why (docs/architecture.md §3): CUDA when a usable
// device and the CUDA module exist, otherwise the CPU, with the reason shown to the user.
#pragma once

#include <cstdint>
#include <string>

namespace ponder {

enum class BackendKind { cpu, cuda };
enum class BackendPreference { automatic, cpu, cuda };

const char* backend_kind_name(BackendKind kind);  // "cpu" / "cuda"

struct GpuInfo {
    std::string name;       // e.g. "NVIDIA H200"
    int compute_major = 0;  // 9 = Hopper, 12 = RTX 50-series
    int compute_minor = 0;
    std::uint64_t total_memory = 0;  // bytes
    std::uint64_t free_memory = 0;   // bytes, when probed
};

struct BackendInfo {
    BackendKind kind = BackendKind::cpu;
    GpuInfo gpu;                      // valid when kind == cuda
    std::string cpu_fallback_reason;  // why CUDA is not used, when kind == cpu and a GPU was asked
                                      // for or probed
    std::string summary()
        const;  // "CUDA: NVIDIA H200 (139.8 GiB)" or "CPU (no usable NVIDIA GPU...)"
};

// Probes for a usable GPU through the CUDA module (never aborts; safe without driver or module).
// With BackendPreference::cpu no probe happens. Thread-safe; the module is loaded once.
BackendInfo select_backend(BackendPreference preference);

}  // namespace ponder
