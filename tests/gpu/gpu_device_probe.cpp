// The CUDA module loads and describes a real device: name, memory, compute capability >= 9.0.
// Skipped (exit 77) where there is no usable GPU.
#include <cstdio>

#include "engine/backend/backend_info.h"

int main() {
    const ponder::BackendInfo info = ponder::select_backend(ponder::BackendPreference::cuda);
    if (info.kind != ponder::BackendKind::cuda) {
        std::printf("SKIP: %s\n", info.summary().c_str());
        return 77;
    }
    std::printf("%s\n", info.summary().c_str());
    const bool ok = !info.gpu.name.empty() && info.gpu.total_memory > (1ull << 30) &&
                    info.gpu.free_memory > 0 && info.gpu.free_memory <= info.gpu.total_memory &&
                    info.gpu.compute_major >= 9;
    std::printf("%s\n", ok ? "PASS" : "FAIL: implausible device description");
    return ok ? 0 : 1;
}
