#include "app/core/tools/local_tool_runner.h"

#include <algorithm>

namespace ponder::core {
namespace {

constexpr std::string_view kFunctions = "functions.";

std::string trimmed(std::string_view text) {
    const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    while (!text.empty() && space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && space(text.back()))
        text.remove_suffix(1);
    return std::string(text);
}

ToolApproval to_approval(ApprovalDecision decision) {
    switch (decision) {
        case ApprovalDecision::approve_once:
            return ToolApproval::approved_once;
        case ApprovalDecision::approve_always:
            return ToolApproval::approved_always;
        case ApprovalDecision::deny:
            return ToolApproval::denied;
    }
    return ToolApproval::denied;
}

}  // namespace

std::string tool_name_from_recipient(std::string_view recipient) {
    if (recipient.starts_with(kFunctions)) recipient.remove_prefix(kFunctions.size());
    return std::string(recipient);
}

bool tool_enabled(const ConversationSettings& settings, std::string_view name) {
    return std::any_of(
        settings.enabled_tools.begin(), settings.enabled_tools.end(),
        [&](const std::string& tool) { return tool_name_from_recipient(tool) == name; });
}

LocalToolRunner::LocalToolRunner(LocalToolRunnerOptions options) : options_(std::move(options)) {
    add_tool(make_calculator_tool());
    add_tool(make_current_time_tool());
    add_tool(make_python_tool(options_.python));
    add_tool(make_read_file_tool());
    add_tool(make_search_files_tool());
}

void LocalToolRunner::add_tool(std::unique_ptr<Tool> tool) {
    for (auto& existing : tools_) {
        if (existing->name() == tool->name()) {
            existing = std::move(tool);
            return;
        }
    }
    tools_.push_back(std::move(tool));
}

Tool* LocalToolRunner::find(std::string_view name) const {
    for (const auto& tool : tools_)
        if (tool->name() == name) return tool.get();
    return nullptr;
}

std::vector<ToolInfo> LocalToolRunner::tools(const ConversationSettings& settings) const {
    std::vector<ToolInfo> out;
    for (const auto& tool : tools_) {
        ToolInfo info;
        info.name = tool->name();
        info.description = tool->definition().description;
        info.enabled = tool_enabled(settings, info.name);
        info.unavailable_reason = tool->unavailable_reason(settings);
        out.push_back(std::move(info));
    }
    return out;
}

std::vector<harmony::FunctionTool> LocalToolRunner::definitions(
    const ConversationSettings& settings) const {
    std::vector<harmony::FunctionTool> out;
    for (const auto& tool : tools_) {
        if (tool_enabled(settings, tool->name()) && tool->unavailable_reason(settings).empty()) {
            out.push_back(tool->definition());
        }
    }
    return out;
}

std::chrono::milliseconds LocalToolRunner::time_limit(const Tool& tool) const {
    const auto custom = options_.time_limits.find(tool.name());
    return custom != options_.time_limits.end() ? custom->second : tool.time_limit();
}

bool LocalToolRunner::standing_approval(const ToolInvocation& call) const {
    if (!options_.store) return false;
    auto always = options_.store->tool_always_approved(call.conversation_id, call.recipient);
    return always && *always;
}

ToolOutcome LocalToolRunner::run(const ToolInvocation& call, const ConversationSettings& settings,
                                 const std::atomic<bool>* cancel) {
    ToolOutcome outcome;
    outcome.approval = ToolApproval::pending;  // until someone is asked
    auto fail = [&](std::string error) {
        outcome.error = std::move(error);
        return outcome;
    };

    const std::string name = tool_name_from_recipient(call.recipient);
    Tool* tool = find(name);
    if (!tool || !tool_enabled(settings, name)) {
        std::string offered;
        for (const auto& definition : definitions(settings))
            offered += (offered.empty() ? "" : ", ") + std::string(kFunctions) + definition.name;
        return fail("there is no tool '" + call.recipient + "' in this conversation" +
                    (offered.empty() ? "" : "; the tools are " + offered));
    }
    if (std::string why = tool->unavailable_reason(settings); !why.empty()) {
        return fail(name + " is not available: " + why);
    }

    // Arguments: JSON matching the tool's schema. gpt-oss's own python tool takes raw code.
    Json arguments;
    const std::string text = trimmed(call.arguments);
    const auto& schema = tool->definition().parameters;
    if (call.recipient == "python" && name == "python") {
        arguments = Json{{"code", call.arguments}};
    } else if (text.empty() && !schema) {
        arguments = Json::object();
    } else {
        try {
            arguments = Json::parse(text);
        } catch (const Json::parse_error& error) {
            // "[json.exception.parse_error.101] parse error at line 1, column 2: ...": the
            // part after the bracket says where and what.
            std::string why = error.what();
            if (const auto bracket = why.find("] "); bracket != std::string::npos) {
                why = why.substr(bracket + 2);
            }
            return fail("the arguments are not valid JSON: " + why);
        }
    }
    if (schema) {
        if (Status valid = validate_json(arguments, *schema); !valid.ok()) {
            return fail("invalid arguments: " + valid.message());
        }
    } else if (!arguments.is_object() || !arguments.empty()) {
        return fail(name + " takes no arguments; call it with {}");
    }

    if (standing_approval(call)) {
        outcome.approval = ToolApproval::approved_always;
    } else if (!options_.approve) {
        outcome.approval = ToolApproval::denied;
        return fail("the user did not allow this call (tools need approval)");
    } else {
        ApprovalRequest request;
        request.conversation_id = call.conversation_id;
        request.call_id = call.call_id;
        if (options_.store) {
            if (auto row = options_.store->tool_call(call.call_id)) {
                request.message_id = row->message_id;
            }
        }
        request.tool = name;
        request.description = tool->definition().description;
        request.arguments = arguments.dump(2, ' ', false, Json::error_handler_t::replace);
        outcome.approval = to_approval(options_.approve(request, cancel));
        if (cancel && cancel->load()) {
            outcome.approval = ToolApproval::denied;
            return fail("stopped by the user");
        }
        if (outcome.approval == ToolApproval::denied) {
            return fail("the user denied this call; do not call " + name +
                        " again unless the user asks");
        }
        if (outcome.approval == ToolApproval::approved_always && options_.store) {
            if (Status granted = options_.store->grant_tool_always(call.conversation_id, name);
                !granted.ok()) {
                return fail("could not remember the permission: " + granted.message());
            }
        }
    }

    if (options_.store) {
        // The clock starts now, not while the user was reading the approval prompt.
        (void)options_.store->start_tool_call(call.call_id);
    }
    const auto limit = time_limit(*tool);
    ToolContext context;
    context.settings = &settings;
    context.deadline = ToolClock::now() + limit;
    context.cancel = cancel;
    ToolResult result = tool->run(arguments, context);
    if (result.timed_out) {
        result.error = timeout_message(limit);
        if (!result.output.empty()) result.error += "; output so far:\n" + result.output;
    }
    outcome.result = std::move(result.output);
    outcome.error = std::move(result.error);
    return outcome;
}

}  // namespace ponder::core
