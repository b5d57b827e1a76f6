#include "app/gui/bench/frame_meter.h"

#include <QEvent>
#include <QQuickWindow>
#include <ctime>

namespace ponder::gui::bench {

double threadCpuMs() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

FrameMeter::FrameMeter(QQuickWindow* window) : QObject(window) {
    clock_.start();
    window->installEventFilter(this);
    // Direct: the software render loop emits it on the GUI thread, inside the frame.
    connect(window, &QQuickWindow::afterFrameEnd, this, &FrameMeter::frameEnded,
            Qt::DirectConnection);
}

void FrameMeter::start() {
    frames_.clear();
    clock_.restart();
    lastEndMs_ = 0;
    lastEndCpuMs_ = threadCpuMs();
    frameStartMs_ = -1;
    recording_ = true;
}

bool FrameMeter::eventFilter(QObject* watched, QEvent* event) {
    // The window renders when it handles this event; the filter runs just before.
    if (event->type() == QEvent::UpdateRequest) frameStartMs_ = elapsedMs();
    return QObject::eventFilter(watched, event);
}

void FrameMeter::frameEnded() {
    ++count_;
    const double now = elapsedMs();
    const double cpu = threadCpuMs();
    if (recording_) {
        Frame frame;
        frame.endMs = now;
        // An expose renders without an UpdateRequest; count those from the previous frame.
        frame.renderMs = now - (frameStartMs_ >= 0 ? frameStartMs_ : lastEndMs_);
        frame.cpuMs = cpu - lastEndCpuMs_;
        frame.gapMs = now - lastEndMs_;
        frames_.push_back(frame);
    }
    frameStartMs_ = -1;
    lastEndMs_ = now;
    lastEndCpuMs_ = cpu;
}

}  // namespace ponder::gui::bench
