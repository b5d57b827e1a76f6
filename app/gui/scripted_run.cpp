#include "app/gui/scripted_run.h"

#include <QCoreApplication>
#include <QTimer>
#include <cstdio>

#include "app/gui/chat_controller.h"
#include "app/gui/screenshot.h"

namespace ponder::gui {

void startScriptedRun(ChatController* chat, QQuickWindow* window, const QStringList& messages,
                      const QString& screenshot, int timeoutMs) {
    auto* pending = new QStringList(messages);
    auto sendNext = [chat, window, screenshot, pending] {
        if (pending->isEmpty()) {
            delete pending;
            saveScreenshotWhenRendered(window, screenshot);
            return;
        }
        chat->send(pending->takeFirst());
    };
    auto ready = [chat] { return chat->modelState() == QLatin1String("ready"); };

    QObject::connect(chat, &ChatController::modelChanged, chat, [chat, ready, sendNext] {
        if (chat->modelState() == QLatin1String("error")) {
            std::fprintf(stderr, "ponder: the model could not be loaded: %s\n",
                         qPrintable(chat->modelError()));
            QCoreApplication::exit(1);
        } else if (ready() && !chat->generating()) {
            sendNext();
        }
    });
    QObject::connect(chat, &ChatController::turnCompleted, chat,
                     [sendNext](const QString&, const QString& state) {
                         if (state == QLatin1String("error")) {
                             std::fprintf(stderr, "ponder: the turn ended in an error\n");
                             QCoreApplication::exit(1);
                             return;
                         }
                         // Let the final events paint before the next step.
                         QTimer::singleShot(50, sendNext);
                     });
    QObject::connect(chat, &ChatController::approvalChanged, chat, [chat] {
        if (chat->waitingForApproval()) chat->answerToolCall(chat->waitingCallId(), "once");
    });
    if (ready()) QTimer::singleShot(0, chat, sendNext);
    QTimer::singleShot(timeoutMs, chat, [timeoutMs] {
        std::fprintf(stderr, "ponder: the scripted run did not finish within %d ms\n", timeoutMs);
        QCoreApplication::exit(2);
    });
}

}  // namespace ponder::gui
