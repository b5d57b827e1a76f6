// How late a 1 ms timer fires on the GUI thread: while the thread applies a batch of tokens,
// lays out text or renders a frame it cannot run the timer, nor react to a key or a click. The
// longest lateness is the longest the window was frozen.
#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <vector>

namespace ponder::gui::bench {

class LoopLatencyProbe {
  public:
    LoopLatencyProbe();

    // Forgets earlier samples and starts the timer.
    void start();
    void stop() { timer_.stop(); }
    // One sample per timeout: milliseconds past the 1 ms it should have taken.
    const std::vector<double>& latenessMs() const { return lateness_; }

  private:
    static constexpr int kIntervalMs = 1;
    QTimer timer_;
    QElapsedTimer clock_;
    double lastMs_ = 0;
    std::vector<double> lateness_;
};

}  // namespace ponder::gui::bench
