// The shipped demo model (resources/demo-model), driven through `ponder-cli chat` exactly as a
// user would: it must answer, reason in the analysis channel at a length that follows the
// effort, and make a real calculator round trip (the call, Ponder's calculator, the answer that
// uses the result). No sampling option is given: the model folder recommends greedy decoding
// (ponder.json), so every new conversation, and every run, gives the same tokens.
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "tests/support/cli_process.h"

using Json = nlohmann::json;

namespace {

using cli_test::Run;
using cli_test::run_cli;

QString demo_model() {
    return QString(PONDER_SOURCE_DIR) + "/resources/demo-model";
}

// One greedy turn in a new conversation; returns the conversation as `history export` writes it.
Json ask(const QString& db, const QString& question, const QString& effort, const QString& tools,
         Run* run = nullptr) {
    Run chat = run_cli({"chat", "--model", demo_model(), "--db", db, "--new", "--prompt", question,
                        "--effort", effort, "--tools", tools, "--approve", "always", "--max-tokens",
                        "400"});
    if (run) *run = chat;
    const QString id = chat.err.section("conversation ", 1).section('\n', 0, 0).trimmed();
    Run out = run_cli({"history", "export", id, "--db", db, "--format", "json", "--out", "-"});
    return Json::parse(out.out.toStdString(), nullptr, false);
}

// The assistant messages of a conversation on `channel` (and, if given, to `recipient`).
std::vector<Json> assistant(const Json& conversation, const std::string& channel,
                            const std::string& recipient = {}) {
    std::vector<Json> out;
    for (const Json& m : conversation["messages"]) {
        if (m["role"] == "assistant" && m["channel"] == channel &&
            (recipient.empty() || m["recipient"] == recipient)) {
            out.push_back(m);
        }
    }
    return out;
}

}  // namespace

class TestCliDemoModel : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

  private slots:
    void initTestCase() {
        // The trained weights are part of the tree (tools/demo-model/README.md).
        QVERIFY2(QFileInfo::exists(demo_model() + "/model.safetensors"),
                 "resources/demo-model/model.safetensors is missing");
    }

    void answersWithSeparateReasoning() {
        Run run;
        const Json c = ask(dir_.filePath("add.sqlite3"), "What is 23 + 19?", "high", "none", &run);
        QCOMPARE(run.exit_code, 0);
        QVERIFY2(run.out.contains("42"), qPrintable(run.out));
        const auto analysis = assistant(c, "analysis");
        const auto final = assistant(c, "final");
        QCOMPARE(analysis.size(), size_t(1));
        QCOMPARE(final.size(), size_t(1));
        QVERIFY(final[0]["text"].get<std::string>().find("42") != std::string::npos);
        QCOMPARE(final[0]["state"], Json("complete"));
        QCOMPARE(final[0]["effort"], Json("high"));
        // The conversation took the model's recommended sampling: greedy.
        QCOMPARE(c["sampling"]["temperature"], Json(0.0));
        // The reasoning is its own message, and the answer does not repeat it.
        const std::string thought = analysis[0]["text"];
        QVERIFY2(thought.find("23") != std::string::npos, thought.c_str());
        QVERIFY(final[0]["text"].get<std::string>().size() < thought.size());
    }

    // The analysis grows with the effort. At low effort the model writes the sum in one line with
    // no column work and is usually wrong (tools/demo-model/README.md); from medium on it works
    // the columns and gets it right.
    void reasoningLengthFollowsTheEffort() {
        size_t previous = 0;
        for (const char* effort : {"low", "medium", "high"}) {
            const Json c = ask(dir_.filePath(QString("effort-%1.sqlite3").arg(effort)),
                               "What is 58 + 67?", effort, "none");
            const auto analysis = assistant(c, "analysis");
            QCOMPARE(analysis.size(), size_t(1));
            const size_t length = analysis[0]["text"].get<std::string>().size();
            QVERIFY2(
                length > previous,
                qPrintable(
                    QString("%1: %2 characters after %3").arg(effort).arg(length).arg(previous)));
            previous = length;
            const auto final = assistant(c, "final");
            QCOMPARE(final.size(), size_t(1));
            if (std::string(effort) != "low") {
                QVERIFY2(final[0]["text"].get<std::string>().find("125") != std::string::npos,
                         final[0]["text"].get<std::string>().c_str());
            }
        }
    }

    void callsTheCalculatorAndUsesItsResult() {
        Run run;
        const Json c =
            ask(dir_.filePath("tool.sqlite3"), "What is 347 * 29?", "medium", "calculator", &run);
        QCOMPARE(run.exit_code, 0);
        const auto calls = assistant(c, "commentary", "functions.calculator");
        QCOMPARE(calls.size(), size_t(1));
        QCOMPARE(c["tool_calls"].size(), size_t(1));
        const Json& call = c["tool_calls"][0];
        const Json arguments = Json::parse(call["arguments"].get<std::string>(), nullptr, false);
        QCOMPARE(arguments["expression"], Json("347 * 29"));
        QCOMPARE(call["approval"], Json("approved_once"));
        QVERIFY(call["error"].is_null());
        QCOMPARE(Json::parse(call["result"].get<std::string>())["result"], Json(10063));
        // The tool's answer is in the history, and the final answer uses it.
        bool tool_message = false;
        for (const Json& m : c["messages"]) {
            if (m["role"] == "tool")
                tool_message = m["text"].get<std::string>().find("10063") != std::string::npos;
        }
        QVERIFY(tool_message);
        const auto final = assistant(c, "final");
        QCOMPARE(final.size(), size_t(1));
        QVERIFY2(final[0]["text"].get<std::string>().find("10063") != std::string::npos,
                 final[0]["text"].get<std::string>().c_str());
        QVERIFY(run.out.contains("10063"));
    }
};

QTEST_GUILESS_MAIN(TestCliDemoModel)
#include "test_cli_demo_model.moc"
