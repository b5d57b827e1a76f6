#include <QtTest>

#include "app/gui/event_coalescer.h"

using ponder::core::TurnEvent;
using ponder::gui::EventCoalescer;
using Kind = TurnEvent::Kind;

namespace {

TurnEvent delta(std::int64_t message, const std::string& text) {
    TurnEvent event;
    event.kind = Kind::text_delta;
    event.message_id = message;
    event.text = text;
    return event;
}

}  // namespace

class TestEventCoalescer : public QObject {
    Q_OBJECT
  private slots:
    void mergesDeltasOfOneMessage() {
        EventCoalescer coalescer(1000);
        for (int i = 0; i < 500; ++i)
            coalescer.push(delta(7, "ab"));
        QVERIFY(!coalescer.due());  // the interval has not passed and nothing structural waits
        const auto batch = coalescer.take();
        QCOMPARE(batch.size(), 1);
        QCOMPARE(batch[0].text.size(), size_t(1000));
        QVERIFY(coalescer.empty());
    }
    void keepsMessagesAndOrderApart() {
        EventCoalescer coalescer(1000);
        coalescer.push(delta(1, "think "));
        coalescer.push(delta(1, "more"));
        TurnEvent started;
        started.kind = Kind::message_started;
        started.message_id = 2;
        started.channel = "final";
        coalescer.push(started);
        coalescer.push(delta(2, "4"));
        coalescer.push(delta(2, "2"));
        QVERIFY(coalescer.due());  // a structural event is waiting
        const auto batch = coalescer.take();
        QCOMPARE(batch.size(), 3);
        QCOMPARE(batch[0].text, std::string("think more"));
        QCOMPARE(batch[1].kind, Kind::message_started);
        QCOMPARE(batch[2].text, std::string("42"));
    }
    void boundsTheBatchRate() {
        // 300 tokens/s for one second with a 16 ms interval: at most ~63 batches, no text lost.
        EventCoalescer coalescer(16);
        QElapsedTimer clock;
        clock.start();
        int batches = 0;
        std::string received;
        int sent = 0;
        while (clock.elapsed() < 1000) {
            if (clock.elapsed() * 300 / 1000 > sent) {
                coalescer.push(delta(1, "x"));
                ++sent;
            }
            if (coalescer.due()) {
                for (const auto& event : coalescer.take())
                    received += event.text;
                ++batches;
            }
            QThread::usleep(200);
        }
        for (const auto& event : coalescer.take())
            received += event.text;
        QCOMPARE(received.size(), size_t(sent));
        QVERIFY2(batches <= 64, qPrintable(QString::number(batches)));
        QVERIFY(batches >= 20);
    }
};

QTEST_GUILESS_MAIN(TestEventCoalescer)
#include "test_event_coalescer.moc"
