// `ponder-cli make-model` and `ponder-cli model-info` as programs: a written tiny checkpoint
// opens, and bad arguments give exit status 2 with a reason.
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
