// The CLI's argument rules and its behaviour as a program (exit codes, messages).
#include <QtTest>

#include "app/cli/args.h"

#include "tests/support/cli_process.h"

using ponder::cli::Args;

namespace {

using cli_test::Run;
using cli_test::run_cli;

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
  private slots:
    void parsesOptionsSwitchesAndPositionals() {
        auto args = Args::parse({"--model", "/m", "--special", "word", "--seed=7"},
                                {"model", "seed"}, {"special"});
        QVERIFY(args.ok());
        QCOMPARE(args->get_or("model", ""), std::string("/m"));
        QVERIFY(args->has("special"));
        QCOMPARE(*args->get_int("seed", 0), 7LL);
        QCOMPARE(args->positional().size(), size_t(1));
        QCOMPARE(args->positional()[0], std::string("word"));
    }
    void rejectsUnknownAndMissing() {
        QVERIFY(!Args::parse({"--nope"}, {"model"}, {}).ok());
        QVERIFY(!Args::parse({"--model"}, {"model"}, {}).ok());
        QVERIFY(!Args::parse({"--special=1"}, {}, {"special"}).ok());
        auto args = Args::parse({"--seed", "x7"}, {"seed"}, {});
        QVERIFY(args.ok());
        QVERIFY(!args->get_int("seed", 0).ok());
        QVERIFY(!args->require("model").ok());
    }
    void versionAndUnknownCommand() {
        Run version = run_cli({"--version"});
        QCOMPARE(version.exit_code, 0);
        QVERIFY(version.out.startsWith("ponder-cli "));
        Run unknown = run_cli({"frobnicate"});
        QCOMPARE(unknown.exit_code, 2);
        QVERIFY(unknown.err.contains("unknown command"));
    }
    void backendCpuIsAlwaysAvailable() {
        Run cpu = run_cli({"backend", "--backend", "cpu"});
        QCOMPARE(cpu.exit_code, 0);
        QCOMPARE(cpu.out.trimmed(), QString("CPU"));
        Run bad = run_cli({"backend", "--backend", "tpu"});
        QCOMPARE(bad.exit_code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
