#include "engine/resources.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
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

Result<std::string> read_whole_file(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        return Status(StatusCode::io_error, "cannot open " + path + ": " + std::strerror(errno));
    }
    std::string content;
    char buffer[1 << 16];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
        content.append(buffer, got);
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) return Status(StatusCode::io_error, "cannot read " + path);
    return content;
}

}  // namespace ponder
