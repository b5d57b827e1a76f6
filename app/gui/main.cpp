// The Ponder desktop app: builds the objects, loads the QML UI, and nothing else
// (docs/architecture.md §6).
#include <QtQml/qqmlextensionplugin.h>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>

#include <cstdio>

#include "app/core/data_paths.h"
#include "app/core/version.h"
#include "app/gui/app_settings.h"
#include "app/gui/chat_controller.h"
#include "app/gui/screenshot.h"
#include "app/gui/scripted_run.h"

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(PonderGuiPlugin)

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Ponder"));
    QGuiApplication::setOrganizationName(QStringLiteral("Ponder"));
    QGuiApplication::setApplicationVersion(QString::fromLatin1(ponder::core::version_string()));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.ponder.Ponder"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Offline desktop chat for gpt-oss models"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the window offscreen into <file> (PNG) and quit."),
        QStringLiteral("file"));
    parser.addOption(screenshotOption);
    QCommandLineOption conversationOption(
        QStringLiteral("conversation"),
        QStringLiteral("Open conversation <id> (with --screenshot)."), QStringLiteral("id"));
    parser.addOption(conversationOption);
    QCommandLineOption databaseOption(QStringLiteral("db"),
                                      QStringLiteral("Use the history database <file>."),
                                      QStringLiteral("file"));
    parser.addOption(databaseOption);
    QCommandLineOption modelOption(QStringLiteral("model"),
                                   QStringLiteral("Open with the model in folder <dir>."),
                                   QStringLiteral("dir"));
    parser.addOption(modelOption);
    QCommandLineOption sendOption(
        QStringLiteral("send"),
        QStringLiteral("With --screenshot: send <text> (repeatable), wait for each answer, then "
                       "take the screenshot."),
        QStringLiteral("text"));
    parser.addOption(sendOption);
    parser.process(app);

    // Fusion looks the same everywhere and supports light/dark palettes.
    QQuickStyle::setStyle(QStringLiteral("Fusion"));

    ponder::gui::AppSettings settings;
    QString database = parser.value(databaseOption);
    if (database.isEmpty()) database = settings.databasePath();
    if (database.isEmpty())
        database = QString::fromStdString(ponder::core::default_database_path().string());
    ponder::gui::ChatController chat(&settings, database);
    if (parser.isSet(conversationOption))
        settings.setLastConversationId(parser.value(conversationOption));
    if (parser.isSet(modelOption))
        settings.setModelFolder(QFileInfo(parser.value(modelOption)).absoluteFilePath());

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.setInitialProperties({{QStringLiteral("settings"), QVariant::fromValue(&settings)},
                                 {QStringLiteral("chat"), QVariant::fromValue(&chat)}});
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Ponder/Main.qml")));
    if (engine.rootObjects().isEmpty()) {
        std::fprintf(stderr, "ponder: the user interface failed to load\n");
        return 1;
    }

    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
    if (parser.isSet(screenshotOption)) {
        if (window == nullptr) return 1;
        if (parser.isSet(sendOption)) {
            ponder::gui::startScriptedRun(&chat, window, parser.values(sendOption),
                                          parser.value(screenshotOption));
        } else {
            ponder::gui::saveScreenshotWhenRendered(window, parser.value(screenshotOption));
        }
    }
    return app.exec();
}
