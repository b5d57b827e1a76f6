// End to end: the real `ponder` binary opens its Qt Quick window headless and renders it.
#include <QImage>
#include <QtTest>

class TestAppWindow : public QObject {
    Q_OBJECT
  private slots:
    void screenshotOfTheRealWindow() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = dir.filePath("window.png");
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_DATA_HOME", dir.filePath("data"));
        app.setProcessEnvironment(env);
        app.start(QString(PONDER_BINARY_DIR) + "/ponder", {"--screenshot", png});
        QVERIFY(app.waitForFinished(60000));
        QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());

        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 640);
        QVERIFY(image.height() >= 420);
        // A rendered window has text and panes, not one flat colour.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 3, "the screenshot is blank");
    }
    void versionFlag() {
        QProcess app;
        app.start(QString(PONDER_BINARY_DIR) + "/ponder", {"--version"});
        QVERIFY(app.waitForFinished(30000));
        QCOMPARE(app.exitCode(), 0);
        QVERIFY(QString::fromUtf8(app.readAllStandardOutput()).contains("Ponder"));
    }
};

QTEST_GUILESS_MAIN(TestAppWindow)
#include "test_app_window.moc"
