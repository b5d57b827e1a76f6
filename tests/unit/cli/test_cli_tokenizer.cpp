// ponder-cli tokenize / detokenize / render as programs: input and output formats, exit codes.
#include <QtTest>

namespace {

struct Run {
    int exit_code;
    QByteArray out;
    QString err;
};

Run run_cli(const QStringList& arguments, const QByteArray& input = {}) {
    QProcess process;
    process.start(QString(PONDER_BINARY_DIR) + "/ponder-cli", arguments);
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(120000);
    return {process.exitCode(), process.readAllStandardOutput(),
            QString::fromUtf8(process.readAllStandardError())};
}

QString write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& content) {
    const QString path = dir.filePath(name);
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(content);
    return path;
}

const QByteArray kConversation = R"json({
  "format": "ponder.conversation", "version": 1,
  "system": {"current_date": "2025-09-01", "reasoning_effort": "low"},
  "developer": {"instructions": "Answer briefly.",
                "function_tools": [{"name": "ping", "description": "Check the network."}]},
  "messages": [
    {"role": "user", "text": "Hi"},
    {"role": "assistant", "channel": "analysis", "text": "greet"},
    {"role": "assistant", "channel": "final", "text": "Hello!"},
    {"role": "user", "text": "Again"}
  ]
})json";

const QByteArray kRendered =
    "<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
    "Knowledge cutoff: 2024-06\nCurrent date: 2025-09-01\n\nReasoning: low\n\n"
    "# Valid channels: analysis, commentary, final. Channel must be included for every message.\n"
    "Calls to these tools must go to the commentary channel: 'functions'.<|end|>"
    "<|start|>developer<|message|># Instructions\n\nAnswer briefly.\n\n# Tools\n\n## functions\n\n"
    "namespace functions {\n\n// Check the network.\ntype ping = () => any;\n\n} // namespace "
    "functions<|end|>"
    "<|start|>user<|message|>Hi<|end|><|start|>assistant<|channel|>final<|message|>Hello!<|end|>"
    "<|start|>user<|message|>Again<|end|><|start|>assistant\n";

}  // namespace

class TestCliTokenizer : public QObject {
    Q_OBJECT
  private slots:
    void tokenizeAndDetokenize() {
        Run ids = run_cli({"tokenize"}, "Hello, world!");
        QCOMPARE(ids.exit_code, 0);
        QCOMPARE(ids.out, QByteArray("13225 11 2375 0\n"));
        QCOMPARE(run_cli({"tokenize"}, "<|start|>user").out, QByteArray("27 91 5236 91 29 1428\n"));
        QCOMPARE(run_cli({"tokenize", "--special"}, "<|start|>user").out,
                 QByteArray("200006 1428\n"));
        QCOMPARE(run_cli({"tokenize"}, "").out, QByteArray("\n"));

        Run text = run_cli({"detokenize"}, "13225, 11\n2375\t0\n");
        QCOMPARE(text.exit_code, 0);
        QCOMPARE(text.out, QByteArray("Hello, world!"));
        // Bytes come out as they are, even half a character.
        QCOMPARE(run_cli({"detokenize"}, "9552").out, QByteArray(" \xF0\x9F"));

        QTemporaryDir dir;
        const QString input =
            write_file(dir, "in.txt", "\xEC\x95\x88\xEB\x85\x95 \xF0\x9F\x91\x8D");
        Run from_file = run_cli({"tokenize", "--text-file", input});
        QCOMPARE(from_file.exit_code, 0);
        const QString id_file = write_file(dir, "ids.txt", from_file.out);
        QCOMPARE(run_cli({"detokenize", "--ids-file", id_file}).out,
                 QByteArray("\xEC\x95\x88\xEB\x85\x95 \xF0\x9F\x91\x8D"));
    }

    void vocabularyChoices() {
        QTemporaryDir dir;  // a model folder without tokenizer.json: the shipped vocabulary
        QCOMPARE(run_cli({"tokenize", "--model", dir.path()}, "hello world").out,
                 QByteArray("24912 2375\n"));
        Run both = run_cli({"tokenize", "--model", dir.path(), "--vocab", "x.tiktoken"}, "x");
        QCOMPARE(both.exit_code, 2);
        QVERIFY(both.err.contains("not both"));
        Run missing = run_cli({"tokenize", "--vocab", dir.filePath("absent.tiktoken")}, "x");
        QCOMPARE(missing.exit_code, 1);
        QVERIFY(missing.err.contains("absent.tiktoken"));
        QCOMPARE(run_cli({"tokenize", "--bogus"}).exit_code, 2);
    }

    void detokenizeErrors() {
        Run word = run_cli({"detokenize"}, "12 abc");
        QCOMPARE(word.exit_code, 2);
        QVERIFY(word.err.contains("'abc'"));
        Run unknown = run_cli({"detokenize"}, "12 999999999");
        QCOMPARE(unknown.exit_code, 1);
        QVERIFY(unknown.err.contains("999999999"));
    }

    void render() {
        QTemporaryDir dir;
        const QString path = write_file(dir, "conversation.json", kConversation);
        Run text = run_cli({"render", "--conversation", path});
        QCOMPARE(text.exit_code, 0);
        QCOMPARE(text.out, kRendered);
        Run kept = run_cli({"render", "--conversation", path, "--keep-analysis"});
        QVERIFY(kept.out.contains("<|channel|>analysis<|message|>greet<|end|>"));

        Run ids = run_cli({"render", "--conversation", path, "--ids"});
        QCOMPARE(ids.exit_code, 0);
        QVERIFY(ids.out.startsWith("200006 17360 200008 "));   // <|start|> system <|message|>
        QVERIFY(ids.out.endsWith(" 200007 200006 173781\n"));  // <|end|> <|start|> assistant
        // The ids decode to exactly the text form.
        const QString id_file = write_file(dir, "ids.txt", ids.out);
        QCOMPARE(run_cli({"detokenize", "--ids-file", id_file}).out + "\n", kRendered);
    }

    void renderErrors() {
        QCOMPARE(run_cli({"render"}).exit_code, 2);
        QTemporaryDir dir;
        const QString newer =
            write_file(dir, "newer.json",
                       R"({"format": "ponder.conversation", "version": 9, "messages": []})");
        Run refused = run_cli({"render", "--conversation", newer});
        QCOMPARE(refused.exit_code, 1);
        QVERIFY(refused.err.contains("newer"));
        const QString broken = write_file(dir, "broken.json", "{\"format\":");
        QVERIFY(run_cli({"render", "--conversation", broken}).err.contains("not valid JSON"));
        QCOMPARE(run_cli({"render", "--conversation", dir.filePath("none.json")}).exit_code, 1);
    }

    void bench() {
        QTemporaryDir dir;
        const QString input = write_file(
            dir, "text.txt", QByteArray("Bench text, \xED\x95\x9C\xEA\xB8\x80. ").repeated(200));
        Run bench = run_cli({"tokenize", "--bench", "--text-file", input});
        QCOMPARE(bench.exit_code, 0);
        QVERIFY(bench.out.contains("| encode "));
        QVERIFY(bench.out.contains("MB/s"));
    }
};

QTEST_GUILESS_MAIN(TestCliTokenizer)
#include "test_cli_tokenizer.moc"
