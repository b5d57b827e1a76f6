// Conversations as one self-contained HTML file that opens offline in any browser: inline CSS,
// no script, no external URL, and a Content-Security-Policy that forbids both. Every piece of
// text (titles, answers, reasoning, tool arguments and results) is HTML-escaped and placed only
// in element content, never in attributes, so model output cannot inject markup or script.
// Reasoning sits in collapsed <details> blocks; fenced code in answers becomes <pre><code>.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/core/export/export_text.h"

namespace ponder::core {

std::string conversation_to_html(const ConversationRecord& record,
                                 const ExportOptions& options = {});
std::string history_to_html(const std::vector<ConversationRecord>& records,
                            const ExportOptions& options = {});

// & < > " ' as entities; everything else unchanged.
std::string escape_html(std::string_view text);

}  // namespace ponder::core
