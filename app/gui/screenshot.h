// Screenshot mode (`ponder --screenshot FILE.png`): renders the real window, saves it, quits.
// Used for the README's pictures and by the end-to-end UI tests.
#pragma once

#include <QString>

class QQuickWindow;

namespace ponder::gui {

// After the window has rendered a frame with settled content, saves it as a PNG at `path` and
// exits the application: status 0 on success, 1 if the image could not be grabbed or written.
void saveScreenshotWhenRendered(QQuickWindow* window, const QString& path);

}  // namespace ponder::gui
