// `ponder-cli history ...` as a program: output, files written, exit codes and error messages.
#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include "app/core/storage/history_store.h"

#include "tests/support/cli_process.h"
#include "tests/unit/core/damaged_history.h"

using namespace ponder::core;

namespace {

using cli_test::Run;
using cli_test::run_cli;

QString read_text(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(file.readAll());
}

}  // namespace

class TestCliHistory : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString db_;
    QString id_;

    Run history(QStringList arguments) {
        arguments.prepend("history");
        arguments << "--db" << db_;
        return run_cli(arguments);
    }

  private slots:
    void initTestCase() {
        db_ = dir_.filePath("history.sqlite3");
        auto store = HistoryStore::open(db_.toStdString());
        QVERIFY(store.ok());
        auto c = (*store)->create_conversation("Penguin facts");
        id_ = QString::fromStdString(c->id);
        NewMessage q;
        q.role = MessageRole::user;
        q.text = "Where do emperor penguins live?";
        auto question = (*store)->append_message(c->id, q);
        NewMessage a;
        a.parent = question->id;
        a.role = MessageRole::assistant;
        a.channel = "final";
        a.text = "In Antarctica, on the sea ice.";
        QVERIFY((*store)->append_message(c->id, a).ok());
        // Distinct timestamps: conversations updated in the same millisecond list in id order,
        // which an import renumbers, and the round trip below compares listing order.
        QThread::msleep(5);
        QVERIFY((*store)->create_conversation("Second").ok());
    }

    void listShowSearch() {
        Run list = history({"list"});
        QCOMPARE(list.exit_code, 0);
        QVERIFY2(list.out.contains(id_) && list.out.contains("Penguin facts"),
                 qPrintable(list.out));
        Run show = history({"show", id_});
        QCOMPARE(show.exit_code, 0);
        QVERIFY(show.out.startsWith("# Penguin facts"));
        QVERIFY(show.out.contains("In Antarctica, on the sea ice."));
        Run search = history({"search", "antarctica"});
        QCOMPARE(search.exit_code, 0);
        QVERIFY2(search.out.contains("[Antarctica]") && search.out.contains(id_),
                 qPrintable(search.out));
    }

    void exportAndImportRoundTrip() {
        const QString json = dir_.filePath("one.json");
        Run exported = history({"export", id_, "--format", "json", "--out", json});
        QCOMPARE(exported.exit_code, 0);
        QVERIFY(read_text(json).contains("\"format\": \"ponder.conversation\""));
        const QString all = dir_.filePath("all.json");
        QCOMPARE(history({"export", "--all", "--format", "json", "--out", all}).exit_code, 0);
        QVERIFY(read_text(all).contains("\"format\": \"ponder.history\""));
        for (const char* format : {"md", "html"}) {
            const QString file = dir_.filePath(QString("one.") + format);
            QCOMPARE(history({"export", id_, "--format", format, "--out", file}).exit_code, 0);
            QVERIFY(read_text(file).contains("Antarctica"));
        }
        Run stdout_export = history({"export", id_, "--format", "md", "--out", "-"});
        QVERIFY(stdout_export.out.contains("Antarctica"));

        const QString other_db = dir_.filePath("other.sqlite3");
        Run imported = run_cli({"history", "import", all, "--db", other_db});
        QCOMPARE(imported.exit_code, 0);
        QVERIFY2(imported.err.contains("imported 2 conversations"), qPrintable(imported.err));
        const QString again = dir_.filePath("again.json");
        QCOMPARE(run_cli({"history", "export", "--all", "--format", "json", "--out", again, "--db",
                          other_db})
                     .exit_code,
                 0);
        QCOMPARE(read_text(again), read_text(all));
    }

    void deleteRestorePurge() {
        QString id;
        {
            auto store = HistoryStore::open(db_.toStdString());
            QVERIFY(store.ok());
            id = QString::fromStdString((*store)->create_conversation("Doomed")->id);
        }
        Run deleted = history({"delete", id});
        QCOMPARE(deleted.exit_code, 0);
        QVERIFY(deleted.out.contains("history restore " + id));
        QVERIFY(!history({"list"}).out.contains(id));
        QVERIFY(history({"list", "--trash"}).out.contains(id));
        QCOMPARE(history({"restore", id}).exit_code, 0);
        QVERIFY(history({"list"}).out.contains(id));
        QCOMPARE(history({"delete", id, "--purge"}).exit_code, 0);
        QVERIFY(!history({"list", "--trash"}).out.contains(id));
    }

    void errorsAreClearAndExitNonZero() {
        Run unknown = history({"show", "no-such-id"});
        QCOMPARE(unknown.exit_code, 1);
        QVERIFY2(unknown.err.contains("no conversation with id 'no-such-id'"),
                 qPrintable(unknown.err));
        QCOMPARE(history({"export", id_, "--format", "pdf", "--out", "x"}).exit_code, 2);
        QCOMPARE(history({"export", id_, "--format", "json"}).exit_code, 2);
        QCOMPARE(history({"export", "--format", "json", "--out", "x"}).exit_code, 2);
        QCOMPARE(history({"frobnicate"}).exit_code, 2);
        QCOMPARE(run_cli({"history"}).exit_code, 2);
        QCOMPARE(history({"search"}).exit_code, 2);

        const QString bad = dir_.filePath("bad.json");
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"format": "ponder.conversation", "version": 1, "messages": [{"role": 5}]})");
        file.close();
        Run import = history({"import", bad});
        QCOMPARE(import.exit_code, 1);
        QVERIFY2(import.err.contains("$.messages[0].role"), qPrintable(import.err));

        const QString text = dir_.filePath("notes.txt");
        QFile notes(text);
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write(QByteArray("not a database\n").repeated(100));
        notes.close();
        Run not_db = run_cli({"history", "list", "--db", text});
        QCOMPARE(not_db.exit_code, 1);
        QVERIFY2(not_db.err.contains("not a Ponder history database"), qPrintable(not_db.err));

        Run bench = history({"bench"});  // never on an existing history
        QCOMPARE(bench.exit_code, 2);
        QVERIFY(bench.err.contains("already exists"));
    }

    // Issue 17: `chat` wrote a new conversation into a history damaged in the middle, and then
    // nothing could be shown, exported or salvaged.
    void damagedHistoryIsNeverWrittenAndCanBeSalvaged() {
        QTemporaryDir dir;
        const QString damaged = dir.filePath("damaged.sqlite3");
        const auto h = damaged_history::write_history(damaged.toStdString());
        QVERIFY(!h.bravo.empty());
        QVERIFY(damaged_history::damage_bravo(damaged.toStdString()) >= 2);
        const QByteArray before = damaged_history::hash_of(damaged.toStdString());

        Run chat = run_cli({"chat", "--model", QString(PONDER_SOURCE_DIR) + "/resources/demo-model",
                            "--db", damaged, "--new", "--prompt", "Hello", "--max-tokens", "8"});
        QCOMPARE(chat.exit_code, 1);
        QVERIFY2(chat.err.contains("history file is damaged") &&
                     chat.err.contains("nothing was changed") &&
                     chat.err.contains("ponder-cli history salvage --db " + damaged),
                 qPrintable(chat.err));
        QCOMPARE(damaged_history::hash_of(damaged.toStdString()), before);

        Run check = run_cli({"history", "check", "--db", damaged});
        QCOMPARE(check.exit_code, 1);
        QVERIFY2(check.err.contains("damaged"), qPrintable(check.err));
        const QString alpha = QString::fromStdString(h.alpha);
        const QString bravo = QString::fromStdString(h.bravo);
        Run show = run_cli({"history", "show", alpha, "--db", damaged});
        QCOMPARE(show.exit_code, 0);
        QVERIFY(show.out.contains("ALPHA-PAYLOAD"));
        Run lost = run_cli({"history", "show", bravo, "--db", damaged});
        QCOMPARE(lost.exit_code, 1);
        QVERIFY2(lost.err.contains("history salvage"), qPrintable(lost.err));

        const QString out = dir.filePath("salvaged.sqlite3");
        Run salvage = run_cli({"history", "salvage", "--db", damaged, "--out", out});
        QCOMPARE(salvage.exit_code, 0);
        QVERIFY2(salvage.out.contains("copied 2 conversations (16 messages)"),
                 qPrintable(salvage.out));
        QVERIFY2(salvage.out.contains("could not read 1 conversation:\n  " + bravo + "  Bravo"),
                 qPrintable(salvage.out));
        Run list = run_cli({"history", "list", "--db", out});
        QCOMPARE(list.exit_code, 0);
        QVERIFY(list.out.contains(alpha) && list.out.contains("Charlie"));
        QVERIFY(!list.out.contains(bravo));
        Run again = run_cli({"history", "salvage", "--db", damaged, "--out", out});
        QCOMPARE(again.exit_code, 1);
        QVERIFY2(again.err.contains("already exists"), qPrintable(again.err));
        QCOMPARE(damaged_history::hash_of(damaged.toStdString()), before);
    }

    void benchRunsOnATinyDatabase() {
        const QString db = dir_.filePath("bench.sqlite3");
        Run bench = run_cli({"history", "bench", "--db", db, "--conversations", "20", "--messages",
                             "400", "--long", "60", "--seconds", "0.2"});
        QCOMPARE(bench.exit_code, 0);
        for (const char* row : {"list conversations: first page", "search a rare word",
                                "open the 60-message conversation", "store time / generation time",
                                "purge one conversation"}) {
            QVERIFY2(bench.out.contains(row), qPrintable(bench.out));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliHistory)
#include "test_cli_history.moc"
