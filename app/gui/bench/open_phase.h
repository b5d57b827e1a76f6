// ponder-ui-bench, opening a long conversation: what a click on it in the sidebar costs, from
// the click (chat.openConversation, what the sidebar calls) to the frame that shows its last
// messages, next to what the storage alone takes to read it. Alternates with a small
// conversation so every open starts from another one, as a user's would.
#pragma once

#include <QString>
#include <vector>

#include "app/gui/bench/bench_app.h"
#include "app/gui/bench/bench_history.h"

namespace ponder::gui::bench {

struct OpenResult {
    QString error;                     // empty when every open was seen on screen
    int rows = 0;                      // rows of the long conversation in the view
    std::vector<double> storageMs;     // HistoryStore::load_conversation, a connection of ours
    std::vector<double> callMs;        // openConversation() itself (SQL, transcript, model reset)
    std::vector<double> firstFrameMs;  // click to the first frame with the new rows
    std::vector<double> shownMs;       // click to the first frame scrolled to the last message
    std::vector<double> scrollTopMs;   // positionViewAtBeginning() to its frame
};

// Opens `history`'s long conversation `repeats` times in the window of `app`, whose history
// file is `database`.
OpenResult runOpenPhase(BenchApp& app, const BenchHistory& history, const QString& database,
                        int repeats);

}  // namespace ponder::gui::bench
