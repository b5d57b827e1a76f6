#include "app/core/model_discovery.h"

#include <cstdlib>

#include "app/core/data_paths.h"
#include "engine/resources.h"

namespace ponder::core {
namespace fs = std::filesystem;

std::optional<fs::path> demo_model_folder() {
    auto config = find_resource("demo-model/config.json");
    if (!config) return std::nullopt;
    return fs::path(*config).parent_path();
}

namespace {

fs::path hub_cache() {
    if (const char* hub = std::getenv("HF_HUB_CACHE"); hub && *hub) return hub;
    if (const char* home = std::getenv("HF_HOME"); home && *home) return fs::path(home) / "hub";
    if (const char* home = std::getenv("HOME"); home && *home) {
        return fs::path(home) / ".cache" / "huggingface" / "hub";
    }
    return {};
}

}  // namespace

std::vector<FoundModel> find_huggingface_models() {
    std::vector<FoundModel> found;
    const fs::path hub = hub_cache();
    if (hub.empty()) return found;
    for (const char* repo : {"gpt-oss-20b", "gpt-oss-120b"}) {
        const fs::path snapshots = hub / (std::string("models--openai--") + repo) / "snapshots";
        std::error_code ec;
        if (!fs::is_directory(snapshots, ec)) continue;
        std::optional<fs::path> newest;
        fs::file_time_type newest_time{};
        for (const auto& entry : fs::directory_iterator(snapshots, ec)) {
            if (!fs::exists(entry.path() / "config.json", ec)) continue;
            const auto time = fs::last_write_time(entry.path(), ec);
            if (!newest || time > newest_time) {
                newest = entry.path();
                newest_time = time;
            }
        }
        if (newest) found.push_back({std::string("openai/") + repo, *newest});
    }
    return found;
}

}  // namespace ponder::core
