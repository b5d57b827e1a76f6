// The rules a record must follow before the store writes it, shared by the API calls and import,
// and the UTF-8 repair of every text field (see utf8.h). Messages name the field and the value.
#pragma once

#include "app/core/storage/history_types.h"
#include "engine/status.h"

namespace ponder::core {

// temperature >= 0, 0 < top_p <= 1, top_k >= 0, 0 <= min_p <= 1, max_output_tokens >= 0, all
// finite; tool names non-empty and not repeated.
Status check_settings(const ConversationSettings& settings);
// Counts and times >= 0, tokens_per_second finite and >= 0.
Status check_metrics(const MessageMetrics& metrics);

// Copies with every text field passed through repair_utf8().
ConversationSettings repaired(const ConversationSettings& settings);
NewMessage repaired(const NewMessage& message);

}  // namespace ponder::core
