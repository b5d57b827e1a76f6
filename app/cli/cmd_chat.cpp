// `ponder-cli chat --model DIR [--db FILE] [--conversation ID | --new] [--effort low|medium|high]
//  [--prompt TEXT] [--hide-reasoning] [--max-tokens N] [--temperature T] [--top-p P] [--seed S]
//  [--context N] [--layout ...] [--threads N]`
//
// Chats through the same core as the desktop app, so the prompt and the stored rows are the
// same. Reasoning (the analysis channel) is shown marked as such, or hidden; the answer goes to
// stdout; everything is stored in the history. Without --prompt it is an interactive loop;
// Ctrl+C stops the answer being generated (a second Ctrl+C at the prompt quits).
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/model_args.h"
#include "app/core/chat/chat_session.h"
#include "app/core/chat/model_identity.h"
#include "app/core/data_paths.h"
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
}

}  // namespace

int run_chat(const Words& words) {
    std::set<std::string> names(std::begin(model_option_names), std::end(model_option_names));
    names.insert({"db", "conversation", "effort", "prompt", "max-tokens", "temperature", "top-p",
                  "seed", "context"});
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
    auto max_tokens = args->get_int("max-tokens", 0);
    auto temperature = args->get_double("temperature", -1);
    auto top_p = args->get_double("top-p", -1);
    auto seed = args->get_int("seed", -1);
    auto context = args->get_int("context", 8192);
    for (const Status& status : {max_tokens.status(), temperature.status(), top_p.status(),
                                 seed.status(), context.status()}) {
        if (!status.ok()) return fail("chat", status.message(), 2);
    }
    if (*context < 256) return fail("chat", "--context must be at least 256 tokens", 2);

    const std::string model_dir = *args->get("model");
    auto identity = core::read_model_identity(model_dir);
    if (!identity) return fail("chat", identity.status().message());
    auto tokenizer = load_model_tokenizer(model_dir);
    if (!tokenizer) return fail("chat", tokenizer.status().message());
    auto model = load_model(*args);
    if (!model) return fail("chat", model.status().message());
    auto source = core::EngineTokenSource::create(**model, *context);
    if (!source) return fail("chat", source.status().message());

    const std::string db_path = args->get_or("db", core::default_database_path().string());
    // Another Ponder (the app) may be writing answers right now: do not mark them interrupted.
    auto store = core::HistoryStore::open(db_path, {.recover_interrupted = false});
    if (!store) return fail("chat", store.status().message());

    std::string conversation_id;
    if (auto id = args->get("conversation")) {
        auto existing = (*store)->conversation(*id);
        if (!existing) return fail("chat", existing.status().message());
        conversation_id = existing->id;
    } else {
        core::ConversationSettings settings;
        settings.model = identity->display_name;
        auto created = (*store)->create_conversation("", settings);
        if (!created) return fail("chat", created.status().message());
        conversation_id = created->id;
    }
    auto conversation = (*store)->conversation(conversation_id);
    core::ConversationSettings settings = conversation->settings;
    if (effort) settings.effort = *effort;
    if (*temperature >= 0) settings.sampling.temperature = *temperature;
    if (*top_p >= 0) settings.sampling.top_p = *top_p;
    if (*seed >= 0) settings.sampling.seed = *seed;
    if (*max_tokens > 0) settings.sampling.max_output_tokens = *max_tokens;
    settings.model = identity->display_name;
    if (!(settings == conversation->settings)) {
        if (Status status = (*store)->update_settings(conversation_id, settings); !status.ok()) {
            return fail("chat", status.message(), 2);
        }
    }
    std::fprintf(stderr, "conversation %s\n", conversation_id.c_str());

    core::ChatSession session(**store, **source, *tokenizer, *identity);
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
