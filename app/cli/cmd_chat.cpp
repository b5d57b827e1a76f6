// `ponder-cli chat --model DIR [--db FILE] [--conversation ID | --new] [--effort low|medium|high]
//  [--prompt TEXT] [--hide-reasoning] [--max-tokens N] [--temperature T] [--top-p P] [--seed S]
//  [--context N] [--when-full error|drop-oldest] [--layout ...] [--threads N]
//  [--tools calculator,current_time,python,read_file,search_files|none] [--files DIR]
//  [--approve ask|always|never]`
//
// Chats through the same core as the desktop app, so the prompt and the stored rows are the
// same. Reasoning (the analysis channel) is shown marked as such, or hidden; the answer goes to
// stdout; everything is stored in the history. Without --prompt it is an interactive loop;
// Ctrl+C stops the answer being generated (a second Ctrl+C at the prompt quits).
//
// --when-full sets the conversation's context policy (stored with it): when the conversation no
// longer fits the context, stop with an error (the default) or drop the oldest turns; the
// footer says how many messages were dropped.
//
// Tools (app/core/tools): --tools sets the conversation's tools (stored with it; a new
// conversation starts with calculator and current_time), --files shares a folder with
// read_file/search_files (and turns them on when --tools is not given). Before a tool runs,
// --approve ask (the default when stdin is a terminal) asks on the terminal: once, always in
// this conversation, or no; always approves every call of this run; never (the default
// otherwise) denies every call.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/model_args.h"
#include "app/core/chat/chat_session.h"
#include "app/core/chat/model_identity.h"
#include "app/core/data_paths.h"
#include "app/core/tools/local_tool_runner.h"
#include "engine/harmony/chat_tokenizer.h"
#include "engine/tokenizer/o200k_harmony.h"

namespace ponder::cli {
namespace {

std::atomic<bool> g_cancel{false};

void on_interrupt(int) {
    g_cancel.store(true);
}

// Shows a turn's events on the terminal: reasoning dimmed between markers, the answer plain.
class TerminalView {
  public:
    TerminalView(bool show_reasoning, bool color)
        : show_reasoning_(show_reasoning), color_(color) {}

    void operator()(const core::TurnEvent& event) {
        using Kind = core::TurnEvent::Kind;
        switch (event.kind) {
            case Kind::message_started:
                channel_ = event.channel;
                if (channel_ == "analysis" && show_reasoning_) {
                    std::fputs(color_ ? "\x1b[2m[reasoning] " : "[reasoning] ", stdout);
                } else if (!event.recipient.empty() && event.recipient != "assistant") {
                    std::printf("%s[tool call %s] ", color_ ? "\x1b[36m" : "",
                                event.recipient.c_str());
                }
                break;
            case Kind::text_delta:
                if (channel_ != "analysis" || show_reasoning_)
                    std::fputs(event.text.c_str(), stdout);
                break;
            case Kind::message_finished:
                if (channel_ == "analysis" && show_reasoning_) {
                    std::fputs(color_ ? " [/reasoning]\x1b[0m\n" : " [/reasoning]\n", stdout);
                } else if (channel_ != "analysis") {
                    std::fputs(color_ ? "\x1b[0m\n" : "\n", stdout);
                }
                channel_.clear();
                break;
            case Kind::tool_call:
                break;
            case Kind::tool_result:
                std::printf("%s[tool result %s] %s%s\n", color_ ? "\x1b[36m" : "",
                            event.recipient.c_str(), event.text.c_str(), color_ ? "\x1b[0m" : "");
                break;
            case Kind::turn_finished:
                break;
            case Kind::error:
                std::fprintf(stderr, "ponder-cli chat: %s\n", event.text.c_str());
                break;
        }
        std::fflush(stdout);
    }

  private:
    bool show_reasoning_;
    bool color_;
    std::string channel_;
};

void print_footer(const core::TurnSummary& summary, core::ReasoningEffort effort) {
    const auto& m = summary.metrics;
    std::fprintf(
        stderr,
        "(%s effort · %lld tokens, %lld reasoning · %.1f tok/s · first token %lld ms · %s)\n",
        std::string(core::to_string(effort)).c_str(),
        static_cast<long long>(m.completion_tokens.value_or(0)),
        static_cast<long long>(m.reasoning_tokens.value_or(0)), m.tokens_per_second.value_or(0.0),
        static_cast<long long>(m.ttft_ms.value_or(0)),
        summary.state == core::MessageState::complete
            ? "complete"
            : (std::string(core::to_string(summary.state)) + ": " + summary.detail).c_str());
    if (summary.dropped_messages > 0) {
        std::fprintf(stderr, "(the %lld oldest messages were left out to fit the context)\n",
                     static_cast<long long>(summary.dropped_messages));
    }
}

// --tools: a comma-separated list of built-in tool names, or "none".
Result<std::vector<std::string>> parse_tool_list(const std::string& text) {
    std::vector<std::string> tools;
    if (text == "none") return tools;
    const auto& known = core::builtin_tool_names();
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string name = text.substr(start, comma - start);
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            std::string list;
            for (const auto& k : known)
                list += (list.empty() ? "" : ", ") + k;
            return Status(
                StatusCode::invalid_argument,
                "--tools: unknown tool '" + name + "' (the tools are " + list + ", or none)");
        }
        if (std::find(tools.begin(), tools.end(), name) == tools.end()) tools.push_back(name);
        start = comma + 1;
    }
    return tools;
}

// The conversation this run created, removed again on the way out if no turn stored anything in
// it (the first turn could not start, or the user quit without asking), so that a failed run
// leaves no empty "(untitled)" conversation behind.
class DiscardIfUnused {
  public:
    DiscardIfUnused(core::HistoryStore& store, std::string id)
        : store_(store), id_(std::move(id)) {}
    DiscardIfUnused(const DiscardIfUnused&) = delete;
    DiscardIfUnused& operator=(const DiscardIfUnused&) = delete;
    ~DiscardIfUnused() {
        auto discarded = store_.discard_if_empty(id_);
        if (!discarded) {
            std::fprintf(stderr,
                         "ponder-cli chat: could not remove the empty conversation %s: %s\n",
                         id_.c_str(), discarded.status().message().c_str());
        }
    }

  private:
    core::HistoryStore& store_;
    std::string id_;
};

// --approve ask: one question per call on the terminal.
core::ApprovalDecision ask_on_terminal(const core::ApprovalRequest& request,
                                       const std::atomic<bool>* cancel) {
    std::fprintf(stderr,
                 "\nAllow %s with\n%s\n[y] yes, once  [a] always in this conversation  "
                 "[n] no: ",
                 request.tool.c_str(), request.arguments.c_str());
    std::fflush(stderr);
    std::string answer;
    if (!std::getline(std::cin, answer) || (cancel && cancel->load())) {
        std::cin.clear();  // Ctrl+C interrupted the read: the next prompt still works
        return core::ApprovalDecision::deny;
    }
    if (answer == "y" || answer == "yes") return core::ApprovalDecision::approve_once;
    if (answer == "a" || answer == "always") return core::ApprovalDecision::approve_always;
    return core::ApprovalDecision::deny;
}

}  // namespace

int run_chat(const Words& words) {
    std::set<std::string> names(std::begin(model_option_names), std::end(model_option_names));
    names.insert({"db", "conversation", "effort", "prompt", "max-tokens", "temperature", "top-p",
                  "seed", "context", "when-full", "tools", "files", "approve"});
    auto args = Args::parse(words, names, {"new", "hide-reasoning"});
    if (!args) return fail("chat", args.status().message(), 2);
    if (!args->has("model")) return fail("chat", "missing required option --model", 2);
    if (args->has("new") && args->has("conversation")) {
        return fail("chat", "--new and --conversation exclude each other", 2);
    }
    std::optional<core::ReasoningEffort> effort;
    if (auto text = args->get("effort")) {
        effort = core::parse_reasoning_effort(*text);
        if (!effort) return fail("chat", "--effort must be low, medium or high", 2);
    }
    // Their ranges were checked by Args::parse; given ones change the conversation's settings.
    auto max_tokens = args->get_int("max-tokens", 0);
    auto temperature = args->get_double("temperature", 0.0);
    auto top_p = args->get_double("top-p", 1.0);
    auto seed = args->get_int("seed", 0);
    auto context = args->get_int("context", 8192);
    for (const Status& status : {max_tokens.status(), temperature.status(), top_p.status(),
                                 seed.status(), context.status()}) {
        if (!status.ok()) return fail("chat", status.message(), 2);
    }
    std::optional<core::ContextPolicy> when_full;
    if (auto text = args->get("when-full")) {
        std::string name = *text;
        std::replace(name.begin(), name.end(), '-', '_');
        when_full = core::parse_context_policy(name);
        if (!when_full) return fail("chat", "--when-full must be error or drop-oldest", 2);
    }
    std::optional<std::vector<std::string>> tools;
    if (auto text = args->get("tools")) {
        auto parsed = parse_tool_list(*text);
        if (!parsed) return fail("chat", parsed.status().message(), 2);
        tools = *parsed;
    }
    std::string folder;
    if (auto dir = args->get("files")) {
        std::error_code error;
        folder = std::filesystem::canonical(*dir, error).string();
        if (error || !std::filesystem::is_directory(folder)) {
            return fail("chat", "--files: " + *dir + " is not a folder", 2);
        }
    }
    const std::string approve = args->get_or("approve", isatty(STDIN_FILENO) ? "ask" : "never");
    if (approve != "ask" && approve != "always" && approve != "never") {
        return fail("chat", "--approve must be ask, always or never", 2);
    }

    const std::string model_dir = *args->get("model");
    auto identity = core::read_model_identity(model_dir);
    if (!identity) return fail("chat", identity.status().message());
    auto tokenizer = load_model_tokenizer(model_dir);
    if (!tokenizer) return fail("chat", tokenizer.status().message());
    auto model = load_model(*args);
    if (!model) return fail("chat", model.status().message());
    // Before any conversation is created: a tokenizer that does not fit the model would fail at
    // the first token of the first prompt.
    if (Status fits = harmony::check_chat_tokenizer(*tokenizer, (*model)->config().vocab_size);
        !fits.ok()) {
        return fail("chat", model_dir + ": " + fits.message());
    }
    auto source = core::EngineTokenSource::create(**model, *context);
    if (!source) return fail("chat", source.status().message());

    const std::string db_path = args->get_or("db", core::default_database_path().string());
    // Another Ponder (the app) may be writing answers right now: do not mark them interrupted.
    auto store = core::HistoryStore::open(db_path, {.recover_interrupted = false});
    if (!store) return fail("chat", store.status().message());

    std::string conversation_id;
    std::optional<DiscardIfUnused> new_conversation;
    if (auto id = args->get("conversation")) {
        auto existing = (*store)->conversation(*id);
        if (!existing) return fail("chat", existing.status().message());
        conversation_id = existing->id;
    } else {
        core::ConversationSettings settings;
        settings.model = identity->display_name;
        settings.sampling = identity->recommended_sampling;
        settings.enabled_tools = core::default_enabled_tools();
        auto created = (*store)->create_conversation("", settings);
        if (!created) return fail("chat", created.status().message());
        conversation_id = created->id;
        new_conversation.emplace(**store, conversation_id);
    }
    auto conversation = (*store)->conversation(conversation_id);
    core::ConversationSettings settings = conversation->settings;
    if (effort) settings.effort = *effort;
    if (args->has("temperature")) settings.sampling.temperature = *temperature;
    if (args->has("top-p")) settings.sampling.top_p = *top_p;
    if (args->has("seed")) settings.sampling.seed = *seed;
    if (args->has("max-tokens")) settings.sampling.max_output_tokens = *max_tokens;
    if (when_full) settings.context_policy = *when_full;
    settings.model = identity->display_name;
    if (tools) settings.enabled_tools = *tools;
    if (!folder.empty()) {
        settings.tool_folder = folder;
        for (const char* name : {"read_file", "search_files"}) {
            if (!tools && !core::tool_enabled(settings, name))
                settings.enabled_tools.push_back(name);
        }
    }
    if (!(settings == conversation->settings)) {
        if (Status status = (*store)->update_settings(conversation_id, settings); !status.ok()) {
            return fail("chat", status.message(), 2);
        }
    }
    std::fprintf(stderr, "conversation %s\n", conversation_id.c_str());

    core::LocalToolRunnerOptions tool_options;
    if (approve == "ask") {
        tool_options.approve = ask_on_terminal;
        tool_options.store = store->get();  // honours and records "always"
    } else if (approve == "always") {
        tool_options.approve = [](const core::ApprovalRequest&, const std::atomic<bool>*) {
            return core::ApprovalDecision::approve_once;  // this run's policy, not remembered
        };
    }
    core::LocalToolRunner runner(std::move(tool_options));
    for (const core::ToolInfo& tool : runner.tools(settings)) {
        if (tool.enabled && !tool.unavailable_reason.empty()) {
            std::fprintf(stderr, "%s is not offered: %s\n", tool.name.c_str(),
                         tool.unavailable_reason.c_str());
        }
    }

    core::ChatSession session(**store, **source, *tokenizer, *identity);
    session.set_tool_runner(&runner);
    TerminalView view(!args->has("hide-reasoning"), isatty(STDOUT_FILENO) != 0);
    auto run_one = [&](const std::string& text) -> int {
        g_cancel.store(false);
        auto summary = session.run_turn({core::TurnRequest::Kind::send, conversation_id, text, {}},
                                        std::ref(view), &g_cancel);
        if (!summary) return fail("chat", summary.status().message());
        print_footer(*summary, settings.effort);
        return summary->state == core::MessageState::error ? 1 : 0;
    };

    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigaction(SIGINT, &action, nullptr);

    if (auto prompt = args->get("prompt")) return run_one(*prompt);

    const bool interactive = isatty(STDIN_FILENO) != 0;
    int status = 0;
    std::string line;
    while (true) {
        if (interactive) std::fputs("> ", stdout), std::fflush(stdout);
        g_cancel.store(false);
        if (!std::getline(std::cin, line)) break;
        if (line.empty()) continue;
        status = run_one(line);
    }
    return status;
}

}  // namespace ponder::cli
