// The CLI's argument rules and its behaviour as a program (exit codes, messages).
#include <QtTest>

#include <cmath>
#include <limits>
#include <set>

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
        QVERIFY(!Args::parse({"--seed", "x7"}, {"seed"}, {}).ok());
        auto args = Args::parse({}, {"model"}, {});
        QVERIFY(args.ok());
        QVERIFY(!args->require("model").ok());
    }
    // Every numeric option: its range's ends pass, one step outside, NaN, infinities and junk
    // are refused by the parser with a message naming the option and the range.
    void everyNumericOptionIsCheckedAgainstItsRange() {
        QVERIFY(ponder::cli::numeric_option_ranges().size() >= 20);
        for (const auto& [name, range] : ponder::cli::numeric_option_ranges()) {
            std::vector<std::string> good, bad = {"nan", "NaN", "inf", "-inf", "", "1x", "x"};
            std::string described;
            if (const auto* integers = std::get_if<ponder::cli::IntRange>(&range)) {
                good = {std::to_string(integers->min)};
                bad.push_back(std::to_string(integers->min - 1));
                bad.push_back("1.5");
                if (integers->max != std::numeric_limits<long long>::max()) {
                    good.push_back(std::to_string(integers->max));
                    bad.push_back(std::to_string(integers->max + 1));
                } else {
                    bad.push_back("9223372036854775808");  // one past the largest
                }
                described = integers->describe();
            } else {
                const auto& reals = std::get<ponder::cli::RealRange>(range);
                if (!reals.min_excluded) good.push_back(std::to_string(reals.min));
                if (reals.min_excluded) bad.push_back(std::to_string(reals.min));
                bad.push_back(std::to_string(reals.min - 0.5));
                if (!std::isinf(reals.max)) {
                    good.push_back(std::to_string(reals.max));
                    bad.push_back(std::to_string(reals.max + 0.5));
                } else {
                    bad.push_back("1e400");  // overflows a double
                }
                described = reals.describe();
            }
            for (const std::string& value : good) {
                auto args = Args::parse({"--" + name, value}, {name}, {});
                QVERIFY2(args.ok(), (name + " " + value).c_str());
            }
            for (const std::string& value : bad) {
                auto args = Args::parse({"--" + name + "=" + value}, {name}, {});
                QVERIFY2(!args.ok(), (name + " '" + value + "' was accepted").c_str());
                const std::string message = args.status().message();
                QVERIFY2(message.find("--" + name + " must be ") == 0 &&
                             message.find(described) != std::string::npos,
                         message.c_str());
            }
        }
        auto top_p = Args::parse({"--top-p", "nan"}, {"top-p"}, {});
        QCOMPARE(top_p.status().message(),
                 std::string("--top-p must be a number in (0, 1], got 'nan'"));
        auto seed = Args::parse({"--seed", "-5"}, {"seed"}, {});
        QCOMPARE(seed.status().message(),
                 std::string("--seed must be a whole number >= 0, got '-5'"));
    }
    void numericValuesReadBackAsGiven() {
        auto args = Args::parse({"--temperature", "0.25", "--max-tokens", "0"},
                                {"temperature", "max-tokens"}, {});
        QVERIFY(args.ok());
        QCOMPARE(*args->get_double("temperature", 1.0), 0.25);
        QCOMPARE(*args->get_int("max-tokens", 7), 0LL);
        QCOMPARE(*args->get_int("seed", 7), 7LL);  // not given: the fallback
        // A name without a range is a bug in the command, reported rather than guessed.
        QCOMPARE(args->get_int("model", 0).status().code(), ponder::StatusCode::internal);
        QCOMPARE(args->get_int("temperature", 0).status().code(), ponder::StatusCode::internal);
    }
    // The same refusal, as a program, for every numeric option of every command that takes one
    // (exit status 2, the option and its range named, before anything is loaded or written).
    void everyCommandRefusesOutOfRangeNumbers() {
        struct Case {
            QStringList command;
            QString option;
            QString value;
        };
        const QList<Case> cases = {
            {{"chat"}, "temperature", "nan"},
            {{"chat"}, "temperature", "-1"},
            {{"chat"}, "top-p", "nan"},
            {{"chat"}, "top-p", "0"},
            {{"chat"}, "seed", "-5"},
            {{"chat"}, "max-tokens", "-1"},
            {{"chat"}, "context", "100"},
            {{"chat"}, "threads", "-1"},
            {{"generate"}, "temperature", "-0.5"},
            {{"generate"}, "top-p", "1.5"},
            {{"generate"}, "top-k", "-1"},
            {{"generate"}, "min-p", "nan"},
            {{"generate"}, "seed", "-1"},
            {{"generate"}, "max-tokens", "-1"},
            {{"generate"}, "threads", "5000"},
            {{"logits"}, "threads", "-2"},
            {{"bench"}, "prompt-tokens", "0"},
            {{"bench"}, "gen-tokens", "-3"},
            {{"bench"}, "context-depth", "-1"},
            {{"bench"}, "prefill-chunk", "70000"},
            {{"bench"}, "seed", "-1"},
            {{"bench"}, "threads", "nan"},
            {{"make-model"}, "seed", "-5"},
            {{"make-model"}, "threads", "-1"},
            {{"tool", "calculator"}, "timeout-ms", "-5"},
            {{"tool", "calculator"}, "timeout-ms", "0"},
            {{"history", "list"}, "limit", "-1"},
            {{"history", "list"}, "offset", "-1"},
            {{"history", "search", "x"}, "limit", "0"},
            {{"history", "bench"}, "conversations", "1"},
            {{"history", "bench"}, "messages", "0"},
            {{"history", "bench"}, "long", "2"},
            {{"history", "bench"}, "seconds", "0"},
            {{"history", "bench"}, "rate", "inf"},
        };
        std::set<std::string> covered;
        for (const Case& c : cases) {
            Run run = run_cli(QStringList(c.command) << "--" + c.option << c.value);
            const QString why = c.command.join(' ') + " --" + c.option + " " + c.value + ": " +
                                QString::number(run.exit_code) + " " + run.err;
            QVERIFY2(run.exit_code == 2, qPrintable(why));
            QVERIFY2(run.err.contains("--" + c.option + " must be a ") &&
                         run.err.contains("got '" + c.value + "'"),
                     qPrintable(why));
            covered.insert(c.option.toStdString());
        }
        for (const auto& [name, range] : ponder::cli::numeric_option_ranges())
            QVERIFY2(covered.count(name), ("no command case for --" + name).c_str());
    }
    // Issue 17, defect 6, as reported: with a real model and history these exited 0 and changed
    // nothing. Now each is refused before the history is opened: the file stays byte for byte.
    void chatRefusesOutOfRangeSamplingAndLeavesTheHistoryAlone() {
        QTemporaryDir dir;
        const QString db = dir.filePath("history.sqlite3");
        const QString model = QString(PONDER_SOURCE_DIR) + "/resources/demo-model";
        Run first = run_cli({"chat", "--model", model, "--db", db, "--new", "--prompt", "Hi",
                             "--max-tokens", "4", "--hide-reasoning"});
        QVERIFY2(first.exit_code == 0, qPrintable(first.err));
        QFile file(db);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray before = file.readAll();
        file.close();
        const QList<QStringList> refused = {
            {"--temperature", "nan"}, {"--temperature", "-1"}, {"--top-p", "nan"},
            {"--seed", "-5"},         {"--max-tokens", "-1"},  {"--temperature", "inf"},
        };
        for (const QStringList& option : refused) {
            Run run = run_cli(QStringList{"chat", "--model", model, "--db", db, "--prompt", "Hi"}
                              << option);
            const QString why = option.join(' ') + ": " + run.err;
            QVERIFY2(run.exit_code == 2, qPrintable(why));
            QVERIFY2(run.err.startsWith("ponder-cli chat: " + option[0] + " must be a "),
                     qPrintable(why));
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(file.readAll() == before, qPrintable(why));
            file.close();
        }
        Run tool = run_cli(
            {"tool", "calculator", "--args", R"({"expression": "1+1"})", "--timeout-ms", "-5"});
        QCOMPARE(tool.exit_code, 2);
        QVERIFY2(tool.err.contains("--timeout-ms must be a whole number in [1, 3600000], got '-5'"),
                 qPrintable(tool.err));
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
