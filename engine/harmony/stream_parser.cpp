#include "engine/harmony/stream_parser.h"

#include "engine/harmony/header_parser.h"

namespace ponder::harmony {
namespace {

std::optional<MessageEnd> terminator(std::optional<FormatToken> token) {
    if (token == FormatToken::end) return MessageEnd::end;
    if (token == FormatToken::call) return MessageEnd::call;
    if (token == FormatToken::return_) return MessageEnd::return_;
    return std::nullopt;
}

ParserEvent error_event(std::string raw, std::string why) {
    ParserEvent event;
    event.kind = ParserEvent::Kind::error;
    event.text = std::move(raw);
    event.error = std::move(why);
    return event;
}

bool only_whitespace(const std::string& text) {
    return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

Result<StreamParser> StreamParser::create(const Tokenizer& tokenizer,
                                          std::optional<Role> known_role) {
    auto ids = FormatTokenIds::lookup(tokenizer);
    if (!ids) return ids.status();
    StreamParser parser(tokenizer, *ids);
    parser.reset(known_role);
    return parser;
}

void StreamParser::reset(std::optional<Role> known_role) {
    header_bytes_.clear();
    stray_bytes_.clear();
    content_.reset();
    if (known_role) {
        begin_header(known_role);
    } else {
        state_ = State::between;
        header_role_.reset();
    }
}

void StreamParser::append_bytes(TokenId token, std::string& out) const {
    if (auto bytes = tokenizer_->token_bytes(token)) {
        out += *bytes;
    } else {
        out += '\xFF';  // an id outside the vocabulary: one ill-formed byte, shown as U+FFFD
    }
}

void StreamParser::begin_header(std::optional<Role> known_role) {
    state_ = State::header;
    header_role_ = known_role;
    header_bytes_.clear();
}

void StreamParser::report_stray(std::vector<ParserEvent>& events) {
    if (stray_bytes_.empty()) return;
    events.push_back(
        error_event(utf8_lossy(stray_bytes_), "output outside a message (expected <|start|>)"));
    stray_bytes_.clear();
}

void StreamParser::open_message(std::vector<ParserEvent>& events) {
    std::string header_text = utf8_lossy(header_bytes_);
    ParsedHeader parsed = parse_header(header_text, header_role_);
    if (!parsed.problem.empty()) {
        events.push_back(error_event(header_text, "malformed message header: " + parsed.problem));
    }
    ParserEvent started;
    started.kind = ParserEvent::Kind::message_started;
    started.message = std::move(parsed.header);
    started.text = std::move(header_text);
    events.push_back(std::move(started));
    state_ = State::content;
    content_.reset();
}

void StreamParser::recover_headerless(MessageEnd end, std::vector<ParserEvent>& events) {
    std::string header_text = utf8_lossy(header_bytes_);
    state_ = State::between;
    if (only_whitespace(header_text)) {
        events.push_back(error_event(header_text, "a message ended before its header"));
        return;
    }
    HeaderlessMessage recovered = recover_headerless_message(header_text, header_role_);
    if (!recovered.role_found) {
        events.push_back(
            error_event(header_text, "a message without <|message|> and without an author"));
        return;
    }
    events.push_back(error_event(
        header_text, "no <|message|> in this message: its header text is taken as content"));
    ParserEvent started;
    started.kind = ParserEvent::Kind::message_started;
    started.message = recovered.message;
    started.message.text.clear();
    started.text = header_text;
    events.push_back(std::move(started));
    if (!recovered.message.text.empty()) {
        ParserEvent delta;
        delta.kind = ParserEvent::Kind::text_delta;
        delta.text = std::move(recovered.message.text);
        events.push_back(std::move(delta));
    }
    ParserEvent ended;
    ended.kind = ParserEvent::Kind::message_ended;
    ended.end = end;
    events.push_back(std::move(ended));
}

void StreamParser::close_message(MessageEnd end, std::vector<ParserEvent>& events) {
    std::string rest;
    content_.finish(rest);
    if (!rest.empty()) {
        ParserEvent delta;
        delta.kind = ParserEvent::Kind::text_delta;
        delta.text = std::move(rest);
        events.push_back(std::move(delta));
    }
    ParserEvent ended;
    ended.kind = ParserEvent::Kind::message_ended;
    ended.end = end;
    events.push_back(std::move(ended));
    state_ = State::between;
    header_role_.reset();
}

void StreamParser::push(TokenId token, std::vector<ParserEvent>& events) {
    const std::optional<FormatToken> format = ids_.classify(token);
    const std::optional<MessageEnd> end = terminator(format);
    switch (state_) {
        case State::between:
            if (format == FormatToken::start) {
                report_stray(events);
                begin_header(std::nullopt);
            } else {
                append_bytes(token, stray_bytes_);
            }
            return;
        case State::header:
            if (format == FormatToken::message) {
                open_message(events);
            } else if (end) {
                recover_headerless(*end, events);
            } else if (format == FormatToken::start) {
                // A repeated <|start|> before any header text is harmless; after some, the header
                // so far is abandoned (and reported, so that no output is lost).
                if (!header_bytes_.empty()) {
                    events.push_back(error_event(utf8_lossy(header_bytes_),
                                                 "a new message started inside a message header"));
                }
                begin_header(std::nullopt);
            } else {
                append_bytes(token, header_bytes_);
            }
            return;
        case State::content:
            if (end) {
                close_message(*end, events);
            } else if (format == FormatToken::start) {
                close_message(MessageEnd::truncated, events);
                begin_header(std::nullopt);
            } else {
                std::string bytes;
                append_bytes(token, bytes);
                ParserEvent delta;
                delta.kind = ParserEvent::Kind::text_delta;
                content_.push(bytes, delta.text);
                if (!delta.text.empty()) events.push_back(std::move(delta));
            }
            return;
    }
}

std::vector<ParserEvent> StreamParser::push(TokenId token) {
    std::vector<ParserEvent> events;
    push(token, events);
    return events;
}

void StreamParser::finish(std::vector<ParserEvent>& events) {
    switch (state_) {
        case State::between:
            report_stray(events);
            break;
        case State::header:
            if (!header_bytes_.empty()) {
                events.push_back(error_event(utf8_lossy(header_bytes_),
                                             "the output ended inside a message header"));
            }
            break;
        case State::content:
            close_message(MessageEnd::truncated, events);
            break;
    }
    reset(std::nullopt);
}

std::vector<ParserEvent> StreamParser::finish() {
    std::vector<ParserEvent> events;
    finish(events);
    return events;
}

std::vector<ParsedMessage> collect_messages(const std::vector<ParserEvent>& events) {
    std::vector<ParsedMessage> messages;
    bool open = false;
    for (const ParserEvent& event : events) {
        switch (event.kind) {
            case ParserEvent::Kind::message_started:
                messages.push_back({event.message, MessageEnd::truncated});
                open = true;
                break;
            case ParserEvent::Kind::text_delta:
                if (open) messages.back().message.text += event.text;
                break;
            case ParserEvent::Kind::message_ended:
                if (open) messages.back().end = event.end;
                open = false;
                break;
            case ParserEvent::Kind::error:
                break;
        }
    }
    return messages;
}

}  // namespace ponder::harmony
