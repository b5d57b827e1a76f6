#include "engine/harmony/tool_definitions.h"

#include <set>

namespace ponder::harmony {
namespace {

using Json = JsonSchema;

// The member `key` of `value` if `value` is an object that has it.
const Json* member(const Json& value, const char* key) {
    if (!value.is_object()) return nullptr;
    auto it = value.find(key);
    return it == value.end() ? nullptr : &*it;
}

const std::string* string_member(const Json& value, const char* key) {
    const Json* found = member(value, key);
    return found != nullptr && found->is_string() ? found->get_ptr<const std::string*>() : nullptr;
}

bool is_enum(const Json& schema) {
    const Json* values = member(schema, "enum");
    return values != nullptr && values->is_array() && !values->empty();
}

bool is_nullable(const Json& schema) {
    const Json* nullable = member(schema, "nullable");
    return nullable != nullptr && nullable->is_boolean() && nullable->get<bool>();
}

// A default value as the renderer writes it: strings quoted unless the schema is an enum (whose
// members are already quoted in the type), anything else as compact JSON.
std::string default_text(const Json& value, const Json& schema) {
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        return is_enum(schema) ? text : "\"" + text + "\"";
    }
    return value.dump();
}

std::string with_null(std::string type, const Json& schema) {
    if (is_nullable(schema) && type.find("null") == std::string::npos) type += " | null";
    return type;
}

// Lines as Rust's str::lines(): split at '\n', drop one trailing '\r', no final empty line.
std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += separator;
        out += parts[i];
    }
    return out;
}

// A property whose schema is a oneOf list: comments above, then one " | variant" line each.
void render_one_of_property(const std::string& key, const Json& property, const Json& variants,
                            bool required, const std::string& indent, std::string& out) {
    const std::string* property_description = string_member(property, "description");
    // A property description equal to the first variant's is written once, above the property.
    bool skip_description = false;
    if (property_description != nullptr && !variants.empty()) {
        const std::string* first = string_member(variants.front(), "description");
        skip_description = first != nullptr && *first == *property_description;
    }
    bool description_above = false;
    if (!skip_description && property_description != nullptr) {
        out += indent + "// " + *property_description + "\n";
        description_above = true;
    }
    if (const Json* value = member(property, "default")) {
        out += indent + "// default: " + default_text(*value, property) + "\n";
    }
    out += indent + key + (required ? "" : "?") + ":\n";
    for (std::size_t i = 0; i < variants.size(); ++i) {
        const Json& variant = variants[i];
        out += indent + " | " + with_null(schema_to_typescript(variant, indent + "   "), variant);
        std::vector<std::string> comments;
        if (!(i == 0 && description_above)) {
            const std::string* description = string_member(variant, "description");
            if (description != nullptr &&
                (property_description == nullptr || *description != *property_description)) {
                comments.push_back(*description);
            }
        }
        if (const Json* value = member(variant, "default")) {
            comments.push_back("default: " + default_text(*value, variant));
        }
        if (!comments.empty()) out += " // " + join(comments, " ");
        out += "\n";
    }
    out += indent + ",\n";
}

std::string render_object(const Json& schema, const std::string& indent) {
    std::string out;
    if (const std::string* description = string_member(schema, "description")) {
        out += indent + "// " + *description + "\n";
    }
    out += "{\n";
    const Json* properties = member(schema, "properties");
    if (properties != nullptr && properties->is_object()) {
        std::set<std::string> required;
        if (const Json* names = member(schema, "required"); names != nullptr && names->is_array()) {
            for (const Json& name : *names) {
                if (name.is_string()) required.insert(name.get<std::string>());
            }
        }
        for (const auto& [key, property] : properties->items()) {
            const bool is_required = required.count(key) > 0;
            if (const std::string* title = string_member(property, "title")) {
                out += indent + "// " + *title + "\n" + indent + "//\n";
            }
            const Json* one_of = member(property, "oneOf");
            if (one_of == nullptr) {
                if (const std::string* description = string_member(property, "description")) {
                    out += indent + "// " + *description + "\n";
                }
            }
            if (const Json* examples = member(property, "examples");
                examples != nullptr && examples->is_array() && !examples->empty()) {
                out += indent + "// Examples:\n";
                for (const Json& example : *examples) {
                    if (example.is_string())
                        out += indent + "// - \"" + example.get<std::string>() + "\"\n";
                }
            }
            if (one_of != nullptr && one_of->is_array()) {
                render_one_of_property(key, property, *one_of, is_required, indent, out);
                continue;
            }
            out += indent + key + (is_required ? "" : "?") + ": ";
            out += with_null(schema_to_typescript(property, indent + "    "), property) + ",";
            if (one_of == nullptr) {
                if (const Json* value = member(property, "default")) {
                    out += " // default: " + default_text(*value, property);
                }
            }
            out += "\n";
        }
    }
    out += indent + "}";
    return out;
}

}  // namespace

std::string schema_to_typescript(const JsonSchema& schema, const std::string& indent) {
    if (const Json* one_of = member(schema, "oneOf"); one_of != nullptr && one_of->is_array()) {
        std::string out;
        for (const Json& variant : *one_of) {
            out += "\n" + indent + " | " +
                   with_null(schema_to_typescript(variant, indent + "   "), variant);
            std::vector<std::string> comments;
            if (const std::string* description = string_member(variant, "description")) {
                comments.push_back(*description);
            }
            if (const Json* value = member(variant, "default")) {
                comments.push_back("default: " + default_text(*value, variant));
            }
            if (!comments.empty()) out += " // " + join(comments, " ");
        }
        return out;
    }
    const Json* type = member(schema, "type");
    if (type != nullptr && type->is_array()) {
        std::vector<std::string> names;
        for (const Json& name : *type) {
            if (!name.is_string()) continue;
            const auto& text = name.get_ref<const std::string&>();
            names.push_back(text == "integer" ? "number" : text);
        }
        if (!names.empty()) return join(names, " | ");
    }
    if (type == nullptr || !type->is_string()) return "any";
    const auto& name = type->get_ref<const std::string&>();
    if (name == "object") return render_object(schema, indent);
    if (name == "string") {
        std::vector<std::string> members;
        if (const Json* values = member(schema, "enum"); values != nullptr && values->is_array()) {
            for (const Json& value : *values) {
                if (value.is_string()) members.push_back("\"" + value.get<std::string>() + "\"");
            }
        }
        return members.empty() ? "string" : join(members, " | ");
    }
    if (name == "number" || name == "integer") return "number";
    if (name == "boolean") return "boolean";
    if (name == "array") {
        const Json* items = member(schema, "items");
        return items != nullptr ? schema_to_typescript(*items, indent) + "[]" : "Array<any>";
    }
    return "any";
}

std::string render_tools_section(const std::vector<ToolNamespace>& namespaces) {
    std::vector<std::string> sections = {"# Tools"};
    for (const ToolNamespace& space : namespaces) {
        std::vector<std::string> lines = {"## " + space.name + "\n"};
        if (space.description) {
            // Without tools the description is prose for the model; with tools, a code comment.
            for (const std::string& line : split_lines(*space.description)) {
                lines.push_back(space.tools.empty() ? line : "// " + line);
            }
        }
        if (!space.tools.empty()) {
            lines.push_back("namespace " + space.name + " {\n");
            for (const FunctionTool& tool : space.tools) {
                for (const std::string& line : split_lines(tool.description))
                    lines.push_back("// " + line);
                if (tool.parameters) {
                    lines.push_back("type " + tool.name + " = (_: " +
                                    schema_to_typescript(*tool.parameters) + ") => any;\n");
                } else {
                    lines.push_back("type " + tool.name + " = () => any;\n");
                }
            }
            lines.push_back("} // namespace " + space.name);
        }
        sections.push_back(join(lines, "\n"));
    }
    return join(sections, "\n\n");
}

ToolNamespace builtin_tool_namespace(BuiltinTool tool) {
    if (tool == BuiltinTool::python) {
        return {
            "python",
            "Use this tool to execute Python code in your chain of thought. The code will not be "
            "shown to the user. This tool should be used for internal reasoning, but not for code "
            "that is intended to be visible to the user (e.g. when creating plots, tables, or "
            "files).\n\n"
            "When you send a message containing Python code to python, it will be executed in a "
            "stateful Jupyter notebook environment. python will respond with the output of the "
            "execution or time out after 120.0 seconds. The drive at '/mnt/data' can be used to "
            "save and persist user files. Internet access for this session is UNKNOWN. Depends on "
            "the cluster.",
            {}};
    }
    return {
        "browser",
        "Tool for browsing.\n"
        "The `cursor` appears in brackets before each browsing display: `[{cursor}]`.\n"
        "Cite information from the tool using the following format:\n"
        "`【{cursor}†L{line_start}(-L{line_end})?】`, for example: `【6†L9-L11】` or `【8†L3】`.\n"
        "Do not quote more than 10 words directly from the tool output.\n"
        "sources=web (default: web)",
        {
            {"search", "Searches for information related to `query` and displays `topn` results.",
             JsonSchema::parse(R"({"type": "object", "properties": {
                 "query": {"type": "string"},
                 "topn": {"type": "number", "default": 10},
                 "source": {"type": "string"}}, "required": ["query"]})")},
            {"open",
             "Opens the link `id` from the page indicated by `cursor` starting at line number "
             "`loc`, "
             "showing `num_lines` lines.\n"
             "Valid link ids are displayed with the formatting: `【{id}†.*】`.\n"
             "If `cursor` is not provided, the most recent page is implied.\n"
             "If `id` is a string, it is treated as a fully qualified URL associated with "
             "`source`.\n"
             "If `loc` is not provided, the viewport will be positioned at the beginning of the "
             "document or centered on the most relevant passage, if available.\n"
             "Use this function without `id` to scroll to a new location of an opened page.",
             JsonSchema::parse(R"({"type": "object", "properties": {
                 "id": {"type": ["number", "string"], "default": -1},
                 "cursor": {"type": "number", "default": -1},
                 "loc": {"type": "number", "default": -1},
                 "num_lines": {"type": "number", "default": -1},
                 "view_source": {"type": "boolean", "default": false},
                 "source": {"type": "string"}}})")},
            {"find",
             "Finds exact matches of `pattern` in the current page, or the page given by `cursor`.",
             JsonSchema::parse(R"({"type": "object", "properties": {
                 "pattern": {"type": "string"},
                 "cursor": {"type": "number", "default": -1}}, "required": ["pattern"]})")},
        }};
}

}  // namespace ponder::harmony
