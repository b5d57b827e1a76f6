// A damaged history in the app (issue 17): the controller finds the damage in the background,
// says so in plain words (SQLite's words only in the details), writes nothing into the file,
// and "Copy what can be read" puts a salvaged history in its place, keeping the damaged file.
#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "app/gui/app_settings.h"
#include "app/gui/chat_controller.h"
#include "tests/unit/core/damaged_history.h"

using namespace ponder;
using damaged_history::hash_of;
using ponder::gui::ChatController;

class TestGuiDamagedHistory : public QObject {
    Q_OBJECT

  private slots:
    void damageIsShownInPlainWordsAndSalvaged() {
        QTemporaryDir dir;
        const QString database = dir.filePath("history.sqlite3");
        const auto h = damaged_history::write_history(database.toStdString());
        QVERIFY(!h.bravo.empty());
        QVERIFY(damaged_history::damage_bravo(database.toStdString()) >= 2);
        const QByteArray before = hash_of(database.toStdString());
        const QString alpha = QString::fromStdString(h.alpha);
        const QString bravo = QString::fromStdString(h.bravo);

        gui::AppSettings settings(dir.filePath("settings.ini"), nullptr);
        ChatController chat(&settings, database);
        QTRY_VERIFY_WITH_TIMEOUT(chat.historyDamaged(), 20000);
        const QString said = chat.historyError();
        QVERIFY2(said.contains("damaged") && said.contains("copy every conversation"),
                 qPrintable(said));
        for (const char* technical : {"SQLite", "SELECT", "malformed", "sqlite3"})
            QVERIFY2(!said.contains(technical), qPrintable(said));
        QVERIFY(!chat.noticeDetails().isEmpty());
        QVERIFY(!chat.composerDisabledReason().isEmpty());

        // What a user may still try: nothing reaches the file, and no raw error is shown.
        chat.newConversation();
        chat.renameConversation(alpha, QStringLiteral("Renamed"));
        chat.setPinned(alpha, true);
        QVERIFY2(!chat.notice().contains("SQLite") && !chat.notice().contains("SELECT"),
                 qPrintable(chat.notice()));
        QCOMPARE(hash_of(database.toStdString()), before);

        chat.salvageHistory();
        QTRY_VERIFY_WITH_TIMEOUT(!chat.salvaging(), 20000);
        QVERIFY2(!chat.historyDamaged() && chat.historyError().isEmpty(),
                 qPrintable(chat.historyError() + " / " + chat.notice()));
        QVERIFY2(chat.notice().contains("Copied 2 conversation") &&
                     chat.notice().contains("could not be read: " + bravo),
                 qPrintable(chat.notice()));
        QCOMPARE(chat.conversations()->rowCount(), 2);
        QVERIFY(!chat.composerDisabledReason().contains("damaged"));

        // The damaged file is kept, unchanged, beside the new history.
        const QStringList kept =
            QDir(dir.path()).entryList({QStringLiteral("history.sqlite3.damaged-*")}, QDir::Files);
        QVERIFY2(!kept.isEmpty(), qPrintable(QDir(dir.path()).entryList().join(", ")));
        const QString keptFile = dir.filePath(kept.filter(QRegularExpression("\\d$")).value(0));
        QCOMPARE(hash_of(keptFile.toStdString()), before);

        // The new history takes writes again.
        chat.renameConversation(alpha, QStringLiteral("Alpha, salvaged"));
        auto store = core::HistoryStore::open(database.toStdString());
        QVERIFY(store.ok());
        QCOMPARE((*store)->conversation(h.alpha)->title, std::string("Alpha, salvaged"));
        QCOMPARE(*(*store)->count_conversations(), std::int64_t(2));
    }
};

QTEST_MAIN(TestGuiDamagedHistory)
#include "test_gui_damaged_history.moc"
