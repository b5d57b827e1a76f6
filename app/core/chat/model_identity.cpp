#include "app/core/chat/model_identity.h"

#include <nlohmann/json.hpp>

#include "app/core/storage/record_checks.h"
#include "engine/io/text_file.h"

namespace ponder::core {

namespace {

// ponder.json holds a few short strings and two numbers: the demo model's is about 1 KB.
constexpr std::uint64_t kMaxPonderJsonBytes = 1ull << 20;

// "recommended_sampling": {"temperature": T, "top_p": P}, both optional, in the ranges a
// conversation may store.
Status read_recommended_sampling(const nlohmann::json& json, const std::filesystem::path& file,
                                 SamplingSettings& out) {
    auto it = json.find("recommended_sampling");
    if (it == json.end()) return Status::success();
    const std::string where = file.string() + ": \"recommended_sampling\"";
    if (!it->is_object()) return Status(StatusCode::bad_model, where + " must be an object");
    for (auto [key, field] :
         {std::pair{"temperature", &out.temperature}, std::pair{"top_p", &out.top_p}}) {
        auto value = it->find(key);
        if (value == it->end()) continue;
        if (!value->is_number()) {
            return Status(StatusCode::bad_model, where + "." + key + " must be a number");
        }
        *field = value->get<double>();
    }
    ConversationSettings settings;
    settings.sampling = out;
    if (Status status = check_settings(settings); !status.ok()) {
        return Status(StatusCode::bad_model, where + ": " + status.message());
    }
    return Status::success();
}

}  // namespace

Result<ModelIdentity> read_model_identity(const std::filesystem::path& model_dir) {
    ModelIdentity identity;
    const std::filesystem::path canonical = std::filesystem::weakly_canonical(model_dir);
    identity.display_name = canonical.filename().string();
    const std::filesystem::path file = model_dir / "ponder.json";
    std::error_code ec;
    // symlink_status: a broken link named ponder.json is an error to report, not "no file".
    if (!std::filesystem::exists(std::filesystem::symlink_status(file, ec))) return identity;

    auto text = read_text_file(file, kMaxPonderJsonBytes);
    if (!text) return text.status();
    const nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
    if (!json.is_object()) {
        return Status(StatusCode::bad_model, file.string() + " is not a JSON object");
    }
    auto read = [&](const char* key, std::string& out) -> Status {
        auto it = json.find(key);
        if (it == json.end()) return Status::success();
        if (!it->is_string()) {
            return Status(StatusCode::bad_model,
                          file.string() + ": \"" + key + "\" must be a string");
        }
        out = it->get<std::string>();
        return Status::success();
    };
    for (auto [key, field] : {std::pair{"display_name", &identity.display_name},
                              std::pair{"model_identity", &identity.model_identity},
                              std::pair{"knowledge_cutoff", &identity.knowledge_cutoff},
                              std::pair{"description", &identity.description}}) {
        if (Status status = read(key, *field); !status.ok()) return status;
    }
    if (Status status = read_recommended_sampling(json, file, identity.recommended_sampling);
        !status.ok()) {
        return status;
    }
    return identity;
}

}  // namespace ponder::core
