// One local tool the model may call: its harmony definition (name, description, JSON Schema of
// the arguments), whether it can be offered in a conversation, and how it runs. The runner
// (local_tool_runner.h) validates the arguments against the schema and asks the user before
// run() is called, so a tool sees only arguments that match its schema.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "app/core/storage/history_types.h"
#include "app/core/tools/json_schema.h"
#include "engine/harmony/conversation.h"

namespace ponder::core {

using ToolClock = std::chrono::steady_clock;

// What a running tool may look at. The tool must return by `deadline` (the runner's time limit
// for it) and soon after `cancel` is set (the user pressed Stop): every tool polls expired().
struct ToolContext {
    const ConversationSettings* settings = nullptr;
    ToolClock::time_point deadline = ToolClock::time_point::max();
    const std::atomic<bool>* cancel = nullptr;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
    bool timed_out() const { return ToolClock::now() >= deadline; }
    bool expired() const { return cancelled() || timed_out(); }
};

// A tool's answer. `error` non-empty: the call failed (it goes back to the model as
// "Error: ..."); `output` may still hold what was produced before the failure.
struct ToolResult {
    std::string output;
    std::string error;
    // The deadline passed: the runner words the error, naming the limit it set.
    bool timed_out = false;

    static ToolResult success(std::string output) { return {std::move(output), {}, false}; }
    static ToolResult failure(std::string error) { return {{}, std::move(error), false}; }
    // The context expired: stopped by the user, or timed out; `partial` is what was produced.
    static ToolResult expired(const ToolContext& context, std::string partial = {});
};

class Tool {
  public:
    virtual ~Tool() = default;
    // The definition shown to the model. Its name is what ConversationSettings.enabled_tools
    // lists and what the model calls as "functions.<name>".
    virtual const harmony::FunctionTool& definition() const = 0;
    // Why the tool cannot be offered in a conversation with these settings on this machine
    // (no interpreter, no folder chosen, a sandbox protection missing); empty when it can.
    virtual std::string unavailable_reason(const ConversationSettings& settings) const = 0;
    // The wall-clock limit for one call.
    virtual std::chrono::milliseconds time_limit() const = 0;
    // Runs one call. `arguments` already matches definition().parameters. Called on the turn's
    // thread; must not throw.
    virtual ToolResult run(const Json& arguments, const ToolContext& context) = 0;

    const std::string& name() const { return definition().name; }
};

// The message for a tool that hit its time limit, the same for every tool.
std::string timeout_message(std::chrono::milliseconds limit);

}  // namespace ponder::core
