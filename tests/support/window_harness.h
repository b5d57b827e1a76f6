// The real window (Main.qml) on the real ChatController, worker thread and SQLite history, in a
// fresh temporary home: what a first-time user meets. The window starts the demo model the way
// the app does; turns that need a particular answer (reasoning, a tool call) switch the worker
// to scripted tokens through the real tokenizer, harmony renderer and parser.
#pragma once

#include <QtQml/qqmlextensionplugin.h>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QtTest>
#include <functional>
#include <memory>
#include <optional>

#include "app/gui/app_settings.h"
#include "app/gui/chat_controller.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "tests/support/scripted_token_source.h"

namespace ponder::test {

constexpr int kWindowTurnTimeoutMs = 30000;
constexpr int kModelLoadTimeoutMs = 120000;

// What gpt-oss writes for an answer that reasons first (after "<|start|>assistant").
inline std::string reasonedAnswer(const std::string& reasoning, const std::string& text) {
    return "<|channel|>analysis<|message|>" + reasoning + "<|end|><|start|>assistant" +
           "<|channel|>final<|message|>" + text + "<|return|>";
}
// ...and one that calls a function tool after thinking.
inline std::string toolCall(const std::string& tool, const std::string& arguments) {
    return "<|channel|>analysis<|message|>Use the tool.<|end|><|start|>assistant"
           "<|channel|>commentary to=functions." +
           tool + " <|constrain|>json<|message|>" + arguments + "<|call|>";
}
inline std::string finalAnswer(const std::string& text) {
    return "<|channel|>final<|message|>" + text + "<|return|>";
}

// The first visible item named `name` below `item` (delegates are items, not QObject children).
inline QQuickItem* findVisible(QQuickItem* item, const QString& name) {
    if (item == nullptr || !item->isVisible()) return nullptr;
    if (item->objectName() == name) return item;
    for (QQuickItem* child : item->childItems())
        if (QQuickItem* found = findVisible(child, name)) return found;
    return nullptr;
}

// Types `text` into the window key by key, as a person does (QTest::keyClicks is for widgets).
inline void typeText(QWindow* window, const QString& text) {
    for (QChar c : text)
        QTest::keyClick(window, c.toLatin1());
}

// Every visible item named `name` below `item`.
inline void findAllVisible(QQuickItem* item, const QString& name, QList<QQuickItem*>& found) {
    if (item == nullptr || !item->isVisible()) return;
    if (item->objectName() == name) found.append(item);
    for (QQuickItem* child : item->childItems())
        findAllVisible(child, name, found);
}

struct WindowApp {
    QTemporaryDir dir;
    std::optional<Tokenizer> tokenizer;
    std::unique_ptr<gui::AppSettings> settings;
    std::unique_ptr<ScriptedTokenSource> source;
    std::unique_ptr<gui::ChatController> chat;
    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow* window = nullptr;

    // `prepare` adjusts the settings before the window opens (theme, font size).
    explicit WindowApp(const std::function<void(gui::AppSettings&)>& prepare = {}) {
        // Exports default to Documents, else home: both inside the temporary folder.
        qputenv("HOME", dir.filePath("home").toUtf8());
        qputenv("XDG_CONFIG_HOME", dir.filePath("config").toUtf8());
        QDir().mkpath(dir.filePath("home"));
        auto loaded = load_o200k_harmony();
        if (!loaded) qFatal("no tokenizer: %s", loaded.status().message().c_str());
        tokenizer.emplace(std::move(*loaded));
        settings = std::make_unique<gui::AppSettings>(dir.filePath("settings.ini"), nullptr);
        if (prepare) prepare(*settings);
        source = std::make_unique<ScriptedTokenSource>(*tokenizer, 8192);
        chat =
            std::make_unique<gui::ChatController>(settings.get(), dir.filePath("history.sqlite3"));
    }
    ~WindowApp() {
        engine.reset();  // the window goes before the objects it shows
        chat.reset();
    }

    // Opens Main.qml as the app does and waits until the demo model has loaded (or failed).
    bool open(QSize size = QSize(1100, 720)) {
        static const bool styled = [] {
            QQuickStyle::setStyle(QStringLiteral("Fusion"));  // once, before any Controls load
            return true;
        }();
        (void)styled;
        engine = std::make_unique<QQmlApplicationEngine>();
        engine->addImportPath(QStringLiteral("qrc:/"));
        engine->setInitialProperties({{"settings", QVariant::fromValue(settings.get())},
                                      {"chat", QVariant::fromValue(chat.get())}});
        engine->load(QUrl(QStringLiteral("qrc:/Ponder/Main.qml")));
        if (engine->rootObjects().isEmpty()) return false;
        window = qobject_cast<QQuickWindow*>(engine->rootObjects().constFirst());
        if (window == nullptr) return false;
        window->resize(size);
        if (!QTest::qWaitForWindowExposed(window)) return false;
        QElapsedTimer waited;
        waited.start();
        while (chat->modelState() == QLatin1String("loading") &&
               waited.elapsed() < kModelLoadTimeoutMs)
            QTest::qWait(20);
        return chat->modelState() != QLatin1String("loading");
    }

    // From here on, answers come from `source`'s script.
    void useScript() { chat->useTokenSource(*source, *tokenizer, QStringLiteral("scripted")); }

    // Sends `text` and waits for the turn's end; returns its state.
    QString sendAndWait(const QString& text) {
        QSignalSpy done(chat.get(), &gui::ChatController::turnCompleted);
        chat->send(text);
        if (!done.wait(kWindowTurnTimeoutMs) && done.isEmpty()) return QStringLiteral("(timeout)");
        return done.first().at(1).toString();
    }

    QQuickItem* find(const QString& name) const { return findVisible(window->contentItem(), name); }

    // Lets the window lay out and paint what changed.
    void settle() {
        for (int i = 0; i < 3; ++i) {
            window->update();
            QTest::qWait(30);
        }
    }
};

}  // namespace ponder::test
