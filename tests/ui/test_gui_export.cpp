// The app's export (the Export dialog calls ChatController::exportCurrent/exportAll, which the
// worker thread runs through app/core/export) refuses a destination that would replace the open
// history or any other SQLite database, as ponder-cli does (issue 17, defect 1), and still
// exports to an ordinary file. Real ChatController, worker thread and SQLite history.
#include <QSignalSpy>
#include <QtTest>

#include "app/core/storage/history_store.h"
#include "app/gui/app_settings.h"
#include "app/gui/chat_controller.h"

using namespace ponder;
using ponder::gui::ChatController;

namespace {

// Waits for the export's notice ("Exported to ..." or "Export failed: ...").
QString exportNotice(ChatController& chat, const std::function<void()>& start) {
    QSignalSpy notice(&chat, &ChatController::noticeChanged);
    start();
    while (notice.isEmpty() || !chat.notice().startsWith(QStringLiteral("Export"))) {
        if (!notice.wait(20000)) return QStringLiteral("(no notice)");
    }
    return chat.notice();
}

std::vector<std::string> conversationTitles(const QString& database) {
    auto store = core::HistoryStore::open(database.toStdString(), {.recover_interrupted = false});
    if (!store) return {store.status().message()};
    auto listed = (*store)->list_conversations({100, 0, false});
    if (!listed) return {listed.status().message()};
    std::vector<std::string> titles;
    for (const core::Conversation& c : *listed)
        titles.push_back(c.title);
    return titles;
}

}  // namespace

class TestGuiExport : public QObject {
    Q_OBJECT

  private slots:
    void exportDialogNeverWritesOverADatabase() {
        QTemporaryDir dir;
        const QString database = dir.filePath("history.sqlite3");
        {
            auto store = core::HistoryStore::open(database.toStdString());
            QVERIFY(store.ok());
            QVERIFY((*store)->create_conversation("Penguins").ok());
            QVERIFY((*store)->create_conversation("Fjords").ok());
        }
        const QString link = dir.filePath("looks-harmless.html");
        QVERIFY(QFile::link(database, link));
        gui::AppSettings settings(dir.filePath("settings.ini"), nullptr);
        auto chat = std::make_unique<ChatController>(&settings, database);

        for (const QString& format : {QStringLiteral("json"), QStringLiteral("html"),
                                      QStringLiteral("md"), QStringLiteral("pdf")}) {
            for (const QString& target : {database, QUrl::fromLocalFile(database).toString(), link,
                                          database + QStringLiteral("-wal")}) {
                const QString notice =
                    exportNotice(*chat, [&] { chat->exportAll(format, target); });
                const QString why = format + " " + target + ": " + notice;
                QVERIFY2(notice.startsWith(QStringLiteral("Export failed: ")), qPrintable(why));
                QVERIFY2(notice.contains(QStringLiteral("open history database")), qPrintable(why));
                QVERIFY2(notice.contains(QStringLiteral("nothing was written")), qPrintable(why));
            }
        }
        // The PDF is written to PATH.part first: a database there is refused as well.
        const QString report = dir.filePath("report.pdf");
        QVERIFY(QFile::copy(database, report + ".part"));
        const QString pdf = exportNotice(*chat, [&] { chat->exportAll("pdf", report); });
        QVERIFY2(pdf.contains(QStringLiteral("is an SQLite database")), qPrintable(pdf));
        QVERIFY(!QFile::exists(report));

        const QString good = dir.filePath("backup.json");
        const QString done = exportNotice(*chat, [&] { chat->exportAll("json", good); });
        QVERIFY2(done.startsWith(QStringLiteral("Exported to")), qPrintable(done));
        QFile backup(good);
        QVERIFY(backup.open(QIODevice::ReadOnly));
        QVERIFY(backup.readAll().contains("\"format\": \"ponder.history\""));
        chat.reset();

        const auto titles = conversationTitles(database);
        QCOMPARE(titles.size(), size_t(2));
        QVERIFY(std::find(titles.begin(), titles.end(), "Penguins") != titles.end());
        QVERIFY(QFileInfo(link).isSymLink());
    }
};

QTEST_GUILESS_MAIN(TestGuiExport)
#include "test_gui_export.moc"
