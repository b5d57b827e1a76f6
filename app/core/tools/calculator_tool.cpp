// The calculator and current_time tools, and the list of built-in tools.
#include <unistd.h>
#include <ctime>
#include <fstream>

#include "app/core/tools/builtin_tools.h"
#include "app/core/tools/calculator.h"

namespace ponder::core {
namespace {

class CalculatorTool final : public Tool {
  public:
    CalculatorTool() {
        definition_.name = "calculator";
        definition_.description = "Evaluate an arithmetic expression and return the result.";
        definition_.parameters = Json::parse(R"({"type": "object", "properties": {"expression":
            {"type": "string", "description": "The expression, for example 12 * 34"}},
            "required": ["expression"]})");
    }
    const harmony::FunctionTool& definition() const override { return definition_; }
    std::string unavailable_reason(const ConversationSettings&) const override { return {}; }
    std::chrono::milliseconds time_limit() const override { return std::chrono::seconds(5); }

    ToolResult run(const Json& arguments, const ToolContext& context) override {
        auto value = evaluate_expression(arguments["expression"].get<std::string>(), {},
                                         [&] { return context.expired(); });
        if (value) return ToolResult::success(calculator_result_json(*value));
        if (value.status().code() == StatusCode::cancelled) return ToolResult::expired(context);
        return ToolResult::failure(value.status().message());
    }

  private:
    harmony::FunctionTool definition_;
};

// The IANA name of the local time zone ("Europe/Oslo"), when the system says it.
std::string time_zone_name() {
    if (const char* tz = std::getenv("TZ"); tz && *tz) {
        std::string name = tz[0] == ':' ? tz + 1 : tz;
        const auto at = name.find("zoneinfo/");
        return at == std::string::npos ? name : name.substr(at + 9);
    }
    char target[512];
    const ssize_t length = readlink("/etc/localtime", target, sizeof(target) - 1);
    if (length > 0) {
        const std::string link(target, static_cast<size_t>(length));
        const auto at = link.find("zoneinfo/");
        if (at != std::string::npos) return link.substr(at + 9);
    }
    std::ifstream file("/etc/timezone");
    std::string name;
    std::getline(file, name);
    return name;
}

class CurrentTimeTool final : public Tool {
  public:
    CurrentTimeTool() {
        definition_.name = "current_time";
        definition_.description =
            "Return the current local date, time and time zone of the user's computer.";
    }
    const harmony::FunctionTool& definition() const override { return definition_; }
    std::string unavailable_reason(const ConversationSettings&) const override { return {}; }
    std::chrono::milliseconds time_limit() const override { return std::chrono::seconds(1); }

    ToolResult run(const Json&, const ToolContext&) override {
        const std::time_t now = std::time(nullptr);
        std::tm local{};
        localtime_r(&now, &local);
        auto format = [&](const char* pattern) {
            char text[64];
            return std::string(text, std::strftime(text, sizeof(text), pattern, &local));
        };
        std::string offset = format("%z");  // "+0200"
        if (offset.size() == 5) offset.insert(3, ":");
        Json out = Json::object();
        out["date"] = format("%Y-%m-%d");
        out["time"] = format("%H:%M:%S");
        out["weekday"] = format("%A");
        if (std::string zone = time_zone_name(); !zone.empty()) out["time_zone"] = zone;
        out["abbreviation"] = format("%Z");
        out["utc_offset"] = offset;
        out["iso8601"] = format("%Y-%m-%dT%H:%M:%S") + offset;
        return ToolResult::success(out.dump());
    }

  private:
    harmony::FunctionTool definition_;
};

}  // namespace

std::unique_ptr<Tool> make_calculator_tool() {
    return std::make_unique<CalculatorTool>();
}

std::unique_ptr<Tool> make_current_time_tool() {
    return std::make_unique<CurrentTimeTool>();
}

const std::vector<std::string>& builtin_tool_names() {
    static const std::vector<std::string> names = {"calculator", "current_time", "python",
                                                   "read_file", "search_files"};
    return names;
}

std::vector<std::string> default_enabled_tools() {
    return {"calculator", "current_time"};
}

}  // namespace ponder::core
