// The Ponder desktop app: builds the objects, loads the QML UI, and nothing else (design.md §6).
#include <QtQml/qqmlextensionplugin.h>
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>

#include <cstdio>

#include "app/core/version.h"
#include "app/gui/app_settings.h"
#include "app/gui/screenshot.h"

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
    parser.process(app);

    // Fusion looks the same everywhere and supports light/dark palettes.
    QQuickStyle::setStyle(QStringLiteral("Fusion"));

    ponder::gui::AppSettings settings;

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.setInitialProperties({{QStringLiteral("settings"), QVariant::fromValue(&settings)}});
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
        ponder::gui::saveScreenshotWhenRendered(window, parser.value(screenshotOption));
    }
    return app.exec();
}
