#include "app/gui/screenshot.h"

#include <QCoreApplication>
#include <QImage>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>

namespace ponder::gui {
namespace {

// Frames to let pass before grabbing, so that asynchronous content (fonts, lists) has settled.
constexpr int kSettleFrames = 3;
// Give up if no frame is ever rendered (e.g. broken platform plugin) rather than hang a test.
constexpr int kTimeoutMs = 20000;

}  // namespace

void saveScreenshotWhenRendered(QQuickWindow* window, const QString& path) {
    auto* frames = new int(0);
    QObject::connect(window, &QQuickWindow::frameSwapped, window, [window, path, frames] {
        if (++*frames != kSettleFrames) {
            if (*frames < kSettleFrames) window->update();
            return;
        }
        QTimer::singleShot(0, window, [window, path, frames] {
            delete frames;
            const QImage image = window->grabWindow();
            if (image.isNull() || !image.save(path, "PNG")) {
                std::fprintf(stderr, "ponder: could not save the screenshot to %s\n",
                             qPrintable(path));
                QCoreApplication::exit(1);
                return;
            }
            std::printf("screenshot saved: %s (%dx%d)\n", qPrintable(path), image.width(),
                        image.height());
            QCoreApplication::exit(0);
        });
    });
    QTimer::singleShot(kTimeoutMs, window, [] {
        std::fprintf(stderr, "ponder: no frame was rendered within %d ms\n", kTimeoutMs);
        QCoreApplication::exit(1);
    });
    window->update();
}

}  // namespace ponder::gui
