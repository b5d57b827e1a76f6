#include "engine/tokenizer/hf_tokenizer_json.h"

#include <nlohmann/json.hpp>

#include "engine/io/text_file.h"
#include "engine/tokenizer/byte_level.h"

namespace ponder {
namespace {

using Json = nlohmann::json;

// A member of an object without copying it (value() would copy the 200k-entry vocab); a null
// JSON value when absent.
const Json& member(const Json& object, const char* key) {
    static const Json null_value;
    if (!object.is_object()) return null_value;
    auto it = object.find(key);
    return it == object.end() ? null_value : *it;
}

Status unsupported(const std::string& path, const std::string& what) {
    return Status(StatusCode::unsupported, path + ": " + what);
}

// Collects the split regexes of a pre_tokenizer tree in application order.
Status collect_patterns(const Json& node, const std::string& path,
                        std::vector<std::string>& patterns) {
    if (node.is_null()) return Status::success();
    if (!node.is_object() || !node.contains("type") || !node["type"].is_string()) {
        return Status(StatusCode::bad_model, path + ": pre_tokenizer entry without a type");
    }
    const std::string type = node["type"].get<std::string>();
    if (type == "Sequence") {
        const Json& children = member(node, "pretokenizers");
        if (!children.is_array())
            return Status(StatusCode::bad_model, path + ": Sequence.pretokenizers is not a list");
        for (const Json& child : children) {
            Status status = collect_patterns(child, path, patterns);
            if (!status.ok()) return status;
        }
        return Status::success();
    }
    if (type == "Split") {
        const Json& pattern = member(node, "pattern");
        if (!pattern.is_object() || !pattern.contains("Regex") || !pattern["Regex"].is_string()) {
            return unsupported(path, "pre_tokenizer Split without a Regex pattern");
        }
        if (node.value("behavior", std::string("Isolated")) != "Isolated" ||
            node.value("invert", false)) {
            return unsupported(path,
                               "pre_tokenizer Split must have behavior Isolated and invert false");
        }
        patterns.push_back(pattern["Regex"].get<std::string>());
        return Status::success();
    }
    if (type == "ByteLevel") {
        if (node.value("add_prefix_space", false)) {
            return unsupported(path, "ByteLevel pre_tokenizer with add_prefix_space");
        }
        if (node.value("use_regex", true)) patterns.emplace_back(PreTokenizer::gpt2_pattern());
        return Status::success();
    }
    return unsupported(path, "pre_tokenizer type " + type);
}

// An id read from JSON; -1 (refused later by Tokenizer::create) when not a 32-bit integer.
TokenId json_id(const Json& value) {
    if (!value.is_number_integer()) return -1;
    const auto id = value.get<long long>();
    return id < 0 || id > 0x7FFFFFFF ? -1 : static_cast<TokenId>(id);
}

Result<Tokenizer> parse(std::string_view json_text, const std::string& path) {
    // The merges list is dropped while parsing (returning false discards a key and its value).
    const Json::parser_callback_t skip_merges = [](int, Json::parse_event_t event, Json& parsed) {
        return !(event == Json::parse_event_t::key && parsed == "merges");
    };
    Json root =
        Json::parse(json_text.begin(), json_text.end(), skip_merges, /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object()) {
        return Status(StatusCode::bad_model, path + " is not a JSON object");
    }
    if (!member(root, "normalizer").is_null()) {
        return unsupported(path, "tokenizers with a normalizer are not supported");
    }
    const Json& model = member(root, "model");
    if (!model.is_object() || model.value("type", std::string("BPE")) != "BPE") {
        return unsupported(path, "model.type must be BPE");
    }
    const Json& vocab = member(model, "vocab");
    if (!vocab.is_object() || vocab.empty()) {
        return Status(StatusCode::bad_model, path + ": model.vocab is missing or empty");
    }
    std::vector<std::pair<std::string, TokenId>> ranked_bytes;
    ranked_bytes.reserve(vocab.size());
    for (const auto& [spelling, id] : vocab.items()) {
        auto bytes = byte_level_decode(spelling);
        if (!bytes) {
            return Status(StatusCode::bad_model, path + ": vocab entry '" + spelling +
                                                     "' is not in the byte-level alphabet");
        }
        if (!id.is_number_integer()) {
            return Status(StatusCode::bad_model,
                          path + ": vocab entry '" + spelling + "' has no integer id");
        }
        ranked_bytes.emplace_back(std::move(*bytes), json_id(id));
    }

    std::vector<AddedToken> added;
    const Json& added_json = member(root, "added_tokens");
    if (!added_json.is_null() && !added_json.is_array())
        return Status(StatusCode::bad_model, path + ": added_tokens is not a list");
    for (const Json& entry : added_json) {
        if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_number_integer() ||
            !entry.contains("content") || !entry["content"].is_string()) {
            return Status(StatusCode::bad_model,
                          path + ": an added_tokens entry lacks an integer id or a content string");
        }
        added.push_back({entry["content"].get<std::string>(), json_id(entry["id"]),
                         entry.value("special", false)});
    }

    std::vector<std::string> patterns;
    Status status = collect_patterns(member(root, "pre_tokenizer"), path, patterns);
    if (!status.ok()) return status;
    if (patterns.size() != 1) {
        return unsupported(path, "expected exactly one pre-tokenizer regex, found " +
                                     std::to_string(patterns.size()));
    }
    return Tokenizer::create(std::move(ranked_bytes), std::move(added), patterns[0], path);
}

}  // namespace

Result<Tokenizer> parse_hf_tokenizer_json(std::string_view json_text, const std::string& path) {
    try {
        return parse(json_text, path);
    } catch (const Json::exception& error) {  // a field of the wrong type, e.g. "special": "yes"
        return Status(StatusCode::bad_model, path + ": " + error.what());
    }
}

Result<Tokenizer> load_hf_tokenizer_json(const std::string& path) {
    auto content = read_text_file(path, file_caps::tokenizer_json);
    if (!content) return content.status();
    return parse_hf_tokenizer_json(*content, path);
}

}  // namespace ponder
