#include "app/core/model_discovery.h"

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <tuple>

#include <nlohmann/json.hpp>

#include "app/core/data_paths.h"
#include "engine/io/gguf.h"
#include "engine/io/mapped_file.h"
#include "engine/io/text_file.h"
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

fs::path home_path(const char* relative) {
    const char* home = std::getenv("HOME");
    return home && *home ? fs::path(home) / relative : fs::path();
}

fs::path env_or_home(const char* variable, const char* relative) {
    if (const char* value = std::getenv(variable); value && *value) return value;
    return home_path(relative);
}

// "-00002-of-00003.gguf": a later part of a split file (the first part stands for the model).
bool is_later_split_part(const std::string& file_name) {
    static const std::regex part(R"(-(\d{5})-of-(\d{5})\.gguf$)");
    std::smatch match;
    return std::regex_search(file_name, match, part) && match[1] != "00001";
}

// True when `file` is a GGUF whose header says gpt-oss. Maps the file (only the header's pages
// are read) and parses the header, so a hostile file costs no more than opening it would.
bool is_gpt_oss_gguf(const fs::path& file) {
    auto mapped = MappedFile::open(file);
    if (!mapped || !looks_like_gguf(mapped->bytes())) return false;
    auto header = parse_gguf(mapped->bytes(), file.string());
    if (!header) return false;
    const GgufValue* arch = header->find("general.architecture");
    return arch != nullptr && arch->type == GgufValueType::string &&
           (arch->string_value == "gpt-oss" || arch->string_value == "gptoss");
}

// The size of a model file, all parts of a split one included.
std::uint64_t model_bytes(const fs::path& file) {
    std::error_code ec;
    std::uint64_t bytes = fs::file_size(file, ec);
    if (ec) return 0;
    const std::string name = file.filename().string();
    static const std::regex first(R"(^(.*)-00001-of-(\d{5})\.gguf$)");
    std::smatch match;
    if (!std::regex_match(name, match, first)) return bytes;
    const int parts = std::stoi(match[2]);
    for (int part = 2; part <= parts; ++part) {
        char suffix[32];
        std::snprintf(suffix, sizeof(suffix), "-%05d-of-%05d.gguf", part, parts);
        bytes += fs::file_size(file.parent_path() / (match[1].str() + suffix), ec);
        if (ec) return bytes;
    }
    return bytes;
}

// Every gpt-oss .gguf below `root` (symbolic links followed, as the Hugging Face cache's
// snapshots are links into its blobs), named by its path below `root`.
void add_gguf_files(const fs::path& root, const std::string& store, std::vector<FoundGguf>& out) {
    std::error_code ec;
    if (root.empty() || !fs::is_directory(root, ec)) return;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it.depth() > 6) {
            it.disable_recursion_pending();
            continue;
        }
        const fs::path& path = it->path();
        if (path.extension() != ".gguf" || is_later_split_part(path.filename().string())) continue;
        if (!fs::is_regular_file(path, ec) || !is_gpt_oss_gguf(path)) continue;
        out.push_back({path.lexically_relative(root).string(), store, path, model_bytes(path)});
    }
}

// Ollama's store: manifests/<host>/<namespace>/<model>/<tag> (JSON) -> blobs/sha256-<hex>.
void add_ollama_models(const fs::path& models, std::vector<FoundGguf>& out) {
    const fs::path manifests = models / "manifests";
    std::error_code ec;
    if (!fs::is_directory(manifests, ec)) return;
    fs::recursive_directory_iterator it(manifests, fs::directory_options::skip_permission_denied,
                                        ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it.depth() != 3 || !it->is_regular_file(ec)) continue;
        const fs::path relative = it->path().lexically_relative(manifests);
        std::vector<std::string> parts;
        for (const fs::path& part : relative)
            parts.push_back(part.string());
        if (parts.size() != 4) continue;
        // An Ollama manifest is a few hundred bytes; 1 MiB is far above any real one.
        auto text = read_text_file(it->path(), 1 << 20);
        if (!text) continue;
        const nlohmann::json manifest = nlohmann::json::parse(*text, nullptr, false);
        if (!manifest.is_object() || !manifest.contains("layers") ||
            !manifest["layers"].is_array()) {
            continue;
        }
        for (const nlohmann::json& layer : manifest["layers"]) {
            if (!layer.is_object() ||
                layer.value("mediaType", "") != "application/vnd.ollama.image.model") {
                continue;
            }
            std::string digest = layer.value("digest", "");
            const std::string prefix = "sha256:";
            if (digest.rfind(prefix, 0) != 0 || digest.size() != prefix.size() + 64 ||
                digest.find_first_not_of("0123456789abcdef", prefix.size()) != std::string::npos) {
                continue;
            }
            const fs::path blob = models / "blobs" / ("sha256-" + digest.substr(prefix.size()));
            if (!fs::is_regular_file(blob, ec) || !is_gpt_oss_gguf(blob)) continue;
            const bool library = parts[0] == "registry.ollama.ai" && parts[1] == "library";
            const std::string name =
                (library ? "" : parts[0] + "/" + parts[1] + "/") + parts[2] + ":" + parts[3];
            out.push_back({name, "Ollama", blob, fs::file_size(blob, ec)});
        }
    }
}

}  // namespace

std::vector<FoundGguf> find_gguf_models() {
    std::vector<FoundGguf> found;
    add_gguf_files(home_path(".lmstudio/models"), "LM Studio", found);
    add_gguf_files(home_path(".cache/lm-studio/models"), "LM Studio", found);
    add_ollama_models(env_or_home("OLLAMA_MODELS", ".ollama/models"), found);
    add_gguf_files(env_or_home("LLAMA_CACHE", ".cache/llama.cpp"), "llama.cpp", found);
    const fs::path hub = hub_cache();
    std::error_code ec;
    if (!hub.empty() && fs::is_directory(hub, ec)) {
        for (const auto& repo : fs::directory_iterator(hub, ec)) {
            const std::string name = repo.path().filename().string();
            if (name.rfind("models--", 0) != 0) continue;
            std::vector<FoundGguf> in_repo;
            add_gguf_files(repo.path() / "snapshots", "Hugging Face", in_repo);
            for (FoundGguf& model : in_repo) {
                // "models--org--repo" + "<snapshot>/file.gguf" -> "org/repo/file.gguf"
                std::string repo_name = name.substr(8);
                const auto dash = repo_name.find("--");
                if (dash != std::string::npos) repo_name.replace(dash, 2, "/");
                const fs::path inside = fs::path(model.name);
                fs::path rest;
                for (auto part = std::next(inside.begin()); part != inside.end(); ++part)
                    rest /= *part;
                model.name = repo_name + "/" + rest.string();
                found.push_back(std::move(model));
            }
        }
    }
    const auto key = [](const FoundGguf& m) { return std::tie(m.store, m.name); };
    std::stable_sort(found.begin(), found.end(),
                     [&](const FoundGguf& a, const FoundGguf& b) { return key(a) < key(b); });
    // Two Hugging Face snapshots of one repository hold the same file: list it once.
    found.erase(
        std::unique(found.begin(), found.end(),
                    [&](const FoundGguf& a, const FoundGguf& b) { return key(a) == key(b); }),
        found.end());
    return found;
}

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
