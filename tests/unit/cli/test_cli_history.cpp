// `ponder-cli history ...` as a program: output, files written, exit codes and error messages.
#include <QtTest>

#include <unistd.h>

#include <QProcess>
#include <QTemporaryDir>
#include <nlohmann/json.hpp>

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

QByteArray read_bytes(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
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
        // The same file, but for the tools: an import grants none beyond a new conversation's.
        auto expected = nlohmann::ordered_json::parse(read_text(all).toStdString());
        for (auto& conversation : expected["conversations"])
            conversation["enabled_tools"] = {"calculator", "current_time"};
        QCOMPARE(nlohmann::ordered_json::parse(read_text(again).toStdString()), expected);
    }

    // Issue 17, defect 1: `export --out H --db H` replaced the history with the export. Every
    // name for the open database or its companions, and any other SQLite file, is refused with
    // nothing written; the history still holds its conversations afterwards.
    void exportNeverWritesOverADatabase() {
        QDir(dir_.path()).mkpath("sub");
        const QString symlink = dir_.filePath("history-link.sqlite3");
        const QString hardlink = dir_.filePath("history-hardlink.sqlite3");
        QVERIFY(QFile::link(db_, symlink));
        QVERIFY(::link(QFile::encodeName(db_).constData(),
                       QFile::encodeName(hardlink).constData()) == 0);
        const QString other_db = dir_.filePath("someone-elses.sqlite3");
        {
            auto other = HistoryStore::open(other_db.toStdString());
            QVERIFY(other.ok());
            QVERIFY((*other)->create_conversation("Not to be lost").ok());
        }
        const QByteArray other_bytes = read_bytes(other_db);
        QVERIFY(other_bytes.startsWith(QByteArray("SQLite format 3\0", 16)));

        const QList<QStringList> exports = {
            {"export", id_, "--format", "html"},
            {"export", "--all", "--format", "json"},
            {"export", "--all", "--format", "md"},
        };
        const QStringList targets = {
            db_,                                      // the file itself
            dir_.filePath("sub/../history.sqlite3"),  // another spelling of it
            symlink,                                  // a symlink to it
            hardlink,                                 // a second name of the same inode
            db_ + "-wal",                             // its write-ahead log
            db_ + "-shm",                             // its shared-memory index
            db_ + "-journal",                         // its rollback journal (not there now)
            other_db,                                 // any other SQLite database
            other_db + "-wal",                        // ... or its companions' names
        };
        for (const QStringList& command : exports) {
            for (const QString& target : targets) {
                Run run = history(QStringList(command) << "--out" << target);
                const QString why = command.join(' ') + " --out " + target + ": " + run.err;
                QVERIFY2(run.exit_code == 1, qPrintable(why));
                QVERIFY2(run.err.contains("nothing was written"), qPrintable(why));
                QVERIFY2(!run.err.contains("exported"), qPrintable(why));
                Run list = history({"list"});
                QVERIFY2(list.exit_code == 0 && list.out.contains(id_), qPrintable(why));
                QCOMPARE(read_bytes(other_db), other_bytes);
                QVERIFY(!QFile::exists(other_db + "-wal"));
                QVERIFY(!QFile::exists(db_ + "-journal"));
            }
        }
        Run mine = history({"export", id_, "--format", "html", "--out", db_});
        QVERIFY2(mine.err.contains("is the open history database"), qPrintable(mine.err));
        Run other = history({"export", id_, "--format", "html", "--out", other_db});
        QVERIFY2(other.err.contains("is an SQLite database"), qPrintable(other.err));
        Run folder = history({"export", id_, "--format", "html", "--out", dir_.path()});
        QCOMPARE(folder.exit_code, 1);
        QVERIFY2(folder.err.contains("is a folder"), qPrintable(folder.err));
        // No temporary file is left behind by a refused or a finished export.
        const QString html = dir_.filePath("fine.html");
        QCOMPARE(history({"export", id_, "--format", "html", "--out", html}).exit_code, 0);
        QVERIFY(read_text(html).contains("Antarctica"));
        QVERIFY(QDir(dir_.path()).entryList({"*.part"}, QDir::Files).isEmpty());
    }

    // The other commands that write a file a person names refuse a database the same way.
    void logitsAndMakeModelNeverWriteOverADatabase() {
        const QByteArray before = read_bytes(db_);
        Run logits = run_cli(
            {"logits", "--model", "/nonexistent", "--tokens-file", "/dev/null", "--out", db_});
        QCOMPARE(logits.exit_code, 2);
        QVERIFY2(logits.err.contains("is an SQLite database"), qPrintable(logits.err));
        QCOMPARE(read_bytes(db_), before);

        const QString model = dir_.filePath("model");
        QDir(dir_.path()).mkpath("model");
        QVERIFY(QFile::link(db_, model + "/generation_config.json"));
        Run made = run_cli({"make-model", "--preset", "tiny", "--out", model});
        QCOMPARE(made.exit_code, 1);
        QVERIFY2(made.err.contains("is an SQLite database"), qPrintable(made.err));
        QCOMPARE(read_bytes(db_), before);
        QVERIFY(history({"list"}).out.contains(id_));
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
