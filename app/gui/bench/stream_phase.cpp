#include "app/gui/bench/stream_phase.h"

#include "app/gui/bench/bench_text.h"
#include "app/gui/bench/loop_latency_probe.h"

namespace ponder::gui::bench {

StreamResult runStreamPhase(BenchApp& app, PacedTokenSource& source, const Tokenizer& tokenizer,
                            const QString& modelName, int timeoutMs) {
    StreamResult result;
    ChatController& chat = app.chat();
    chat.useTokenSource(source, tokenizer, modelName);
    waitForQuiet(app, 200, 5000);

    // Each coalesced batch the worker sends changes the list once (dataChanged on the answer's
    // row, or rows inserted when a message starts): counting changes counts batches.
    MessageListModel* messages = chat.messages();
    QObject context;
    auto count = [&] { ++result.modelUpdates; };
    QObject::connect(messages, &QAbstractItemModel::dataChanged, &context, count);
    QObject::connect(messages, &QAbstractItemModel::rowsInserted, &context, count);
    QObject::connect(messages, &QAbstractItemModel::rowsRemoved, &context, count);
    QString state;
    QObject::connect(&chat, &ChatController::turnCompleted, &context,
                     [&](const QString&, const QString& s) { state = s; });

    LoopLatencyProbe probe;
    app.frames().start();
    probe.start();
    chat.send(QString::fromStdString(benchQuestion()));
    const bool finished = waitUntil([&] { return !state.isEmpty(); }, timeoutMs);
    result.streamMs = app.frames().elapsedMs();
    // After the turn the controller reloads the stored rows; that frame belongs to the run.
    waitForQuiet(app, 300, 10000);
    probe.stop();
    app.frames().stop();

    result.frames = app.frames().frames();
    result.latenessMs = probe.latenessMs();
    result.tokens = source.producedTokens();
    result.tokenRate = source.achievedRate();
    if (!finished) {
        result.error =
            QStringLiteral("the answer did not finish within %1 s").arg(timeoutMs / 1000);
    } else if (state != QLatin1String("complete")) {
        result.error = QStringLiteral("the turn ended %1").arg(state);
    }
    const int last = messages->rowCount() - 1;
    if (last >= 0) {
        const QModelIndex index = messages->index(last);
        result.answerChars =
            static_cast<int>(messages->data(index, MessageListModel::TextRole).toString().size());
        result.reasoningChars = static_cast<int>(
            messages->data(index, MessageListModel::ReasoningRole).toString().size());
    }
    if (result.error.isEmpty() && (result.answerChars == 0 || result.reasoningChars == 0))
        result.error = QStringLiteral("the view does not show the answer and its reasoning");
    // The view followed the answer: its end (the footer) is on screen.
    if (result.error.isEmpty() && !app.messageList()->property("atYEnd").toBool())
        result.error = QStringLiteral("the view is not at the end of the answer");
    return result;
}

}  // namespace ponder::gui::bench
