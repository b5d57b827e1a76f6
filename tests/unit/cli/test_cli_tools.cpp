// ponder-cli and the local tools: `tool` runs one tool by hand (or lists them), and `chat`
// stores the conversation's tools and shared folder from --tools/--files (and its context policy
// from --when-full) and checks its flags.
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "tests/support/cli_process.h"

namespace {

using cli_test::Run;
using cli_test::run_cli;

// The conversation `chat` created, as `history export` writes it.
nlohmann::json exported(const QString& db, const Run& chat) {
    const QString id = chat.err.section("conversation ", 1).section('\n', 0, 0).trimmed();
    Run out = run_cli({"history", "export", id, "--db", db, "--format", "json", "--out", "-"});
    return nlohmann::json::parse(out.out.toStdString(), nullptr, false);
}

}  // namespace

class TestCliTools : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

  private slots:
    void toolRunsOneToolByHand() {
        Run product = run_cli({"tool", "calculator", "--args", R"({"expression": "123 * 456"})"});
        QCOMPARE(product.exit_code, 0);
        QCOMPARE(product.out, QString("{\"result\": 56088}\n"));
        Run bad = run_cli({"tool", "calculator", "--args", R"({"expression": 12})"});
        QCOMPARE(bad.exit_code, 1);
        QVERIFY2(bad.err.contains("invalid arguments: $.expression: expected a string"),
                 qPrintable(bad.err));
        Run garbage = run_cli({"tool", "calculator", "--args", R"({"expression": "2 +"})"});
        QCOMPARE(garbage.exit_code, 1);
        QVERIFY(garbage.err.contains("the expression ends too early"));
        QCOMPARE(run_cli({"tool", "frobnicate"}).exit_code, 2);
    }

    void fileToolsStayInTheirFolder() {
        const QString shared = dir_.filePath("shared");
        QVERIFY(QDir().mkpath(shared));
        QFile note(shared + "/note.txt");
        QVERIFY(note.open(QIODevice::WriteOnly));
        note.write("remember the fjord\n");
        note.close();
        Run read =
            run_cli({"tool", "read_file", "--files", shared, "--args", R"({"path": "note.txt"})"});
        QCOMPARE(read.exit_code, 0);
        QCOMPARE(read.out, QString("remember the fjord\n"));
        Run escape = run_cli({"tool", "read_file", "--files", shared, "--args",
                              R"({"path": "../../../etc/passwd"})"});
        QCOMPARE(escape.exit_code, 1);
        QVERIFY(escape.err.contains("leads outside the shared folder"));
        Run nowhere = run_cli({"tool", "read_file", "--args", R"({"path": "note.txt"})"});
        QCOMPARE(nowhere.exit_code, 1);
        QVERIFY(nowhere.err.contains("no folder is shared"));
    }

    void toolListsWhatCanRun() {
        Run list = run_cli({"tool"});
        QCOMPARE(list.exit_code, 0);
        QVERIFY(list.out.contains(
            QRegularExpression("^calculator +available$", QRegularExpression::MultilineOption)));
        QVERIFY(list.out.contains(QRegularExpression("^python +(available|not available: .+)$",
                                                     QRegularExpression::MultilineOption)));
    }

    void chatStoresTheConversationsTools() {
        // Two tokens of the demo model are enough: the settings are stored with the message.
        const QString model = QString(PONDER_SOURCE_DIR) + "/resources/demo-model";
        const QString db = dir_.filePath("chat.sqlite3");
        Run chosen =
            run_cli({"chat", "--model", model, "--db", db, "--prompt", "hi", "--max-tokens", "2",
                     "--tools", "calculator,python", "--files", dir_.path()});
        QVERIFY2(chosen.err.contains("conversation "), qPrintable(chosen.err));
        const auto json = exported(db, chosen);
        QCOMPARE(json["enabled_tools"], nlohmann::json({"calculator", "python"}));
        QCOMPARE(QString::fromStdString(json["tool_folder"].get<std::string>()),
                 QFileInfo(dir_.path()).canonicalFilePath());

        Run defaults = run_cli({"chat", "--model", model, "--db", db, "--prompt", "hi",
                                "--max-tokens", "2", "--files", dir_.path()});
        QCOMPARE(exported(db, defaults)["enabled_tools"],
                 nlohmann::json({"calculator", "current_time", "read_file", "search_files"}));

        for (const QStringList& flags :
             {QStringList{"--tools", "calculator,bogus"}, QStringList{"--approve", "maybe"},
              QStringList{"--files", dir_.filePath("missing")}}) {
            Run bad = run_cli(QStringList{"chat", "--model", model, "--db", db, "--prompt", "hi"} +
                              flags);
            QCOMPARE(bad.exit_code, 2);
        }
    }

    void chatStoresTheContextPolicy() {
        const QString model = QString(PONDER_SOURCE_DIR) + "/resources/demo-model";
        const QString db = dir_.filePath("policy.sqlite3");
        Run fresh = run_cli({"chat", "--model", model, "--db", db, "--prompt", "hi",
                             "--max-tokens", "2", "--tools", "none"});
        QCOMPARE(exported(db, fresh)["context_policy"], nlohmann::json("error"));
        Run drop = run_cli({"chat", "--model", model, "--db", db, "--prompt", "hi",
                            "--max-tokens", "2", "--tools", "none", "--when-full", "drop-oldest"});
        QCOMPARE(exported(db, drop)["context_policy"], nlohmann::json("drop_oldest"));
        Run bad = run_cli({"chat", "--model", model, "--db", db, "--prompt", "hi", "--when-full",
                           "truncate"});
        QCOMPARE(bad.exit_code, 2);
        QVERIFY2(bad.err.contains("--when-full must be error or drop-oldest"), qPrintable(bad.err));
    }
};

QTEST_GUILESS_MAIN(TestCliTools)
#include "test_cli_tools.moc"
