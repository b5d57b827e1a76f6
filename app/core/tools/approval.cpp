#include "app/core/tools/approval.h"

#include <chrono>

namespace ponder::core {

ApprovalGate::ApprovalGate(std::function<void(const ApprovalRequest&)> notify)
    : notify_(std::move(notify)) {}

ApprovalDecision ApprovalGate::ask(const ApprovalRequest& request,
                                   const std::atomic<bool>* cancel) {
    {
        std::lock_guard lock(mutex_);
        waiting_ = request.call_id;
        decision_.reset();
    }
    if (notify_) notify_(request);
    std::unique_lock lock(mutex_);
    // Wake up now and then to notice Stop: the cancel flag is not tied to this condition.
    while (!decision_ && !(cancel && cancel->load())) {
        answered_.wait_for(lock, std::chrono::milliseconds(50));
    }
    const ApprovalDecision decision = decision_.value_or(ApprovalDecision::deny);
    waiting_.reset();
    decision_.reset();
    return decision;
}

void ApprovalGate::answer(ToolCallId call_id, ApprovalDecision decision) {
    {
        std::lock_guard lock(mutex_);
        if (waiting_ != call_id || decision_) return;
        decision_ = decision;
    }
    answered_.notify_all();
}

ApprovalPrompt ApprovalGate::prompt() {
    return [this](const ApprovalRequest& request, const std::atomic<bool>* cancel) {
        return ask(request, cancel);
    };
}

}  // namespace ponder::core
