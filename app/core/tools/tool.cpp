#include "app/core/tools/tool.h"

namespace ponder::core {

ToolResult ToolResult::expired(const ToolContext& context, std::string partial) {
    if (context.cancelled()) return {std::move(partial), "stopped by the user", false};
    return {std::move(partial), {}, true};
}

std::string timeout_message(std::chrono::milliseconds limit) {
    const auto ms = limit.count();
    const std::string amount =
        ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
    return "timed out after " + amount + " (the tool's time limit) and was stopped";
}

}  // namespace ponder::core
