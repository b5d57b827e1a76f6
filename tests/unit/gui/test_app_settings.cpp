#include <QtTest>

#include "app/gui/app_settings.h"

using ponder::gui::AppSettings;

class TestAppSettings : public QObject {
    Q_OBJECT
  private slots:
    void defaults() {
        QTemporaryDir dir;
        AppSettings settings(dir.filePath("p.ini"), nullptr);
        QCOMPARE(settings.theme(), QString("system"));
        QCOMPARE(settings.reasoningDisplay(), QString("collapsed"));
        QCOMPARE(settings.fontSize(), 11);
        QCOMPARE(settings.contextLength(), 8192);
        QVERIFY(settings.lastConversationId().isEmpty());
    }
    void persistsAcrossInstances() {
        QTemporaryDir dir;
        {
            AppSettings settings(dir.filePath("p.ini"), nullptr);
            QSignalSpy themeSpy(&settings, &AppSettings::themeChanged);
            settings.setTheme("dark");
            settings.setTheme("dark");  // unchanged: no second signal
            QCOMPARE(themeSpy.count(), 1);
            settings.setFontSize(14);
            settings.setReasoningDisplay("hidden");
            settings.setWindowGeometry(QRect(10, 20, 900, 700));
            settings.setLastConversationId("abc");
        }
        AppSettings reopened(dir.filePath("p.ini"), nullptr);
        QCOMPARE(reopened.theme(), QString("dark"));
        QCOMPARE(reopened.fontSize(), 14);
        QCOMPARE(reopened.reasoningDisplay(), QString("hidden"));
        QCOMPARE(reopened.windowGeometry(), QRect(10, 20, 900, 700));
        QCOMPARE(reopened.lastConversationId(), QString("abc"));
    }
    void rejectsAndClampsBadValues() {
        QTemporaryDir dir;
        {
            QSettings raw(dir.filePath("p.ini"), QSettings::IniFormat);
            raw.setValue("ui/theme", "purple");
            raw.setValue("ui/fontSize", 400);
            raw.setValue("ui/reasoningDisplay", 3);
        }
        AppSettings settings(dir.filePath("p.ini"), nullptr);
        QCOMPARE(settings.theme(), QString("system"));
        QCOMPARE(settings.fontSize(), 32);
        QCOMPARE(settings.reasoningDisplay(), QString("collapsed"));
        settings.setTheme("purple");
        QCOMPARE(settings.theme(), QString("system"));
        settings.setFontSize(2);
        QCOMPARE(settings.fontSize(), 8);
    }
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "test_app_settings.moc"
