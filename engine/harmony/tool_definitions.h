// How tools are described to the model: JSON Schema rendered as TypeScript types inside a
// "namespace" block (docs/gpt-oss.md §6.3), and the fixed built-in browser and python sections.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/harmony/conversation.h"

namespace ponder::harmony {

// The TypeScript type harmony writes for `schema`, with `indent` before nested comment lines:
// object -> "{\n<props>}", string enum -> "\"a\" | \"b\"", array -> "T[]", oneOf -> one " | T"
// line per variant; descriptions, titles, examples and defaults become // comments.
std::string schema_to_typescript(const JsonSchema& schema, const std::string& indent = "");

// A "## name" block: a description (commented when there are tools) and the tools' signatures.
struct ToolNamespace {
    std::string name;
    std::optional<std::string> description;
    std::vector<FunctionTool> tools;
};

// "# Tools\n\n## <namespace>\n…" for the given namespaces, in order.
std::string render_tools_section(const std::vector<ToolNamespace>& namespaces);

// The built-in tool's namespace exactly as gpt-oss was trained on it.
ToolNamespace builtin_tool_namespace(BuiltinTool tool);

}  // namespace ponder::harmony
