// Issue 17, defect 2, as a user meets it: a conversation file that says its calculator calls were
// "approved_always" is imported with `ponder-cli history import`, and the next `ponder-cli chat
// --approve ask` in it must still ask before the calculator runs (the shipped demo model, greedy,
// really calls it). Before the fix the calculator ran without a question.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "tests/support/cli_process.h"

using Json = nlohmann::json;
using cli_test::Run;
using cli_test::run_cli;

namespace {

QString hostile(const QString& name) {
    return QString(PONDER_TEST_DATA_DIR) + "/hostile/conversations/" + name;
}

QString demo_model() {
    return QString(PONDER_SOURCE_DIR) + "/resources/demo-model";
}

// ponder-cli with `input` on stdin (a pipe, not a terminal: --approve ask reads it line by line).
Run run_with_input(const QStringList& arguments, const QByteArray& input) {
    QProcess process;
    process.start(QString(PONDER_BINARY_DIR) + "/ponder-cli", arguments);
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(180000);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

Json exported(const QString& db, const QString& id) {
    Run out = run_cli({"history", "export", id, "--db", db, "--format", "json", "--out", "-"});
    return Json::parse(out.out.toStdString(), nullptr, false);
}

}  // namespace

class TestCliImportPermissions : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

  private slots:
    void importedAlwaysStillAsks() {
        const QString db = dir_.filePath("history.sqlite3");
        Run imported =
            run_cli({"history", "import", hostile("approved-always-calculator.json"), "--db", db});
        QVERIFY2(imported.exit_code == 0, qPrintable(imported.err));
        const QString id = imported.out.section(' ', 0, 0).trimmed();
        QCOMPARE(id.size(), 36);
        const Json before = exported(db, id);
        QCOMPARE(before["enabled_tools"], Json({"calculator", "current_time"}));
        QVERIFY(before["tool_folder"].is_null());
        QCOMPARE(before["tool_calls"][0]["approval"], Json("approved_always"));  // as it was

        Run chat = run_with_input(
            {"chat", "--model", demo_model(), "--db", db, "--conversation", id, "--prompt",
             "What is 347 * 29?", "--approve", "ask", "--max-tokens", "400"},
            "n\n");
        QVERIFY2(chat.exit_code == 0, qPrintable(chat.err));
        QVERIFY2(chat.err.contains("Allow calculator with"), qPrintable(chat.err));

        const Json after = exported(db, id);
        const Json& calls = after["tool_calls"];
        QCOMPARE(calls.size(), before["tool_calls"].size() + 1);
        const Json& made = calls.back();
        QCOMPARE(made["tool"], Json("functions.calculator"));
        QCOMPARE(made["approval"], Json("denied"));
        QVERIFY(made["result"].is_null());
        // The imported record is unchanged.
        QCOMPARE(calls[0]["approval"], Json("approved_always"));
    }

    void everyHostileFileImportsWithoutPermissions() {
        for (const char* name :
             {"approved-always-calculator.json", "shared-root-folder.json", "python-enabled.json",
              "renderer-style-tools.json", "every-permission.json"}) {
            const QString db = dir_.filePath(QString(name) + ".sqlite3");
            Run imported = run_cli({"history", "import", hostile(name), "--db", db});
            QVERIFY2(imported.exit_code == 0, qPrintable(imported.err));
            const QStringList lines = imported.out.split('\n', Qt::SkipEmptyParts);
            QVERIFY(!lines.isEmpty());
            for (const QString& line : lines) {
                const Json c = exported(db, line.section(' ', 0, 0));
                QCOMPARE(c["enabled_tools"], Json({"calculator", "current_time"}));
                QVERIFY2(c["tool_folder"].is_null(), name);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestCliImportPermissions)
#include "test_cli_import_permissions.moc"
