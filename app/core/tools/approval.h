// Asking the user before a tool runs. The runner (local_tool_runner.h) calls an ApprovalPrompt
// for every call that has no standing "always" permission in its conversation.
//
// The CLI answers on the terminal (or always/never by flag). A GUI answers from its UI thread
// while the turn's worker thread waits: ApprovalGate is that hand-over, Qt-free.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "app/core/storage/history_types.h"

namespace ponder::core {

enum class ApprovalDecision {
    approve_once,    // this call only
    approve_always,  // this call and every later call of this tool in this conversation
    deny,
};

struct ApprovalRequest {
    std::string conversation_id;
    ToolCallId call_id = 0;  // the stored tool-call row (HistoryStore::tool_call)
    // The assistant message that made the call (where a GUI shows the approval card); set when
    // the runner has the store.
    std::optional<MessageId> message_id;
    std::string tool;         // "calculator"
    std::string description;  // the tool's description, for the prompt
    std::string arguments;    // the validated arguments, pretty-printed JSON (2-space indent)
};

// Decides one request. Called on the turn's thread while the turn waits; when `cancel` becomes
// true (the user pressed Stop) it must return deny promptly. Must not throw.
using ApprovalPrompt = std::function<ApprovalDecision(const ApprovalRequest& request,
                                                      const std::atomic<bool>* cancel)>;

// Hands approval requests from the turn's thread to another thread (the UI) and its answers
// back. The turn's thread calls ask() (use prompt() as the runner's ApprovalPrompt): it passes
// the request to `notify` (e.g. emit a queued signal that shows the approval card) and blocks
// until answer() is called from any thread with the request's call id, or cancel is set.
//
// Thread-safety: ask() on one thread at a time; answer() from any thread, any time.
class ApprovalGate {
  public:
    explicit ApprovalGate(std::function<void(const ApprovalRequest&)> notify);

    ApprovalDecision ask(const ApprovalRequest& request, const std::atomic<bool>* cancel);
    // Answers the waiting request with this call id; ignored if none waits (it was cancelled
    // or answered already), so a late click cannot approve a later call.
    void answer(ToolCallId call_id, ApprovalDecision decision);
    // [this](request, cancel) { return ask(request, cancel); }; the gate must outlive it.
    ApprovalPrompt prompt();

  private:
    std::function<void(const ApprovalRequest&)> notify_;
    std::mutex mutex_;
    std::condition_variable answered_;
    std::optional<ToolCallId> waiting_;  // the call id ask() waits for
    std::optional<ApprovalDecision> decision_;
};

}  // namespace ponder::core
