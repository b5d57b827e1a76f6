#include "app/gui/bench/bench_app.h"

#include <QEventLoop>
#include <QTimer>

namespace ponder::gui::bench {
namespace {

// The first visible item named `name` below `item` (delegates are items, not QObject children).
QQuickItem* findItem(QQuickItem* item, const QString& name) {
    if (item->objectName() == name && item->isVisible()) return item;
    for (QQuickItem* child : item->childItems())
        if (QQuickItem* found = findItem(child, name)) return found;
    return nullptr;
}

}  // namespace

BenchApp::BenchApp(const QString& database)
    : chat_(std::make_unique<ChatController>(&settings_, database)),
      engine_(std::make_unique<QQmlApplicationEngine>()) {
    engine_->addImportPath(QStringLiteral("qrc:/"));
    engine_->setInitialProperties({{QStringLiteral("settings"), QVariant::fromValue(&settings_)},
                                   {QStringLiteral("chat"), QVariant::fromValue(chat_.get())}});
    engine_->load(QUrl(QStringLiteral("qrc:/Ponder/Main.qml")));
    if (engine_->rootObjects().isEmpty()) return;
    window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().constFirst());
    if (window_ == nullptr) return;
    frames_ = new FrameMeter(window_);
    messageList_ = findItem(window_->contentItem(), QStringLiteral("messageList"));
}

BenchApp::~BenchApp() {
    engine_.reset();
    chat_.reset();
}

bool waitUntil(const std::function<bool()>& done, int timeoutMs) {
    if (done()) return true;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    // A poll rather than signals: what the phases wait for (a property, a frame, quiet) has no
    // single signal. 2 ms keeps the added wake-ups negligible next to a 16 ms frame.
    QTimer poll;
    poll.setInterval(2);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || clock.elapsed() > timeoutMs) loop.quit();
    });
    poll.start();
    loop.exec();
    return done();
}

bool waitForQuiet(BenchApp& app, int quietMs, int timeoutMs) {
    return waitUntil([&] { return app.frames().sinceLastFrameMs() >= quietMs; }, timeoutMs);
}

}  // namespace ponder::gui::bench
