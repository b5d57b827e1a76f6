#include "engine/resources.h"

#include <filesystem>
#include <system_error>
#include <vector>

namespace ponder {

Result<std::string> find_resource(std::string_view name) {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    std::error_code error;
    const fs::path executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) candidates.push_back(executable.parent_path() / ".." / "share" / "ponder" / name);
    candidates.push_back(fs::path(PONDER_SOURCE_RESOURCES_DIR) / name);
    std::string tried;
    for (const fs::path& candidate : candidates) {
        if (fs::is_regular_file(candidate, error)) return candidate.lexically_normal().string();
        tried += (tried.empty() ? "" : ", ") + candidate.lexically_normal().string();
    }
    return Status(StatusCode::io_error,
                  "shipped file " + std::string(name) + " not found (looked in " + tried + ")");
}

}  // namespace ponder
