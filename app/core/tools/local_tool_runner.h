// LocalToolRunner: the ToolRunner (chat/tool_runner.h) that gives the model Ponder's local tools
// (builtin_tools.h). For every call the model makes it:
//   1. finds the tool ("functions.calculator" -> calculator; gpt-oss's built-in form "python",
//      raw code instead of JSON, is taken as the python tool) and checks that the conversation
//      enabled it (ConversationSettings.enabled_tools) and that it can run here;
//   2. parses the arguments and validates them against the tool's JSON Schema;
//   3. asks for approval, unless the user allowed this tool "always" in this conversation;
//   4. runs it under its time limit, polling `cancel` (Stop).
// Any failure (unknown or disabled tool, bad JSON, schema violation, denial, timeout, the tool's
// own error) becomes ToolOutcome.error, which the chat session hands to the model as the result.
// The tool-call row records the approval: pending (never asked: the call was invalid),
// approved_once, approved_always or denied.
//
// "Always" survives restarts because it is kept in the history, not in memory: the user's answer
// is stored as a grant (HistoryStore::grant_tool_always), and a tool counts as always-approved in
// a conversation when it has one (tool_always_approved). Grants are written only here, from the
// user's answer, never by import, so a conversation file cannot grant itself anything (the
// approval recorded on an imported call is history, not a permission). Later calls a grant lets
// through are recorded as approved_always too. It lasts as long as the conversation.
//
// Thread-safety: once set up (add_tool), every method may be called from any thread, also
// concurrently (a settings screen may call tools() while a turn runs). run() uses the
// ApprovalPrompt and the store on the calling thread, which must be the store's thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/core/chat/tool_runner.h"
#include "app/core/storage/history_store.h"
#include "app/core/tools/approval.h"
#include "app/core/tools/builtin_tools.h"
#include "app/core/tools/tool.h"

namespace ponder::core {

struct LocalToolRunnerOptions {
    // Who decides about a call without a standing "always". None: such calls are denied.
    ApprovalPrompt approve;
    // Where standing "always" permissions are looked up, and where a call's started_at is reset
    // once approval is given (so duration_ms measures the tool, not the user's thinking). Must
    // be the ChatSession's store (same thread). None: the prompt alone decides every call.
    HistoryStore* store = nullptr;
    PythonSandboxOptions python;
    // Replaces a tool's own time limit, by tool name (e.g. {"python", 60s}).
    std::map<std::string, std::chrono::milliseconds> time_limits;
};

// One registered tool as a settings screen shows it.
struct ToolInfo {
    std::string name;
    std::string description;
    bool enabled = false;            // in ConversationSettings.enabled_tools
    std::string unavailable_reason;  // non-empty: cannot be offered here, and why
};

class LocalToolRunner final : public ToolRunner {
  public:
    // Registers every built-in tool.
    explicit LocalToolRunner(LocalToolRunnerOptions options = {});

    // Adds a tool, replacing a registered one of the same name (tests, extensions).
    void add_tool(std::unique_ptr<Tool> tool);
    Tool* find(std::string_view name) const;

    // Every registered tool, in registration order. Checking availability may run the python
    // probe once (python_sandbox.h) when python is enabled.
    std::vector<ToolInfo> tools(const ConversationSettings& settings) const;

    // The enabled tools that can run here.
    std::vector<harmony::FunctionTool> definitions(
        const ConversationSettings& settings) const override;
    ToolOutcome run(const ToolInvocation& call, const ConversationSettings& settings,
                    const std::atomic<bool>* cancel) override;

  private:
    std::chrono::milliseconds time_limit(const Tool& tool) const;
    bool standing_approval(const ToolInvocation& call) const;

    LocalToolRunnerOptions options_;
    std::vector<std::unique_ptr<Tool>> tools_;
};

// The tool a recipient names: "functions.calculator" -> "calculator"; other names unchanged.
std::string tool_name_from_recipient(std::string_view recipient);
// Whether `settings` enables tool `name`; "calculator" and "functions.calculator" both count.
bool tool_enabled(const ConversationSettings& settings, std::string_view name);

}  // namespace ponder::core
