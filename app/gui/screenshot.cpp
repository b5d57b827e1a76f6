#include "app/gui/screenshot.h"

#include <QCoreApplication>
#include <QImage>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>
#include <memory>

namespace ponder::gui {
namespace {

// Frames to let pass before grabbing, so that asynchronous content (fonts, lists) has settled.
constexpr int kSettleFrames = 3;
// Give up if no frame is ever rendered (e.g. broken platform plugin) rather than hang a test.
constexpr int kTimeoutMs = 20000;

}  // namespace

void saveScreenshotWhenRendered(QQuickWindow* window, const QString& path) {
    // Shared, not owned by either lambda: grabWindow() renders once more, so frameSwapped fires
    // again after the grab has been scheduled (a raw counter deleted there was written after free).
    auto frames = std::make_shared<int>(0);
    auto swapped = std::make_shared<QMetaObject::Connection>();
    *swapped = QObject::connect(window, &QQuickWindow::frameSwapped, window, [=] {
        if (++*frames != kSettleFrames) {
            if (*frames < kSettleFrames) window->update();
            return;
        }
        QObject::disconnect(*swapped);
        QTimer::singleShot(0, window, [window, path] {
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
