// `ponder --send TEXT [--send TEXT ...] --screenshot FILE`: drives the real window through whole
// turns (wait for the model, send, wait for the answer) and then saves a screenshot and quits.
// For end-to-end tests and README pictures; the same objects and threads as a person's session.
#pragma once

#include <QStringList>

class QQuickWindow;

namespace ponder::gui {

class ChatController;

// Sends `messages` one after another once the model is ready; then saves `screenshot` (a PNG)
// and exits with 0, or exits with 1 (the model failed to load, a turn ended in error) or 2
// (timed out after `timeoutMs`), printing why on stderr. Nobody is there to answer approval
// prompts, so the run allows each tool call once (only the conversation's enabled tools can be
// called; python is off unless turned on).
void startScriptedRun(ChatController* chat, QQuickWindow* window, const QStringList& messages,
                      const QString& screenshot, int timeoutMs = 180000);

}  // namespace ponder::gui
