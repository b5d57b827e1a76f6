#include "app/gui/event_coalescer.h"

namespace ponder::gui {

void EventCoalescer::push(core::TurnEvent event) {
    using Kind = core::TurnEvent::Kind;
    if (event.kind == Kind::text_delta && !pending_.isEmpty()) {
        core::TurnEvent& last = pending_.last();
        if (last.kind == Kind::text_delta && last.message_id == event.message_id) {
            last.text += event.text;
            return;
        }
    }
    if (event.kind != Kind::text_delta) structural_ = true;
    pending_.append(std::move(event));
}

bool EventCoalescer::due() const {
    if (pending_.isEmpty()) return false;
    return structural_ || clock_.elapsed() >= intervalMs_;
}

QList<core::TurnEvent> EventCoalescer::take() {
    QList<core::TurnEvent> batch;
    batch.swap(pending_);
    structural_ = false;
    clock_.restart();
    return batch;
}

}  // namespace ponder::gui
