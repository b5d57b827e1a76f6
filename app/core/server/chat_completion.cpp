#include "app/core/server/chat_completion.h"

#include <chrono>
#include <optional>
#include <random>

#include "engine/harmony/format_tokens.h"
#include "engine/harmony/renderer.h"
#include "engine/harmony/stream_parser.h"

namespace ponder::core::server {
namespace {

using Clock = std::chrono::steady_clock;

// Room kept for the answer when checking that a prompt fits, as the chat core does.
std::int64_t answer_reserve(std::int64_t limit) {
    return std::min<std::int64_t>(256, limit / 4);
}

std::string new_call_id() {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    static const char* digits = "0123456789abcdef";
    std::string id = "call_";
    for (int i = 0; i < 24; ++i)
        id += digits[random() % 16];
    return id;
}

// How many bytes at the end of `text` might be the start of a stop string: they are held back
// until the next delta shows whether the stop string follows.
size_t stop_holdback(const std::string& text, const std::vector<std::string>& stops) {
    size_t hold = 0;
    for (const std::string& stop : stops) {
        for (size_t n = std::min(stop.size() - 1, text.size()); n > hold; --n) {
            if (text.compare(text.size() - n, n, stop, 0, n) == 0) {
                hold = n;
                break;
            }
        }
    }
    return hold;
}

// The state of one run(): which message is streaming and what it becomes for the client.
class Run {
  public:
    Run(const ChatCompletionRequest& request, const DeltaHandler& on_delta)
        : request_(request), on_delta_(on_delta) {}

    // Returns false when a stop string ended the answer.
    bool handle(const harmony::ParserEvent& event) {
        using Kind = harmony::ParserEvent::Kind;
        switch (event.kind) {
            case Kind::message_started:
                open(event.message);
                return true;
            case Kind::text_delta:
                return text(event.text);
            case Kind::message_ended:
                if (kind_ == Target::content) flush_content(true);
                if (event.end == harmony::MessageEnd::call) called_ = true;
                kind_ = Target::none;
                return true;
            case Kind::error:
                // Output that is no harmony message (a malformed header): the client gets what
                // the model said as content rather than losing it.
                content(event.text);
                return true;
        }
        return true;
    }

    void finish() {
        if (kind_ == Target::content) flush_content(true);
    }

    bool in_reasoning() const { return kind_ == Target::reasoning; }
    bool called_tool() const { return called_; }
    bool stopped_by_string() const { return stop_hit_; }

  private:
    enum class Target { none, reasoning, content, tool_call };

    void open(const harmony::Message& header) {
        const std::string recipient = header.recipient.value_or("");
        if (!recipient.empty() && recipient != "assistant") {
            kind_ = Target::tool_call;
            CompletionDelta delta;
            delta.kind = CompletionDelta::Kind::tool_call;
            delta.tool_index = ++tool_index_;
            delta.tool_call_id = new_call_id();
            delta.tool_name =
                recipient.rfind("functions.", 0) == 0 ? recipient.substr(10) : recipient;
            on_delta_(delta);
            return;
        }
        kind_ = header.channel.value_or("") == "analysis" ? Target::reasoning : Target::content;
    }

    bool text(const std::string& text) {
        switch (kind_) {
            case Target::reasoning: {
                CompletionDelta delta;
                delta.kind = CompletionDelta::Kind::reasoning;
                delta.text = text;
                on_delta_(delta);
                return true;
            }
            case Target::tool_call: {
                CompletionDelta delta;
                delta.kind = CompletionDelta::Kind::tool_call;
                delta.tool_index = tool_index_;
                delta.text = text;
                on_delta_(delta);
                return true;
            }
            case Target::content:
            case Target::none:
                return content(text);
        }
        return true;
    }

    bool content(const std::string& text) {
        if (stop_hit_) return false;
        pending_ += text;
        if (!request_.stop.empty()) {
            size_t first = std::string::npos;
            for (const std::string& stop : request_.stop)
                first = std::min(first, pending_.find(stop));
            if (first != std::string::npos) {
                pending_.resize(first);
                stop_hit_ = true;
                flush_content(true);
                return false;
            }
        }
        flush_content(false);
        return true;
    }

    void flush_content(bool all) {
        size_t cut =
            all ? pending_.size() : pending_.size() - stop_holdback(pending_, request_.stop);
        // Never split a UTF-8 character between two deltas.
        while (cut > 0 && cut < pending_.size() &&
               (static_cast<unsigned char>(pending_[cut]) & 0xC0) == 0x80)
            --cut;
        if (cut == 0) return;
        CompletionDelta delta;
        delta.kind = CompletionDelta::Kind::content;
        delta.text = pending_.substr(0, cut);
        pending_.erase(0, cut);
        on_delta_(delta);
    }

    const ChatCompletionRequest& request_;
    const DeltaHandler& on_delta_;
    Target kind_ = Target::none;
    int tool_index_ = -1;
    bool called_ = false;
    bool stop_hit_ = false;
    std::string pending_;  // content not yet sent (a possible start of a stop string)
};

}  // namespace

ChatCompletion::ChatCompletion(TokenSource& source, const Tokenizer& tokenizer,
                               const ModelIdentity& identity)
    : source_(source), tokenizer_(tokenizer), identity_(identity) {}

PromptInputs ChatCompletion::prompt_inputs(const ChatCompletionRequest& request) const {
    PromptInputs inputs = request.prompt;
    inputs.identity = identity_;
    inputs.current_date = local_date_today();
    if (request.effort) inputs.settings.effort = *request.effort;
    return inputs;
}

std::variant<std::vector<TokenId>, ApiError> ChatCompletion::render(
    const ChatCompletionRequest& request) const {
    auto tokens = harmony::render_prompt_tokens(tokenizer_,
                                                build_prompt_conversation(prompt_inputs(request)));
    if (!tokens) {
        return ApiError::bad_field("messages",
                                   "the messages cannot be rendered as a harmony "
                                   "prompt: " +
                                       tokens.status().message());
    }
    const std::int64_t limit = source_.context_limit();
    const auto size = static_cast<std::int64_t>(tokens->size());
    if (size + answer_reserve(limit) > limit) {
        ApiError error;
        error.http_status = 413;
        error.message = "the prompt has " + std::to_string(size) +
                        " tokens but the context holds " + std::to_string(limit) +
                        " (with room for an answer of " + std::to_string(answer_reserve(limit)) +
                        "): shorten the messages or start the server with a larger --context";
        error.param = "messages";
        error.code = "context_length_exceeded";
        return error;
    }
    return std::move(*tokens);
}

std::string ChatCompletion::render_text(const ChatCompletionRequest& request) const {
    auto text = harmony::render_prompt_text(build_prompt_conversation(prompt_inputs(request)));
    return text ? *text : text.status().message();
}

Result<CompletionResult> ChatCompletion::run(const ChatCompletionRequest& request,
                                             const std::vector<TokenId>& prompt,
                                             const DeltaHandler& on_delta,
                                             const std::atomic<bool>* cancel) {
    auto format = harmony::FormatTokenIds::lookup(tokenizer_);
    if (!format) return format.status();
    auto parser = harmony::StreamParser::create(tokenizer_);
    if (!parser) return parser.status();

    GenerationRequest generation;
    generation.sampling = identity_.recommended_sampling;
    if (request.temperature) generation.sampling.temperature = *request.temperature;
    if (request.top_p) generation.sampling.top_p = *request.top_p;
    generation.sampling.seed = request.seed;
    const auto stops = format->stop_tokens();
    generation.stop_tokens.assign(stops.begin(), stops.end());
    generation.max_tokens = request.max_tokens.value_or(0);
    generation.cancel = cancel;

    CompletionResult result;
    Run run(request, on_delta);
    const auto started = Clock::now();
    std::optional<Clock::time_point> first_token;
    Clock::time_point last_token = started;
    std::vector<harmony::ParserEvent> events;
    auto outcome = source_.generate(prompt, generation, [&](TokenId token) {
        last_token = Clock::now();
        if (!first_token) first_token = last_token;
        ++result.usage.completion_tokens;
        if (run.in_reasoning()) ++result.usage.reasoning_tokens;
        events.clear();
        parser->push(token, events);
        for (const auto& event : events) {
            if (!run.handle(event)) return false;
        }
        return !(cancel && cancel->load(std::memory_order_relaxed));
    });
    events.clear();
    parser->finish(events);
    for (const auto& event : events)
        run.handle(event);
    run.finish();
    if (!outcome) return outcome.status();

    result.usage.prompt_tokens = outcome->prompt_tokens;
    result.usage.cached_tokens = outcome->prompt_tokens - outcome->prefilled_tokens;
    result.cancelled =
        (cancel && cancel->load()) || (outcome->cancelled && !run.stopped_by_string());
    if (first_token) {
        result.first_token_ms =
            std::chrono::duration<double, std::milli>(*first_token - started).count();
        result.decode_seconds = std::chrono::duration<double>(last_token - *first_token).count();
    }
    if (run.called_tool()) {
        result.finish_reason = "tool_calls";
    } else if (outcome->hit_token_limit && !run.stopped_by_string()) {
        result.finish_reason = "length";
    } else {
        result.finish_reason = "stop";
    }
    return result;
}

}  // namespace ponder::core::server
