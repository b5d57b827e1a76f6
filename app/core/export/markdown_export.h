// Conversations as Markdown for reading and sharing: a metadata header (model, effort, sampling,
// times), each turn under a heading, reasoning in collapsible <details> blocks, tool calls and
// results as fenced code blocks, the model's own Markdown (code blocks included) kept verbatim.
// Shows the branch the user sees; JSON is the lossless format.
#pragma once

#include <string>
#include <vector>

#include "app/core/export/export_text.h"

namespace ponder::core {

std::string conversation_to_markdown(const ConversationRecord& record,
                                     const ExportOptions& options = {});
// Several conversations in one document, separated by horizontal rules.
std::string history_to_markdown(const std::vector<ConversationRecord>& records,
                                const ExportOptions& options = {});

// A fence of backticks longer than any run of backticks in `text` (at least 3), so that code
// containing ``` cannot end its block early.
std::string code_fence_for(const std::string& text);

}  // namespace ponder::core
