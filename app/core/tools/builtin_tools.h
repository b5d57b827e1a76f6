// Ponder's built-in tools (README "Tools"): calculator, current_time, python, read_file and
// search_files. Each factory returns a fresh tool; LocalToolRunner registers all of them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/core/tools/python_sandbox.h"
#include "app/core/tools/tool.h"

namespace ponder::core {

// Exact arithmetic through the expression parser of calculator.h. Its definition is exactly
// the one the demo model was trained with (tools/demo-model/harmony.py); do not change it.
std::unique_ptr<Tool> make_calculator_tool();
// The local date, time and time zone.
std::unique_ptr<Tool> make_current_time_tool();
// Python code in the sandbox of python_sandbox.h; offered only where the sandbox works.
std::unique_ptr<Tool> make_python_tool(PythonSandboxOptions options = {});
// Read-only access to ConversationSettings.tool_folder (folder_access.h).
std::unique_ptr<Tool> make_read_file_tool();
std::unique_ptr<Tool> make_search_files_tool();

// Every built-in tool's name, in the order a settings screen lists them.
const std::vector<std::string>& builtin_tool_names();
// The tools a new conversation starts with: calculator and current_time. python runs code and
// the file tools need a folder, so the user turns those on.
std::vector<std::string> default_enabled_tools();

}  // namespace ponder::core
