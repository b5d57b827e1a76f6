// Salvage: copies what a damaged history still holds into a new one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "app/core/storage/history_store.h"
#include "engine/status.h"

namespace ponder::core {

struct LostConversation {
    std::string id;
    std::string title;   // "" when the conversation's row itself is lost
    std::string reason;  // what SQLite said when reading it
};

struct SalvageReport {
    std::vector<std::string> copied;  // conversation ids, kept as they were
    std::int64_t messages = 0;        // messages in the copied conversations
    std::vector<LostConversation> lost;
};

// Copies every conversation of `damaged` that can still be read in full (its messages with
// every branch, tool calls, settings, pin and trash state, under the same id) into a new
// history at `out`, and lists the others by id. `damaged` is opened read-only: not one byte of
// it changes. `out` must not exist yet; it is written beside its final name and appears only
// when complete. Works on a sound history too (then nothing is lost).
Result<SalvageReport> salvage_history(const std::filesystem::path& damaged,
                                      const std::filesystem::path& out);

}  // namespace ponder::core
