// One chat turn, start to finish (design.md §6): stores the user's message, builds the harmony
// prompt from the visible branch, generates while parsing the output into messages, persists
// every message as it streams (a crash loses at most the stream's commit interval), runs tool
// calls and continues, and records the measurements on the answer.
//
// Regenerate and edit never overwrite: they add a sibling under the same parent, and the new
// branch becomes the visible one. Stop keeps the partial answer, marked stopped.
//
// Thread-safety: one turn at a time, on one thread, which owns the store and the token source.
// `cancel` may be set from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/core/chat/prompt_builder.h"
#include "app/core/chat/token_source.h"
#include "app/core/chat/tool_runner.h"
#include "app/core/chat/turn_events.h"
#include "app/core/storage/history_store.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder::core {

struct TurnRequest {
    enum class Kind {
        send,        // a new user message at the end of the visible branch
        regenerate,  // a new answer to the user message before `target` (an assistant message)
        edit,        // a new version of the user message `target`, then an answer to it
    };
    Kind kind = Kind::send;
    std::string conversation_id;
    std::string text;                 // send, edit: the user's message
    std::optional<MessageId> target;  // regenerate, edit
};

struct TurnSummary {
    MessageState state = MessageState::complete;  // complete, stopped or error
    std::string detail;                           // why stopped/error
    MessageId user_message = 0;                   // the message answered
    std::vector<MessageId> messages;              // everything the turn added after it, in order
    MessageMetrics metrics;                       // also stored on the turn's last message
    std::int64_t prefilled_tokens = 0;            // prompt tokens computed (not reused from cache)
    std::int64_t dropped_messages = 0;            // dropped to fit the context (drop_oldest)
};

using TurnEventHandler = std::function<void(const TurnEvent&)>;

class ChatSession {
  public:
    ChatSession(HistoryStore& store, TokenSource& source, const Tokenizer& tokenizer,
                ModelIdentity identity);

    // Tools offered to the model; none (nullptr) means every call is answered with an error.
    void set_tool_runner(ToolRunner* runner) { tools_ = runner; }
    // Most tool calls in one turn; the model is told when it runs out.
    void set_max_tool_calls(int calls) { max_tool_calls_ = calls; }
    // How long a streamed message may go uncommitted (a crash loses at most this much text).
    void set_commit_interval(std::chrono::milliseconds interval) { commit_interval_ = interval; }
    // Characters of a tool result shown to the model (the store keeps all of it).
    void set_tool_result_limit(size_t characters) { tool_result_limit_ = characters; }
    const ModelIdentity& identity() const { return identity_; }

    // Runs one turn. Fails (with nothing generated) on an unknown conversation or target, a
    // store failure, or a prompt that does not fit under the "error" context policy; fails with
    // nothing stored when the tokenizer does not fit the source's model (check_chat_tokenizer).
    // Generation problems after the answer started end the turn with state error and are stored.
    Result<TurnSummary> run_turn(const TurnRequest& request, const TurnEventHandler& on_event,
                                 const std::atomic<bool>* cancel = nullptr);

  private:
    class Turn;

    HistoryStore& store_;
    TokenSource& source_;
    const Tokenizer& tokenizer_;
    ModelIdentity identity_;
    ToolRunner* tools_ = nullptr;
    int max_tool_calls_ = 8;
    std::chrono::milliseconds commit_interval_{500};
    size_t tool_result_limit_ = 16000;
};

// A title for a conversation from its first message: the first line, at most ~60 characters,
// cut at a word boundary.
std::string title_from_message(std::string_view text);

}  // namespace ponder::core
