// Times a QQuickWindow's frames for ponder-ui-bench. With the software backend (the offscreen
// default) or the basic render loop, a frame is rendered on the GUI thread from the window's
// UpdateRequest (polish, sync, render, flush to the backing store) to afterFrameEnd, so both
// ends are seen here. Also records the GUI thread's CPU time between consecutive frames: the
// model updates, bindings and text layout that happen outside the frame plus the frame itself,
// i.e. what must fit in 16.7 ms for 60 frames a second.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <vector>

class QQuickWindow;

namespace ponder::gui::bench {

// CPU time the calling thread has used, in milliseconds.
double threadCpuMs();

class FrameMeter : public QObject {
  public:
    struct Frame {
        double endMs = 0;     // when the frame was flushed, since start()
        double renderMs = 0;  // UpdateRequest to afterFrameEnd (wall)
        double cpuMs = 0;     // GUI-thread CPU since the previous frame ended (or start())
        double gapMs = 0;     // wall time since the previous frame ended (or start())
    };

    explicit FrameMeter(QQuickWindow* window);

    // Forgets earlier frames and starts recording.
    void start();
    void stop() { recording_ = false; }
    const std::vector<Frame>& frames() const { return frames_; }
    // Milliseconds since start(), and since the last frame ended (any frame, recording or not).
    double elapsedMs() const { return clock_.nsecsElapsed() / 1e6; }
    double sinceLastFrameMs() const { return elapsedMs() - lastEndMs_; }
    // Frames ended since this meter was made, recording or not (to wait for "the next frame").
    long long frameCount() const { return count_; }

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void frameEnded();

    QElapsedTimer clock_;
    bool recording_ = false;
    double frameStartMs_ = -1;
    double lastEndMs_ = 0;
    double lastEndCpuMs_ = 0;
    long long count_ = 0;
    std::vector<Frame> frames_;
};

}  // namespace ponder::gui::bench
