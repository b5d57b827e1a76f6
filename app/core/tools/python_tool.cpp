// The python tool: the model's code runs in the sandbox of python_sandbox.h, and the model
// reads back what it printed.
#include <signal.h>

#include <cstring>

#include "app/core/tools/builtin_tools.h"

namespace ponder::core {
namespace {

std::string signal_words(int signal) {
    switch (signal) {
        case SIGXCPU:
            return "it used up its CPU time limit";
        case SIGKILL:
            return "it was killed";
        case SIGSEGV:
            return "it crashed (segmentation fault)";
        case SIGXFSZ:
            return "it wrote a file larger than the file size limit";
        default:
            return std::string("it was killed by signal ") + std::to_string(signal) + " (" +
                   strsignal(signal) + ")";
    }
}

// stdout, then stderr marked as such, each with a note when it was cut.
std::string transcript(const SandboxRun& run) {
    std::string out = run.stdout_text;
    if (run.stdout_bytes > run.stdout_text.size()) {
        out += "\n[stdout cut: " + std::to_string(run.stdout_bytes) + " bytes in total]";
    }
    if (!run.stderr_text.empty()) {
        if (!out.empty() && out.back() != '\n') out += "\n";
        out += "[stderr]\n" + run.stderr_text;
        if (run.stderr_bytes > run.stderr_text.size()) {
            out += "\n[stderr cut: " + std::to_string(run.stderr_bytes) + " bytes in total]";
        }
    }
    return out;
}

class PythonTool final : public Tool {
  public:
    explicit PythonTool(PythonSandboxOptions options) : sandbox_(std::move(options)) {
        definition_.name = "python";
        definition_.description =
            "Run Python 3 code on the user's computer in an isolated sandbox and return what it "
            "prints (stdout and stderr). Each call starts a fresh process: nothing is kept "
            "between calls. There is no network access; only /tmp (the working folder) is "
            "writable; CPU time, memory and output are limited. Print the results you need.";
        definition_.parameters = Json::parse(
            "{\"type\": \"object\", \"properties\": {\"code\": {\"type\": \"string\", "
            "\"description\": \"The program to run, for example print(2 ** 10)\"}}, "
            "\"required\": [\"code\"], \"additionalProperties\": false}");
    }
    const harmony::FunctionTool& definition() const override { return definition_; }

    std::string unavailable_reason(const ConversationSettings&) const override {
        const SandboxSupport support = sandbox_.support();
        return support.ok ? std::string() : support.reason;
    }
    std::chrono::milliseconds time_limit() const override {
        return sandbox_.options().limits.wall_time;
    }

    ToolResult run(const Json& arguments, const ToolContext& context) override {
        auto run =
            sandbox_.run(arguments["code"].get<std::string>(), context.deadline, context.cancel);
        if (!run) return ToolResult::failure(run.status().message());
        const std::string text = transcript(*run);
        if (run->cancelled || run->timed_out) return ToolResult::expired(context, text);
        auto failed = [&](const std::string& why) {
            return ToolResult::failure(text.empty() ? why : why + "; output so far:\n" + text);
        };
        if (run->output_limit) {
            return failed("the program wrote more than " +
                          std::to_string(sandbox_.options().limits.output_stop_bytes) +
                          " bytes of output and was stopped");
        }
        if (run->signal) return failed("the program did not finish: " + signal_words(*run->signal));
        std::string result = text.empty() ? "(no output)" : text;
        if (run->exit_code && *run->exit_code != 0) {
            if (result.back() != '\n') result += "\n";
            result += "[exit status " + std::to_string(*run->exit_code) + "]";
        }
        return ToolResult::success(result);
    }

  private:
    harmony::FunctionTool definition_;
    mutable PythonSandbox sandbox_;  // support() caches its probe
};

}  // namespace

std::unique_ptr<Tool> make_python_tool(PythonSandboxOptions options) {
    return std::make_unique<PythonTool>(std::move(options));
}

}  // namespace ponder::core
