// ponder-ui-bench, streaming: one answer (a long chain of thought, then a Markdown answer)
// played into the real window at a steady token rate through the real chat core, engine
// worker and EventCoalescer, while the GUI thread's frames and event-loop latency are timed.
#pragma once

#include <QString>
#include <cstdint>
#include <vector>

#include "app/gui/bench/bench_app.h"
#include "app/gui/bench/paced_token_source.h"

namespace ponder::gui::bench {

struct StreamResult {
    QString error;                          // empty when the turn completed
    std::int64_t tokens = 0;                // handed to the chat core
    double tokenRate = 0;                   // tokens per second actually held
    double streamMs = 0;                    // send() to the turn's end
    std::vector<FrameMeter::Frame> frames;  // from send() until the window settled after
    std::vector<double> latenessMs;         // of the 1 ms timer, same span
    int modelUpdates = 0;                   // changes of the message list while streaming
    int answerChars = 0;                    // what the view shows at the end
    int reasoningChars = 0;
};

// Switches the controller to `source` (which `tokenizer` decodes; both outlive `app`), sends
// the bench question in a new conversation and measures until the window has settled after
// the answer. Fails after `timeoutMs`.
StreamResult runStreamPhase(BenchApp& app, PacedTokenSource& source, const Tokenizer& tokenizer,
                            const QString& modelName, int timeoutMs);

}  // namespace ponder::gui::bench
