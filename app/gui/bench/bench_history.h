// The history ponder-ui-bench opens: one long conversation (a user question, the model's
// reasoning and its Markdown answer, repeated) and many small ones, written through the app's
// own HistoryStore in one transaction, as years of use would leave them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/core/storage/history_store.h"

namespace ponder::gui::bench {

struct BenchHistory {
    std::string longId;                 // the long conversation
    std::vector<std::string> smallIds;  // the others, oldest first
    std::int64_t messages = 0;          // written in all
};

// Writes a conversation of `longMessages` messages (user / analysis / final, in turn) and
// `smallConversations` conversations of two exchanges each into `store`.
Result<BenchHistory> fillBenchHistory(core::HistoryStore& store, std::int64_t longMessages,
                                      int smallConversations);

}  // namespace ponder::gui::bench
