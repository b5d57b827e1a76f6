// `ponder-cli tool [NAME [--args JSON] [--files DIR] [--timeout-ms N]]`
//
// Runs one of Ponder's local tools by hand, exactly as the model's call would run (the same
// schema check, time limit and sandbox), without a model, an approval prompt or the history:
// the person typing the command is the one approving. Prints the result to stdout, or the
// error to stderr with exit status 1. Without a NAME, lists the tools and whether each can run
// on this machine (for python: which sandbox protections are in place, or what is missing).
#include <cstdio>
#include <filesystem>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/core/tools/local_tool_runner.h"

namespace ponder::cli {

int run_tool(const Words& words) {
    auto args = Args::parse(words, {"args", "files", "timeout-ms"}, {});
    if (!args) return fail("tool", args.status().message(), 2);
    auto timeout = args->get_int("timeout-ms", 0);
    if (!timeout) return fail("tool", timeout.status().message(), 2);

    core::ConversationSettings settings;
    settings.enabled_tools = core::builtin_tool_names();
    if (auto dir = args->get("files")) {
        std::error_code error;
        settings.tool_folder = std::filesystem::canonical(*dir, error).string();
        if (error) return fail("tool", "--files: " + *dir + " is not a folder", 2);
    }
    core::LocalToolRunnerOptions options;
    options.approve = [](const core::ApprovalRequest&, const std::atomic<bool>*) {
        return core::ApprovalDecision::approve_once;
    };
    if (args->positional().empty()) {
        core::LocalToolRunner runner(std::move(options));
        for (const core::ToolInfo& tool : runner.tools(settings)) {
            std::printf("%-13s %s\n", tool.name.c_str(),
                        tool.unavailable_reason.empty()
                            ? "available"
                            : ("not available: " + tool.unavailable_reason).c_str());
        }
        const core::SandboxSupport python = core::PythonSandbox({}).support();
        if (python.ok) {
            std::printf("\npython runs %s with: %s\n", python.interpreter.c_str(),
                        python.summary.c_str());
        }
        return 0;
    }
    if (args->positional().size() > 1) return fail("tool", "give one tool name", 2);
    const std::string name = args->positional()[0];
    if (args->has("timeout-ms")) options.time_limits[name] = std::chrono::milliseconds(*timeout);
    core::LocalToolRunner runner(std::move(options));
    if (!runner.find(name)) return fail("tool", "no tool named '" + name + "'", 2);

    core::ToolInvocation call;
    call.recipient = "functions." + name;
    call.content_type = "<|constrain|>json";
    call.arguments = args->get_or("args", "{}");
    const core::ToolOutcome outcome = runner.run(call, settings, nullptr);
    if (!outcome.error.empty()) return fail("tool", outcome.error);
    std::fwrite(outcome.result.data(), 1, outcome.result.size(), stdout);
    if (outcome.result.empty() || outcome.result.back() != '\n') std::fputc('\n', stdout);
    return 0;
}

}  // namespace ponder::cli
