// The seam between a chat turn and the tools the model may call (harmony function tools).
// The chat session asks the runner which tools a conversation offers (they go into the
// developer message) and hands it every call the model makes; the runner validates, asks the
// user, runs and answers. Errors are answers too: they go back to the model as the result, so
// it can recover.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "app/core/storage/history_types.h"
#include "engine/harmony/conversation.h"

namespace ponder::core {

struct ToolInvocation {
    std::string conversation_id;
    ToolCallId call_id = 0;    // the stored tool-call row
    std::string recipient;     // as the model addressed it, e.g. "functions.calculator"
    std::string content_type;  // e.g. "<|constrain|>json"
    std::string arguments;     // as the model wrote them
};

struct ToolOutcome {
    ToolApproval approval = ToolApproval::approved_once;
    std::string
        result;  // what the model reads back (complete; the session truncates for the prompt)
    std::string error;  // non-empty: the call failed (denied, invalid arguments, timeout, crash)
};

class ToolRunner {
  public:
    virtual ~ToolRunner() = default;
    // The function tools this conversation offers the model.
    virtual std::vector<harmony::FunctionTool> definitions(
        const ConversationSettings& settings) const = 0;
    // Runs one call to completion (approval included). Called on the turn's thread.
    virtual ToolOutcome run(const ToolInvocation& call, const ConversationSettings& settings,
                            const std::atomic<bool>* cancel) = 0;
};

}  // namespace ponder::core
