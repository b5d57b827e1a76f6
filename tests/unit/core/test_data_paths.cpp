#include <QtTest>

#include "app/core/data_paths.h"

class TestDataPaths : public QObject {
    Q_OBJECT
  private slots:
    void followsXdgDataHome() {
        qputenv("XDG_DATA_HOME", "/tmp/xdg-data");
        qunsetenv("PONDER_DB");
        QCOMPARE(QString::fromStdString(ponder::core::default_data_dir().string()),
                 QString("/tmp/xdg-data/ponder"));
        QCOMPARE(QString::fromStdString(ponder::core::default_database_path().string()),
                 QString("/tmp/xdg-data/ponder/history.sqlite3"));
    }
    void ignoresRelativeXdgDataHome() {
        qputenv("XDG_DATA_HOME", "relative/path");
        qputenv("HOME", "/home/someone");
        QCOMPARE(QString::fromStdString(ponder::core::default_data_dir().string()),
                 QString("/home/someone/.local/share/ponder"));
    }
    void ponderDbOverrides() {
        qputenv("PONDER_DB", "/tmp/custom.sqlite3");
        QCOMPARE(QString::fromStdString(ponder::core::default_database_path().string()),
                 QString("/tmp/custom.sqlite3"));
        qunsetenv("PONDER_DB");
    }
};

QTEST_APPLESS_MAIN(TestDataPaths)
#include "test_data_paths.moc"
