// What a running chat turn tells its caller, in order. Produced by the chat core on the engine's
// thread from the harmony stream parser and the tool runner; consumed by the CLI directly and
// by the desktop app after crossing to the UI thread (coalesced, see app/gui/event_coalescer.h).
#pragma once

#include <cstdint>
#include <string>

namespace ponder::core {

struct TurnEvent {
    enum class Kind {
        message_started,   // a new message: role, channel, recipient, content_type set; for the
                           // user's own message (role "user") text holds all of it
        text_delta,        // UTF-8 text appended to the current message (never half a character)
        message_finished,  // the current message ended: state says how
        tool_call,         // the model called a tool: text = arguments, recipient = tool
        tool_result,       // a tool's result was appended: text = result, recipient = tool
        turn_finished,     // generation is over for this turn (state: complete/stopped/error)
        error,             // something went wrong; text says what (the turn may go on)
    };

    Kind kind = Kind::text_delta;
    std::int64_t message_id = 0;  // the stored message this event belongs to (0 = none)
    std::int64_t parent_id = 0;   // message_started, tool_result: the message it follows (0 = a root)
    std::string role;             // message_started: "assistant", "functions.calculator", ...
    std::string channel;          // message_started: "analysis" | "commentary" | "final" | ""
    std::string recipient;        // message_started / tool_*: e.g. "functions.calculator"
    std::string content_type;     // message_started: e.g. "<|constrain|>json"
    std::string text;             // text_delta / tool_* / error
    std::string state;  // message_finished / turn_finished: "complete" | "stopped" | "error"
};

}  // namespace ponder::core
