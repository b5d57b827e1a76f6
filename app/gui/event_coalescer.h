// Coalesces a turn's events so the window repaints at most ~60 times a second however fast
// tokens come (docs/architecture.md §6). Lives on the engine worker's thread: push() every event as
// it happens; when the batch is due (or a structural event arrives), take() returns it for one
// queued signal to the UI thread. Consecutive text deltas of the same message are merged.
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QMetaType>

#include "app/core/chat/turn_events.h"

namespace ponder::gui {

class EventCoalescer {
  public:
    explicit EventCoalescer(int intervalMs = 16) : intervalMs_(intervalMs) { clock_.start(); }

    void push(core::TurnEvent event);

    // True when a batch should be sent now: events are pending and either the interval has
    // passed since the last batch or a non-text event is waiting (those are rare and the UI
    // should see them at once).
    bool due() const;

    // The pending events, oldest first; restarts the interval.
    QList<core::TurnEvent> take();

    bool empty() const { return pending_.isEmpty(); }

  private:
    int intervalMs_;
    QElapsedTimer clock_;
    QList<core::TurnEvent> pending_;
    bool structural_ = false;
};

}  // namespace ponder::gui

Q_DECLARE_METATYPE(ponder::core::TurnEvent)
