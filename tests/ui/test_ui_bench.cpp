// ponder-ui-bench, run small: the real window streams a short answer, opens a 300-message
// conversation twice and reports memory. Checks that it finishes and prints every row of its
// table with numbers in it (and the same table to --out); never what the numbers are, beyond
// what must hold on any machine (frames were drawn, the rows of the conversation were shown).
#include <QRegularExpression>
#include <QtTest>

namespace {

constexpr auto kNumber = "([0-9]+(?:\\.[0-9]+)?)";

// "| label | a / b / c ms" with `count` numbers.
QString numbersRow(const QString& label, int count, const QString& unit) {
    QStringList numbers;
    for (int i = 0; i < count; ++i)
        numbers << kNumber;
    return "^\\| " + QRegularExpression::escape(label) + " \\| " + numbers.join(" / ") + " " +
           QRegularExpression::escape(unit);
}

}  // namespace

class TestUiBench : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        outFile_ = dir_.filePath("table.md");
        QProcess bench;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        bench.setProcessEnvironment(env);
        bench.start(QString(PONDER_BINARY_DIR) + "/ponder-ui-bench",
                    {"--messages", "300", "--small", "20", "--tokens", "300", "--rate", "1000",
                     "--repeats", "2", "--out", outFile_});
        QVERIFY(bench.waitForFinished(240000));
        const QByteArray errors = bench.readAllStandardError();
        QVERIFY2(bench.exitCode() == 0, errors.constData());
        output_ = QString::fromUtf8(bench.readAllStandardOutput());
    }

    void printsWhereItRan() {
        for (const char* line : {"- Command: `ponder-ui-bench --messages 300", "- Machine: ",
                                 "- Qt 6", "- Model: ", "- History: 1 conversation of 300 messages",
                                 "| measurement | result | target | met |"})
            QVERIFY2(output_.contains(line), line);
    }

    void everyRowHasItsNumbers_data() {
        QTest::addColumn<QString>("pattern");
        const QString open = "open 300 messages: ";
        QTest::newRow("tokens")
            << QString("^\\| streaming: tokens \\| [1-9][0-9]* at %1 tok/s").arg(kNumber);
        QTest::newRow("frames")
            << QString("^\\| streaming: frames \\| [1-9][0-9]*, %1 frames/s").arg(kNumber);
        QTest::newRow("batches")
            << QString(
                   "^\\| streaming: model updates \\(coalesced batches\\) \\| [1-9][0-9]*, "
                   "%1 /s")
                   .arg(kNumber);
        QTest::newRow("cpu") << numbersRow(
            "streaming: GUI-thread CPU per frame p50 / p95 / p99 / max", 4, "ms");
        QTest::newRow("render") << numbersRow(
            "streaming: frame render, polish to flush, p50 / p95 / p99 / max", 4, "ms");
        QTest::newRow("interval") << numbersRow(
            "streaming: interval between frames p50 / p95 / max", 3, "ms");
        QTest::newRow("lateness") << numbersRow(
            "streaming: event-loop lateness (1 ms timer) p50 / p99 / max", 3, "ms");
        QTest::newRow("storage") << numbersRow(open + "storage, load_conversation median / max", 2,
                                               "ms");
        QTest::newRow("call") << numbersRow(open + "openConversation() call median / max", 2, "ms");
        // 300 messages are 100 exchanges: 100 question rows and 100 answer rows.
        QTest::newRow("first frame")
            << numbersRow(open + "click to first frame median / max", 2, "ms (200 rows)");
        QTest::newRow("shown") << numbersRow(open + "click to last message shown median / max", 2,
                                             "ms");
        QTest::newRow("top") << numbersRow(open + "scroll to the top median / max", 2, "ms");
        for (const char* point :
             {"window shown, no model", "model loaded", "o200k tokenizer of the bench's script",
              "after the streamed answer", "300-message conversation open"})
            QTest::newRow(point) << numbersRow(QString("memory: ") + point, 1, "MiB RSS");
        QTest::newRow("peak") << numbersRow("memory: peak (VmHWM)", 1, "MiB");
    }
    void everyRowHasItsNumbers() {
        QFETCH(QString, pattern);
        const QRegularExpression row(pattern, QRegularExpression::MultilineOption);
        QVERIFY(row.isValid());
        const QRegularExpressionMatch match = row.match(output_);
        QVERIFY2(match.hasMatch(), qPrintable("no row matches " + pattern + " in\n" + output_));
        for (int i = 1; i <= match.lastCapturedIndex(); ++i) {
            bool ok = false;
            match.captured(i).toDouble(&ok);
            QVERIFY(ok);
        }
    }

    void memoryIsMeasured() {
        const QRegularExpression peak("^\\| memory: peak \\(VmHWM\\) \\| ([0-9.]+) MiB",
                                      QRegularExpression::MultilineOption);
        QVERIFY(peak.match(output_).captured(1).toDouble() > 0);
    }

    void writesTheSameTableToOut() {
        QFile file(outFile_);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(file.readAll()), output_);
    }

  private:
    QTemporaryDir dir_;
    QString outFile_;
    QString output_;
};

QTEST_GUILESS_MAIN(TestUiBench)
#include "test_ui_bench.moc"
