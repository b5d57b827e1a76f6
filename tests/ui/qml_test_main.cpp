// Qt Quick Test runner for the QML components in ui/ (the static "Ponder" module is linked in).
#include <QtQml/qqmlextensionplugin.h>
#include <QQmlEngine>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(PonderPlugin)

class Setup : public QObject {
    Q_OBJECT
  public slots:
    void qmlEngineAvailable(QQmlEngine* engine) { engine->addImportPath(QStringLiteral("qrc:/")); }
};

QUICK_TEST_MAIN_WITH_SETUP(ponder_qml, Setup)
#include "qml_test_main.moc"
