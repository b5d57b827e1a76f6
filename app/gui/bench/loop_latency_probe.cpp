#include "app/gui/bench/loop_latency_probe.h"

#include <algorithm>

namespace ponder::gui::bench {

LoopLatencyProbe::LoopLatencyProbe() {
    // Precise: a coarse timer may legally fire 5% early or late, which would read as latency.
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(kIntervalMs);
    QObject::connect(&timer_, &QTimer::timeout, [this] {
        const double now = clock_.nsecsElapsed() / 1e6;
        lateness_.push_back(std::max(0.0, now - lastMs_ - kIntervalMs));
        lastMs_ = now;
    });
}

void LoopLatencyProbe::start() {
    lateness_.clear();
    clock_.start();
    lastMs_ = 0;
    timer_.start();
}

}  // namespace ponder::gui::bench
