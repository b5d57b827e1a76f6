// `ponder-cli make-model` and `ponder-cli model-info` as programs: a written tiny checkpoint
// opens (as a folder or a GGUF file, which `logits` runs to the same numbers), and bad arguments
// give exit status 2 with a reason.
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/cli_process.h"

namespace {

using cli_test::Run;
using cli_test::run_cli;

}  // namespace

class TestCliModel : public QObject {
    Q_OBJECT
  private slots:
    void makeTinyThenInspect() {
        QTemporaryDir tmp;
        for (const QString layout : {"hf", "original"}) {
            const QString dir = tmp.filePath(layout);
            Run make = run_cli({"make-model", "--preset", "tiny", "--out", dir, "--layout", layout,
                                "--seed", "3"});
            QVERIFY2(make.exit_code == 0, qPrintable(make.err));
            QVERIFY(make.out.contains("wrote tiny gpt-oss checkpoint (" + layout + " layout"));
            Run info = run_cli({"model-info", "--model", dir});
            QVERIFY2(info.exit_code == 0, qPrintable(info.err));
            QVERIFY2(info.out.contains("(" + layout + " layout)"), qPrintable(info.out));
            QVERIFY(info.out.contains("vocab 201088"));
            QVERIFY(info.out.contains("16 query / 2 KV heads x 64"));
        }
        // Writing over an existing checkpoint is refused.
        Run again = run_cli({"make-model", "--preset", "tiny", "--out", tmp.filePath("hf")});
        QCOMPARE(again.exit_code, 1);
        QVERIFY(again.err.contains("already exists"));
    }

    void ggufRunsLikeTheFolder() {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("hf");
        const QString gguf = tmp.filePath("tiny.gguf");
        QCOMPARE(run_cli({"make-model", "--preset", "tiny", "--out", dir, "--seed", "3"}).exit_code,
                 0);
        Run make = run_cli(
            {"make-model", "--preset", "tiny", "--format", "gguf", "--out", gguf, "--seed", "3"});
        QVERIFY2(make.exit_code == 0, qPrintable(make.err));
        QVERIFY(make.out.contains("wrote tiny gpt-oss checkpoint (gguf"));
        QVERIFY(!QFile::exists(gguf + ".safetensors-scratch"));  // the scratch folder is gone
        Run info = run_cli({"model-info", "--model", gguf});
        QVERIFY2(info.exit_code == 0, qPrintable(info.err));
        QVERIFY2(info.out.contains("(gguf layout)"), qPrintable(info.out));
        QVERIFY(info.out.contains("vocab 201088"));
        QVERIFY(info.out.contains("16 query / 2 KV heads x 64"));
        const QString tokens = tmp.filePath("tokens.txt");
        QFile file(tokens);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("200006,17360,200008,3,1000,200007,200006,173781");
        file.close();
        for (const QString mode : {"prefill", "decode", "mixed:3"}) {
            QByteArray outputs[2];
            for (int i = 0; i < 2; ++i) {
                const QString out = tmp.filePath(QString("logits-%1.npy").arg(i));
                Run run = run_cli({"logits", "--model", i == 0 ? dir : gguf, "--tokens-file",
                                   tokens, "--out", out, "--mode", mode, "--threads", "2"});
                QVERIFY2(run.exit_code == 0, qPrintable(run.err));
                QFile result(out);
                QVERIFY(result.open(QIODevice::ReadOnly));
                outputs[i] = result.readAll();
            }
            QVERIFY(outputs[0].size() > 8 * 201088);
            QVERIFY2(outputs[0] == outputs[1], qPrintable(mode));  // bit for bit
        }
        // Every dense type and naming is accepted; unknown ones are refused with status 2.
        Run q8 = run_cli({"make-model", "--preset", "tiny", "--format", "gguf", "--out",
                          tmp.filePath("q8.gguf"), "--dense", "q8_0", "--naming", "ollama"});
        QVERIFY2(q8.exit_code == 0, qPrintable(q8.err));
        QVERIFY(run_cli({"model-info", "--model", tmp.filePath("q8.gguf")}).exit_code == 0);
        QCOMPARE(run_cli({"make-model", "--preset", "tiny", "--format", "gguf", "--out",
                          tmp.filePath("x.gguf"), "--dense", "q4_k"})
                     .exit_code,
                 2);
        QCOMPARE(run_cli({"make-model", "--preset", "tiny", "--out", tmp.filePath("y"), "--dense",
                          "f16"})
                     .exit_code,
                 2);
        Run again = run_cli({"make-model", "--preset", "tiny", "--format", "gguf", "--out", gguf});
        QCOMPARE(again.exit_code, 1);
        QVERIFY(again.err.contains("already exists"));
    }

    void badArguments() {
        QTemporaryDir tmp;
        QCOMPARE(run_cli({"make-model", "--preset", "7b", "--out", tmp.path()}).exit_code, 2);
        QCOMPARE(run_cli({"make-model", "--out", tmp.path()}).exit_code, 2);
        QCOMPARE(
            run_cli({"make-model", "--preset", "tiny", "--out", tmp.path(), "--layout", "gguf"})
                .exit_code,
            2);
        Run missing = run_cli({"model-info", "--model", tmp.filePath("nothing")});
        QCOMPARE(missing.exit_code, 1);
        QVERIFY(missing.err.contains("not a folder"));
        QCOMPARE(run_cli({"model-info"}).exit_code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliModel)
#include "test_cli_model.moc"
