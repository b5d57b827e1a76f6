#include "app/core/chat/chat_session.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "app/core/storage/conversation_tree.h"
#include "engine/harmony/chat_tokenizer.h"
#include "engine/harmony/format_tokens.h"
#include "engine/harmony/renderer.h"
#include "engine/harmony/stream_parser.h"

namespace ponder::core {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t milliseconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// Drops whole exchanges from the front of `path` (up to the next user message) until `fits`
// says the rest fits; keeps at least the last user message. Returns how many were dropped.
template <typename Fits>
std::int64_t drop_oldest_until(std::vector<Message>& path, Fits fits) {
    std::int64_t dropped = 0;
    while (!fits(path)) {
        auto next_user = std::find_if(path.begin() + 1, path.end(),
                                      [](const Message& m) { return m.role == MessageRole::user; });
        if (path.size() <= 1 || next_user == path.end()) break;
        dropped += next_user - path.begin();
        path.erase(path.begin(), next_user);
    }
    return dropped;
}

}  // namespace

std::string title_from_message(std::string_view text) {
    constexpr size_t kMaxTitle = 60;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    text = text.substr(0, text.find('\n'));
    if (text.size() <= kMaxTitle) return std::string(text);
    size_t cut = text.rfind(' ', kMaxTitle);
    if (cut == std::string_view::npos || cut < kMaxTitle / 2) {
        cut = kMaxTitle;
        // Never split a UTF-8 character: back up to a lead byte.
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
            --cut;
    }
    return std::string(text.substr(0, cut)) + "…";
}

ChatSession::ChatSession(HistoryStore& store, TokenSource& source, const Tokenizer& tokenizer,
                         ModelIdentity identity)
    : store_(store), source_(source), tokenizer_(tokenizer), identity_(std::move(identity)) {}

// The state of one run_turn call: the branch being extended, the message streaming now, the
// parser, and the clocks behind the measurements.
class ChatSession::Turn {
  public:
    Turn(ChatSession& session, const TurnEventHandler& on_event, const std::atomic<bool>* cancel)
        : s_(session), on_event_(on_event), cancel_(cancel), started_(Clock::now()) {}

    Result<TurnSummary> run(const TurnRequest& request);

  private:
    Status prepare(const TurnRequest& request);
    Result<std::vector<TokenId>> render_prompt();
    Status generate_once(const std::vector<TokenId>& prompt);
    void handle(const harmony::ParserEvent& event);
    void open_message(const harmony::Message& header);
    void close_message(MessageState state, const std::string& detail);
    void store_malformed(const std::string& raw, const std::string& why);
    Status answer_tool_call();
    void emit(TurnEvent event) {
        if (on_event_) on_event_(event);
    }
    bool cancelled() const { return cancel_ && cancel_->load(std::memory_order_relaxed); }
    MessageMetrics turn_metrics() const;

    ChatSession& s_;
    const TurnEventHandler& on_event_;
    const std::atomic<bool>* cancel_;
    Clock::time_point started_;

    Conversation conversation_;
    std::vector<Message> path_;  // the branch the prompt is built from, root first
    TurnSummary summary_;
    std::vector<harmony::FunctionTool> tools_;

    std::optional<harmony::StreamParser> parser_;
    std::optional<MessageStream> stream_;  // the message being generated
    std::string stream_channel_;
    std::int64_t stream_tokens_ = 0;
    std::optional<Message> pending_call_;  // the last message ended with <|call|>
    int tool_calls_ = 0;

    std::optional<Clock::time_point> first_token_;
    std::optional<Clock::time_point> reasoning_started_;
    std::int64_t reasoning_ms_ = 0;
    std::int64_t completion_tokens_ = 0;
    std::int64_t reasoning_tokens_ = 0;
    std::int64_t prompt_tokens_ = 0;
};

Result<TurnSummary> ChatSession::run_turn(const TurnRequest& request,
                                          const TurnEventHandler& on_event,
                                          const std::atomic<bool>* cancel) {
    Turn turn(*this, on_event, cancel);
    return turn.run(request);
}

Status ChatSession::Turn::prepare(const TurnRequest& request) {
    auto record = s_.store_.load_conversation(request.conversation_id);
    if (!record) return record.status();
    conversation_ = record->conversation;
    std::unordered_map<MessageId, const Message*> by_id;
    for (const Message& message : record->messages)
        by_id[message.id] = &message;
    const ConversationTree tree(record->messages);
    auto path_ids = [&](std::optional<MessageId> leaf) {
        std::vector<Message> path;
        if (!leaf) return path;
        for (MessageId id : tree.path_to(*leaf))
            path.push_back(*by_id.at(id));
        return path;
    };

    std::optional<MessageId> parent;
    const std::vector<MessageId> visible = tree.active_path(conversation_.active_leaf);
    if (request.kind == TurnRequest::Kind::send) {
        if (!visible.empty()) parent = visible.back();
    } else {
        if (!request.target || !by_id.count(*request.target)) {
            return Status(StatusCode::invalid_argument,
                          "the message to regenerate or edit is not in this conversation");
        }
        const Message& target = *by_id.at(*request.target);
        if (request.kind == TurnRequest::Kind::edit) {
            if (target.role != MessageRole::user) {
                return Status(StatusCode::invalid_argument, "only user messages can be edited");
            }
            parent = target.parent_id;
        } else {
            // The answer to regenerate hangs below a user message: find it by walking up.
            std::optional<MessageId> up = target.parent_id;
            while (up && by_id.at(*up)->role != MessageRole::user)
                up = by_id.at(*up)->parent_id;
            if (!up)
                return Status(StatusCode::invalid_argument, "no user message precedes this answer");
            summary_.user_message = *up;
            path_ = path_ids(up);
            return Status::success();
        }
    }

    NewMessage user;
    user.parent = parent;
    user.role = MessageRole::user;
    user.text = request.text;
    auto stored = s_.store_.append_message(conversation_.id, user);
    if (!stored) return stored.status();
    summary_.user_message = stored->id;
    path_ = path_ids(parent);
    path_.push_back(*stored);

    TurnEvent started;
    started.kind = TurnEvent::Kind::message_started;
    started.message_id = stored->id;
    started.parent_id = parent.value_or(0);
    started.role = "user";
    started.text = stored->text;
    emit(started);
    TurnEvent finished;
    finished.kind = TurnEvent::Kind::message_finished;
    finished.message_id = stored->id;
    finished.state = "complete";
    emit(finished);

    if (conversation_.title.empty() && request.kind == TurnRequest::Kind::send) {
        if (Status status =
                s_.store_.rename_conversation(conversation_.id, title_from_message(stored->text));
            !status.ok()) {
            return status;
        }
    }
    return Status::success();
}

Result<std::vector<TokenId>> ChatSession::Turn::render_prompt() {
    PromptInputs inputs;
    inputs.settings = conversation_.settings;
    inputs.identity = s_.identity_;
    inputs.current_date = local_date_today();
    inputs.function_tools = tools_;
    const std::int64_t limit = s_.source_.context_limit();
    // Room for at least a short answer; the model stops early when it is full anyway.
    const std::int64_t reserve = std::min<std::int64_t>(256, limit / 4);

    Result<std::vector<TokenId>> tokens = std::vector<TokenId>{};
    auto fits = [&](const std::vector<Message>& path) {
        inputs.path = path;
        tokens = harmony::render_prompt_tokens(s_.tokenizer_, build_prompt_conversation(inputs));
        return !tokens || static_cast<std::int64_t>(tokens->size()) + reserve <= limit;
    };
    if (!fits(path_) && tokens) {
        if (conversation_.settings.context_policy == ContextPolicy::error) {
            return Status(StatusCode::context_full,
                          "this conversation needs " + std::to_string(tokens->size()) +
                              " tokens but the context window holds " + std::to_string(limit) +
                              ": start a new conversation, raise the context length, or let the "
                              "conversation drop its oldest messages");
        }
        std::vector<Message> trimmed = path_;
        const std::int64_t dropped = drop_oldest_until(trimmed, fits);
        if (!tokens) return tokens.status();
        if (static_cast<std::int64_t>(tokens->size()) + reserve > limit) {
            return Status(StatusCode::context_full,
                          "even the last message alone does not fit the context window of " +
                              std::to_string(limit) + " tokens");
        }
        if (dropped > summary_.dropped_messages) {
            summary_.dropped_messages = dropped;
            TurnEvent notice;
            notice.kind = TurnEvent::Kind::error;
            notice.text = "The context window is full: the " + std::to_string(dropped) +
                          " oldest messages were left out of the prompt.";
            emit(notice);
        }
    }
    return tokens;
}

void ChatSession::Turn::open_message(const harmony::Message& header) {
    NewMessage message;
    message.parent = path_.empty() ? std::nullopt : std::optional<MessageId>(path_.back().id);
    message.role =
        header.role == harmony::Role::assistant ? MessageRole::assistant : MessageRole::tool;
    message.author_name = header.name.value_or("");
    message.channel = header.channel.value_or("");
    message.recipient = header.recipient.value_or("");
    message.content_type = header.content_type.value_or("");
    message.state = MessageState::generating;
    message.effort = conversation_.settings.effort;
    StreamOptions options;
    options.commit_interval = s_.commit_interval_;
    auto stream = s_.store_.start_stream(conversation_.id, message, options);
    if (!stream) {
        TurnEvent error;
        error.kind = TurnEvent::Kind::error;
        error.text = "could not save the answer: " + stream.status().message();
        emit(error);
        return;
    }
    stream_.emplace(std::move(*stream));
    stream_channel_ = message.channel;
    stream_tokens_ = 0;
    if (stream_channel_ == "analysis" && !reasoning_started_) reasoning_started_ = Clock::now();

    TurnEvent event;
    event.kind = TurnEvent::Kind::message_started;
    event.message_id = stream_->id();
    event.parent_id = message.parent.value_or(0);
    event.role = header.name ? *header.name : std::string(harmony::role_name(header.role));
    event.channel = message.channel;
    event.recipient = message.recipient;
    event.content_type = message.content_type;
    emit(event);
}

MessageMetrics ChatSession::Turn::turn_metrics() const {
    MessageMetrics metrics;
    const auto now = Clock::now();
    metrics.prompt_tokens = prompt_tokens_;
    metrics.completion_tokens = completion_tokens_;
    metrics.reasoning_tokens = reasoning_tokens_;
    metrics.reasoning_ms = reasoning_ms_;
    if (first_token_) {
        metrics.ttft_ms = milliseconds_between(started_, *first_token_);
        const double seconds = std::chrono::duration<double>(now - *first_token_).count();
        if (seconds > 0 && completion_tokens_ > 1) {
            metrics.tokens_per_second = static_cast<double>(completion_tokens_ - 1) / seconds;
        }
    }
    return metrics;
}

void ChatSession::Turn::close_message(MessageState state, const std::string& detail) {
    if (!stream_) return;
    if (stream_channel_ == "analysis" && reasoning_started_) {
        reasoning_ms_ = milliseconds_between(*reasoning_started_, Clock::now());
    }
    MessageMetrics metrics = turn_metrics();
    if (stream_channel_ != "final") {
        // Intermediate messages record their own size; the answer carries the turn's totals.
        metrics = MessageMetrics{};
        metrics.completion_tokens = stream_tokens_;
    }
    const MessageId id = stream_->id();
    if (Status status = stream_->finish(state, metrics, detail); !status.ok()) {
        TurnEvent error;
        error.kind = TurnEvent::Kind::error;
        error.text = "could not save the answer: " + status.message();
        emit(error);
    }
    auto stored = s_.store_.message(id);
    if (stored) path_.push_back(*stored);
    summary_.messages.push_back(id);
    stream_.reset();

    TurnEvent event;
    event.kind = TurnEvent::Kind::message_finished;
    event.message_id = id;
    event.state = std::string(to_string(state));
    emit(event);
}

void ChatSession::Turn::store_malformed(const std::string& raw, const std::string& why) {
    // Garbage from the model is kept, visibly marked, never silently dropped.
    NewMessage message;
    message.parent = path_.empty() ? std::nullopt : std::optional<MessageId>(path_.back().id);
    message.role = MessageRole::assistant;
    message.text = raw;
    message.state = MessageState::error;
    message.state_detail = "malformed model output: " + why;
    message.effort = conversation_.settings.effort;
    auto stored = s_.store_.append_message(conversation_.id, message);
    TurnEvent event;
    event.kind = TurnEvent::Kind::error;
    event.text = message.state_detail;
    if (stored) {
        event.message_id = stored->id;
        summary_.messages.push_back(stored->id);
        // Not added to path_: an error message never goes back into the prompt, and the next
        // message of this turn hangs below the last good one.
    }
    emit(event);
}

void ChatSession::Turn::handle(const harmony::ParserEvent& event) {
    using Kind = harmony::ParserEvent::Kind;
    switch (event.kind) {
        case Kind::message_started:
            open_message(event.message);
            break;
        case Kind::text_delta:
            if (stream_) {
                if (Status status = stream_->append(event.text); !status.ok()) {
                    TurnEvent error;
                    error.kind = TurnEvent::Kind::error;
                    error.text = "could not save the answer: " + status.message();
                    emit(error);
                }
                TurnEvent delta;
                delta.kind = TurnEvent::Kind::text_delta;
                delta.message_id = stream_->id();
                delta.text = event.text;
                emit(delta);
            }
            break;
        case Kind::message_ended: {
            const bool is_call = event.end == harmony::MessageEnd::call;
            const bool truncated = event.end == harmony::MessageEnd::truncated;
            // Truncated: Stop was pressed, or the token limit cut the message off.
            close_message(truncated ? MessageState::stopped : MessageState::complete,
                          truncated ? (cancelled() ? "stopped by the user" : "cut off") : "");
            if (is_call && !path_.empty()) pending_call_ = path_.back();
            break;
        }
        case Kind::error:
            store_malformed(event.text, event.error);
            break;
    }
}

Status ChatSession::Turn::generate_once(const std::vector<TokenId>& prompt) {
    auto format = harmony::FormatTokenIds::lookup(s_.tokenizer_);
    if (!format) return format.status();
    auto parser = harmony::StreamParser::create(s_.tokenizer_);
    if (!parser) return parser.status();
    parser_.emplace(std::move(*parser));

    GenerationRequest request;
    request.sampling = conversation_.settings.sampling;
    const auto stops = format->stop_tokens();
    request.stop_tokens.assign(stops.begin(), stops.end());
    request.max_tokens = conversation_.settings.sampling.max_output_tokens;
    request.cancel = cancel_;

    prompt_tokens_ = static_cast<std::int64_t>(prompt.size());
    std::vector<harmony::ParserEvent> events;
    auto outcome = s_.source_.generate(prompt, request, [&](TokenId token) {
        if (!first_token_) first_token_ = Clock::now();
        ++completion_tokens_;
        if (stream_) {
            ++stream_tokens_;
            if (stream_channel_ == "analysis") ++reasoning_tokens_;
        }
        events.clear();
        parser_->push(token, events);
        for (const auto& event : events)
            handle(event);
        return !cancelled();
    });
    if (outcome) summary_.prefilled_tokens += outcome->prefilled_tokens;
    events.clear();
    parser_->finish(events);
    for (const auto& event : events)
        handle(event);
    if (stream_) close_message(MessageState::stopped, "cut off");
    if (!outcome) return outcome.status();
    if (outcome->cancelled || cancelled()) {
        summary_.state = MessageState::stopped;
        summary_.detail = "stopped by the user";
    } else if (outcome->hit_token_limit && !pending_call_) {
        summary_.state = MessageState::stopped;
        summary_.detail = "reached the token limit";
    }
    return Status::success();
}

Status ChatSession::Turn::answer_tool_call() {
    const Message call = *pending_call_;
    pending_call_.reset();
    auto row = s_.store_.add_tool_call(call.id, call.recipient, call.text);
    if (!row) return row.status();

    TurnEvent called;
    called.kind = TurnEvent::Kind::tool_call;
    called.message_id = call.id;
    called.recipient = call.recipient;
    called.text = call.text;
    emit(called);

    ToolOutcome outcome;
    if (++tool_calls_ > s_.max_tool_calls_) {
        outcome.approval = ToolApproval::denied;
        outcome.error = "tool call limit reached: answer without calling more tools";
    } else if (s_.tools_ == nullptr) {
        outcome.approval = ToolApproval::denied;
        outcome.error = "no tools are available in this conversation";
    } else {
        if (Status status = s_.store_.start_tool_call(row->id); !status.ok()) return status;
        ToolInvocation invocation{conversation_.id, row->id, call.recipient, call.content_type,
                                  call.text};
        outcome = s_.tools_->run(invocation, conversation_.settings, cancel_);
    }
    if (Status status = s_.store_.set_tool_approval(row->id, outcome.approval); !status.ok())
        return status;
    const bool failed = !outcome.error.empty();
    if (Status status = s_.store_.finish_tool_call(
            row->id, failed ? std::nullopt : std::optional<std::string>(outcome.result),
            failed ? std::optional<std::string>(outcome.error) : std::nullopt);
        !status.ok()) {
        return status;
    }

    std::string shown = failed ? "Error: " + outcome.error : outcome.result;
    if (shown.size() > s_.tool_result_limit_) {
        shown = shown.substr(0, s_.tool_result_limit_) +
                "\n[result truncated: " + std::to_string(outcome.result.size()) +
                " characters in total]";
    }
    NewMessage result;
    result.parent = call.id;
    result.role = MessageRole::tool;
    result.author_name = call.recipient;
    result.recipient = "assistant";
    result.channel = "commentary";
    result.text = shown;
    auto stored = s_.store_.append_message(conversation_.id, result);
    if (!stored) return stored.status();
    path_.push_back(*stored);
    summary_.messages.push_back(stored->id);

    TurnEvent answered;
    answered.kind = TurnEvent::Kind::tool_result;
    answered.message_id = stored->id;
    answered.parent_id = call.id;
    answered.recipient = call.recipient;
    answered.text = shown;
    answered.state = failed ? "error" : "complete";
    emit(answered);
    return Status::success();
}

Result<TurnSummary> ChatSession::Turn::run(const TurnRequest& request) {
    // A tokenizer that does not fit the model would fail at the first prompt token: refuse before
    // the user's message is stored, so a turn that cannot start leaves nothing behind.
    if (const auto vocabulary = s_.source_.vocabulary_size()) {
        if (Status fits = harmony::check_chat_tokenizer(s_.tokenizer_, *vocabulary); !fits.ok())
            return fits;
    }
    if (Status status = prepare(request); !status.ok()) return status;
    if (s_.tools_) tools_ = s_.tools_->definitions(conversation_.settings);

    while (true) {
        auto prompt = render_prompt();
        if (!prompt) {
            summary_.state = MessageState::error;
            summary_.detail = prompt.status().message();
            TurnEvent error;
            error.kind = TurnEvent::Kind::error;
            error.text = summary_.detail;
            emit(error);
            break;
        }
        if (Status status = generate_once(*prompt); !status.ok()) {
            summary_.state = status.code() == StatusCode::cancelled ? MessageState::stopped
                                                                    : MessageState::error;
            summary_.detail = status.message();
            TurnEvent error;
            error.kind = TurnEvent::Kind::error;
            error.text = "generation failed: " + status.message();
            emit(error);
            break;
        }
        if (!pending_call_ || summary_.state != MessageState::complete) break;
        if (Status status = answer_tool_call(); !status.ok()) return status;
        if (cancelled()) {
            summary_.state = MessageState::stopped;
            summary_.detail = "stopped by the user";
            break;
        }
    }
    summary_.metrics = turn_metrics();

    TurnEvent finished;
    finished.kind = TurnEvent::Kind::turn_finished;
    finished.state = std::string(to_string(summary_.state));
    finished.text = summary_.detail;
    emit(finished);
    return summary_;
}

}  // namespace ponder::core
