#include "engine/backend/cuda_module.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace ponder {
namespace {

constexpr const char* kModuleName = "libponder_cuda.so";

std::filesystem::path executable_dir() {
    char buffer[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
    if (n <= 0) return {};
    buffer[n] = '\0';
    return std::filesystem::path(buffer).parent_path();
}

// Where the module may be: next to the binary (build tree), the install layout, then the
// dynamic loader's own search path. PONDER_CUDA_MODULE overrides all of them.
std::vector<std::string> candidate_paths() {
    std::vector<std::string> paths;
    if (const char* forced = std::getenv("PONDER_CUDA_MODULE"); forced && *forced) {
        paths.emplace_back(forced);
        return paths;
    }
    const auto dir = executable_dir();
    if (!dir.empty()) {
        paths.push_back((dir / kModuleName).string());
        paths.push_back((dir.parent_path() / "lib" / "ponder" / kModuleName).string());
        paths.push_back((dir.parent_path() / "lib64" / "ponder" / kModuleName).string());
    }
    paths.emplace_back(kModuleName);
    return paths;
}

}  // namespace

CudaModule::CudaModule() {
    std::string errors;
    const char* forced = std::getenv("PONDER_CUDA_MODULE");
    // Without the NVIDIA driver the module cannot run anything, and loading it would map cuBLAS
    // and the CUDA runtime (~150 MiB resident) into every process on a machine without a GPU.
    // A module named by PONDER_CUDA_MODULE is always loaded (tests check its own errors).
    if (forced == nullptr || *forced == '\0') {
        void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
        if (driver == nullptr) {
            load_error_ = "no NVIDIA driver installed: libcuda.so.1 not found";
            return;
        }
        dlclose(driver);
    }
    for (const auto& path : candidate_paths()) {
        if (path.find('/') != std::string::npos && !std::filesystem::exists(path)) {
            if (forced != nullptr && *forced != '\0') {
                errors += "PONDER_CUDA_MODULE names " + path + ", which does not exist; ";
            }
            continue;
        }
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            errors += std::string(dlerror()) + "; ";
            continue;
        }
        auto abi =
            reinterpret_cast<ponder_cuda_abi_version_fn>(dlsym(handle, "ponder_cuda_abi_version"));
        auto probe = reinterpret_cast<ponder_cuda_probe_fn>(dlsym(handle, "ponder_cuda_probe"));
        auto get_api = reinterpret_cast<ponder_cuda_api_fn>(dlsym(handle, "ponder_cuda_get_api"));
        if (abi == nullptr || probe == nullptr || get_api == nullptr ||
            abi() != PONDER_CUDA_ABI_VERSION) {
            errors += path + ": not a compatible Ponder CUDA module (ABI " +
                      std::to_string(abi != nullptr ? abi() : 0) + ", this build needs " +
                      std::to_string(PONDER_CUDA_ABI_VERSION) + "); ";
            dlclose(handle);
            continue;
        }
        probe_ = probe;  // the handle stays open for the life of the process
        api_ = get_api();
        return;
    }
    if (!errors.empty() && errors.size() >= 2) errors.resize(errors.size() - 2);  // "; "
    load_error_ = errors.empty() ? std::string("the CUDA backend module (") + kModuleName +
                                       ") is not installed next to the program"
                                 : "CUDA backend module not loadable: " + errors;
}

const CudaModule& CudaModule::instance() {
    static const CudaModule module;
    return module;
}

}  // namespace ponder
