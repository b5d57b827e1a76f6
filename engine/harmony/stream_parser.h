// Parses model output token by token into harmony messages (docs/gpt-oss.md §6.7), for showing
// reasoning, answers and tool calls while they are generated.
//
// Tolerant by design: a real model puts the recipient after the channel, glues <|constrain|> to the
// recipient, omits the channel, emits stray special tokens, or is cut off by the token limit. None
// of this crashes or loses text: what cannot be placed in a message comes out as an error event
// carrying the raw text, and special tokens inside content are kept as their text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/harmony/conversation.h"
#include "engine/harmony/format_tokens.h"
#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/utf8.h"

namespace ponder::harmony {

enum class MessageEnd {
    end,        // <|end|>: the model continues with another message
    call,       // <|call|>: a tool call; generation stops
    return_,    // <|return|>: the final answer is complete; generation stops
    truncated,  // no terminator: finish() was called (e.g. token limit) or a <|start|> came first
};

struct ParserEvent {
    enum class Kind {
        message_started,  // `message`: author, recipient, channel, content type (text empty);
                          // `text`: the header as the model wrote it
        text_delta,       // `text`: new content, valid UTF-8 (characters are never split)
        message_ended,    // `end`: how
        error,            // `text`: the raw output that could not be parsed; `error`: why
    };
    Kind kind = Kind::text_delta;
    Message message;
    std::string text;
    MessageEnd end = MessageEnd::end;
    std::string error;
};

// Not thread-safe: one parser per generation stream. Borrows the tokenizer, which must outlive it.
class StreamParser {
  public:
    // `known_role`: the role the prompt already opened ("<|start|>assistant", the default), or
    // nullopt when the output begins with <|start|>. Fails when the tokenizer lacks a format token.
    static Result<StreamParser> create(const Tokenizer& tokenizer,
                                       std::optional<Role> known_role = Role::assistant);

    // Feeds one token; appends the events it causes (often none or one) to `events`.
    void push(TokenId token, std::vector<ParserEvent>& events);
    std::vector<ParserEvent> push(TokenId token);

    // Ends the output: a message still open is ended as truncated, an unfinished header or stray
    // text becomes an error event. The parser then waits for a <|start|>, as after reset(nullopt).
    void finish(std::vector<ParserEvent>& events);
    std::vector<ParserEvent> finish();

    // Starts over, as create() would.
    void reset(std::optional<Role> known_role = Role::assistant);

    // True between message_started and message_ended.
    bool in_message() const { return state_ == State::content; }

  private:
    enum class State { between, header, content };
    StreamParser(const Tokenizer& tokenizer, FormatTokenIds ids)
        : tokenizer_(&tokenizer), ids_(ids) {}

    void append_bytes(TokenId token, std::string& out) const;
    void begin_header(std::optional<Role> known_role);
    void open_message(std::vector<ParserEvent>& events);
    void recover_headerless(MessageEnd end, std::vector<ParserEvent>& events);
    void close_message(MessageEnd end, std::vector<ParserEvent>& events);
    void report_stray(std::vector<ParserEvent>& events);

    const Tokenizer* tokenizer_;
    FormatTokenIds ids_;
    State state_ = State::between;
    std::optional<Role> header_role_;  // role known before the header text
    std::string header_bytes_;         // header so far, format tokens spelled out
    std::string stray_bytes_;          // output between messages, reported as an error
    Utf8StreamDecoder content_;
};

// The messages described by a sequence of events (error events are skipped), with how each ended.
struct ParsedMessage {
    Message message;
    MessageEnd end = MessageEnd::truncated;
};
std::vector<ParsedMessage> collect_messages(const std::vector<ParserEvent>& events);

}  // namespace ponder::harmony
