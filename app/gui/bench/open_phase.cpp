#include "app/gui/bench/open_phase.h"

#include <QElapsedTimer>

namespace ponder::gui::bench {
namespace {

constexpr int kFrameTimeoutMs = 30000;

std::vector<double> timeStorage(const QString& database, const std::string& id, int repeats,
                                QString& error) {
    std::vector<double> samples;
    auto store = core::HistoryStore::open(database.toStdString(), {.recover_interrupted = false});
    if (!store) {
        error = QString::fromStdString(store.status().message());
        return samples;
    }
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer clock;
        clock.start();
        auto record = (*store)->load_conversation(id);
        samples.push_back(clock.nsecsElapsed() / 1e6);
        if (!record) error = QString::fromStdString(record.status().message());
    }
    return samples;
}

}  // namespace

OpenResult runOpenPhase(BenchApp& app, const BenchHistory& history, const QString& database,
                        int repeats) {
    OpenResult result;
    result.storageMs = timeStorage(database, history.longId, repeats, result.error);
    if (!result.error.isEmpty()) return result;

    ChatController& chat = app.chat();
    QQuickItem* list = app.messageList();
    const QString longId = QString::fromStdString(history.longId);

    // Looked at as each frame ends: the first frame with the long conversation's rows, and the
    // first one scrolled to its end (ChatView scrolls there once the rows are in).
    QElapsedTimer clock;
    double firstFrame = -1, shown = -1, top = -1;
    bool opening = false, scrolling = false;
    auto rowsIn = [&] {
        return list->property("count").toInt() > 0 &&
               list->property("count").toInt() == chat.messages()->rowCount();
    };
    QObject context;
    QObject::connect(
        app.window(), &QQuickWindow::afterFrameEnd, &context,
        [&] {
            const double now = clock.nsecsElapsed() / 1e6;
            if (opening && firstFrame < 0 && rowsIn()) firstFrame = now;
            if (opening && shown < 0 && rowsIn() && list->property("atYEnd").toBool()) shown = now;
            if (scrolling && top < 0 && list->property("atYBeginning").toBool()) top = now;
        },
        Qt::DirectConnection);

    for (int i = 0; i < repeats; ++i) {
        const auto& small = history.smallIds[static_cast<size_t>(i) % history.smallIds.size()];
        chat.openConversation(QString::fromStdString(small));
        waitForQuiet(app, 200, kFrameTimeoutMs);

        firstFrame = shown = -1;
        opening = true;
        clock.start();
        chat.openConversation(longId);
        result.callMs.push_back(clock.nsecsElapsed() / 1e6);
        const bool seen = waitUntil([&] { return shown >= 0; }, kFrameTimeoutMs);
        opening = false;
        if (!seen) {
            result.error = QStringLiteral("the long conversation never showed its last message");
            return result;
        }
        result.firstFrameMs.push_back(firstFrame);
        result.shownMs.push_back(shown);
        result.rows = chat.messages()->rowCount();
        waitForQuiet(app, 200, kFrameTimeoutMs);

        top = -1;
        scrolling = true;
        clock.start();
        QMetaObject::invokeMethod(list, "positionViewAtBeginning");
        const bool scrolled = waitUntil([&] { return top >= 0; }, kFrameTimeoutMs);
        scrolling = false;
        if (!scrolled) {
            result.error = QStringLiteral("scrolling to the top never showed the first message");
            return result;
        }
        result.scrollTopMs.push_back(top);
    }
    return result;
}

}  // namespace ponder::gui::bench
