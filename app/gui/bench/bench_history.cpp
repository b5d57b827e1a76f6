#include "app/gui/bench/bench_history.h"

#include "app/gui/bench/bench_text.h"

namespace ponder::gui::bench {
namespace {

// Appends `count` messages to `conversation`: user, reasoning, answer, in turn, a minute apart,
// with the metrics an answer's footer shows.
Status appendExchanges(core::HistoryStore& store, const std::string& conversation,
                       std::int64_t count, HistoryText& text, core::Timestamp& clock) {
    std::optional<core::MessageId> parent;
    for (std::int64_t i = 0; i < count; ++i) {
        core::NewMessage message;
        message.parent = parent;
        message.created_at = clock += 60'000;
        switch (i % 3) {
            case 0:
                message.role = core::MessageRole::user;
                message.text = text.userMessage();
                break;
            case 1:
                message.role = core::MessageRole::assistant;
                message.channel = "analysis";
                message.effort = core::ReasoningEffort::medium;
                message.text = text.reasoning();
                break;
            default:
                message.role = core::MessageRole::assistant;
                message.channel = "final";
                message.effort = core::ReasoningEffort::medium;
                message.text = text.answer();
                message.metrics.prompt_tokens = 400 + i;
                message.metrics.completion_tokens = 350;
                message.metrics.reasoning_tokens = 120;
                message.metrics.reasoning_ms = 2600;
                message.metrics.ttft_ms = 180;
                message.metrics.tokens_per_second = 41.5;
                break;
        }
        auto stored = store.append_message(conversation, message);
        if (!stored) return stored.status();
        parent = stored->id;
    }
    return Status::success();
}

}  // namespace

Result<BenchHistory> fillBenchHistory(core::HistoryStore& store, std::int64_t longMessages,
                                      int smallConversations) {
    BenchHistory history;
    HistoryText text;
    core::Timestamp clock = 1'750'000'000'000;  // June 2025: old enough to sort below new chats
    const Status written = store.transaction([&]() -> Status {
        auto longOne = store.create_conversation("The long one: " + text.title());
        if (!longOne) return longOne.status();
        history.longId = longOne->id;
        Status status = appendExchanges(store, longOne->id, longMessages, text, clock);
        if (!status.ok()) return status;
        history.messages += longMessages;
        for (int i = 0; i < smallConversations; ++i) {
            auto small = store.create_conversation(text.title());
            if (!small) return small.status();
            history.smallIds.push_back(small->id);
            status = appendExchanges(store, small->id, 6, text, clock);
            if (!status.ok()) return status;
            history.messages += 6;
        }
        return Status::success();
    });
    if (!written.ok()) return written;
    return history;
}

}  // namespace ponder::gui::bench
