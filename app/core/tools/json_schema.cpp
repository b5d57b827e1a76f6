#include "app/core/tools/json_schema.h"

#include <cmath>

namespace ponder::core {
namespace {

Status fail(const std::string& path, const std::string& message) {
    return Status(StatusCode::invalid_argument, path + ": " + message);
}

bool has_type(const Json& value, const std::string& type) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    if (type == "number") return value.is_number();
    if (type == "integer") {
        if (value.is_number_integer()) return true;
        // 3.0 is an integer in JSON Schema: the value matters, not how it was written.
        if (!value.is_number_float()) return false;
        const double x = value.get<double>();
        return std::isfinite(x) && std::floor(x) == x;
    }
    return false;
}

size_t code_points(const std::string& text) {
    size_t count = 0;
    for (unsigned char c : text)
        count += (c & 0xC0) != 0x80;
    return count;
}

std::string child_path(const std::string& path, const std::string& key) {
    bool plain = !key.empty();
    for (char c : key) {
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '_');
    }
    return plain
               ? path + "." + key
               : path + "[" + Json(key).dump(-1, ' ', false, Json::error_handler_t::replace) + "]";
}

Status check_type(const Json& value, const Json& type, const std::string& path) {
    if (type.is_string()) {
        const auto name = type.get<std::string>();
        if (has_type(value, name)) return Status::success();
        const bool vowel = name[0] == 'a' || name[0] == 'i' || name[0] == 'o';
        return fail(path, std::string("expected ") + (vowel ? "an " : "a ") + name + ", got " +
                              describe_json(value));
    }
    if (type.is_array()) {
        std::string names;
        for (const Json& t : type) {
            if (t.is_string() && has_type(value, t.get<std::string>())) return Status::success();
            names += (names.empty() ? "" : " or ") + (t.is_string() ? t.get<std::string>() : "?");
        }
        return fail(path, "expected " + names + ", got " + describe_json(value));
    }
    return Status::success();
}

Status check_number(const Json& value, const Json& schema, const std::string& path) {
    if (!value.is_number()) return Status::success();
    const double x = value.get<double>();
    auto bound = [&](const char* key, auto violated, const char* rule) -> Status {
        if (auto it = schema.find(key); it != schema.end() && it->is_number()) {
            if (violated(x, it->template get<double>())) {
                return fail(path, std::string("expected a number ") + rule + " " + it->dump() +
                                      ", got " + value.dump());
            }
        }
        return Status::success();
    };
    for (Status status :
         {bound(
              "minimum", [](double v, double b) { return v < b; }, ">="),
          bound(
              "maximum", [](double v, double b) { return v > b; }, "<="),
          bound(
              "exclusiveMinimum", [](double v, double b) { return v <= b; }, ">"),
          bound(
              "exclusiveMaximum", [](double v, double b) { return v >= b; }, "<")}) {
        if (!status.ok()) return status;
    }
    return Status::success();
}

Status check_sizes(const Json& value, const Json& schema, const std::string& path) {
    auto limit = [&](const char* key) -> std::optional<size_t> {
        auto it = schema.find(key);
        if (it == schema.end() || !it->is_number_unsigned()) return std::nullopt;
        return it->get<size_t>();
    };
    if (value.is_string()) {
        const size_t length = code_points(value.get<std::string>());
        if (auto least = limit("minLength"); least && length < *least) {
            return fail(path, "expected at least " + std::to_string(*least) + " characters, got " +
                                  std::to_string(length));
        }
        if (auto most = limit("maxLength"); most && length > *most) {
            return fail(path, "expected at most " + std::to_string(*most) + " characters, got " +
                                  std::to_string(length));
        }
    }
    if (value.is_array()) {
        if (auto least = limit("minItems"); least && value.size() < *least) {
            return fail(path, "expected at least " + std::to_string(*least) + " items, got " +
                                  std::to_string(value.size()));
        }
        if (auto most = limit("maxItems"); most && value.size() > *most) {
            return fail(path, "expected at most " + std::to_string(*most) + " items, got " +
                                  std::to_string(value.size()));
        }
    }
    return Status::success();
}

Status validate_at(const Json& value, const Json& schema, const std::string& path) {
    if (schema.is_boolean()) {
        if (schema.get<bool>()) return Status::success();
        return fail(path, "no value is allowed here");
    }
    if (!schema.is_object()) return Status::success();
    if (auto type = schema.find("type"); type != schema.end()) {
        if (Status status = check_type(value, *type, path); !status.ok()) return status;
    }
    if (auto choices = schema.find("enum"); choices != schema.end() && choices->is_array()) {
        bool found = false;
        for (const Json& choice : *choices)
            found = found || choice == value;
        if (!found) {
            std::string names;
            for (const Json& choice : *choices)
                names += (names.empty() ? "" : ", ") + choice.dump();
            return fail(path, "expected one of " + names + ", got " + describe_json(value));
        }
    }
    if (Status status = check_number(value, schema, path); !status.ok()) return status;
    if (Status status = check_sizes(value, schema, path); !status.ok()) return status;

    if (value.is_object()) {
        const Json* properties = nullptr;
        if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
            properties = &*it;
        }
        if (auto required = schema.find("required");
            required != schema.end() && required->is_array()) {
            for (const Json& name : *required) {
                if (name.is_string() && !value.contains(name.get<std::string>())) {
                    return fail(path,
                                "missing required property \"" + name.get<std::string>() + "\"");
                }
            }
        }
        const auto extra = schema.find("additionalProperties");
        for (const auto& [key, item] : value.items()) {
            const std::string at = child_path(path, key);
            if (properties && properties->contains(key)) {
                if (Status status = validate_at(item, (*properties)[key], at); !status.ok())
                    return status;
            } else if (extra != schema.end()) {
                if (extra->is_boolean() && !extra->get<bool>()) {
                    std::string known;
                    if (properties) {
                        for (const auto& [name, unused] : properties->items())
                            known += (known.empty() ? "" : ", ") + name;
                    }
                    return fail(at,
                                "unknown property" +
                                    (known.empty() ? std::string() : " (expected " + known + ")"));
                }
                if (Status status = validate_at(item, *extra, at); !status.ok()) return status;
            }
        }
    }
    if (value.is_array()) {
        if (auto items = schema.find("items"); items != schema.end()) {
            for (size_t i = 0; i < value.size(); ++i) {
                if (Status status =
                        validate_at(value[i], *items, path + "[" + std::to_string(i) + "]");
                    !status.ok()) {
                    return status;
                }
            }
        }
    }
    return Status::success();
}

}  // namespace

std::string describe_json(const Json& value) {
    auto shortened = [](std::string text) {
        if (text.size() > 40) text = text.substr(0, 37) + "...";
        return text;
    };
    switch (value.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::boolean:
            return value.get<bool>() ? "true" : "false";
        case Json::value_t::string:
            return "a string " +
                   shortened(value.dump(-1, ' ', false, Json::error_handler_t::replace));
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float:
            return "a number " + value.dump(-1, ' ', false, Json::error_handler_t::replace);
        case Json::value_t::array:
            return "an array";
        case Json::value_t::object:
            return "an object";
        default:
            return "an unsupported value";
    }
}

Status validate_json(const Json& value, const Json& schema) {
    return validate_at(value, schema, "$");
}

}  // namespace ponder::core
