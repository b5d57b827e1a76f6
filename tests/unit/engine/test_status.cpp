#include <QtTest>

#include "engine/status.h"

using ponder::Result;
using ponder::Status;
using ponder::StatusCode;

class TestStatus : public QObject {
    Q_OBJECT
  private slots:
    void successIsOk() {
        const Status status = Status::success();
        QVERIFY(status.ok());
        QCOMPARE(status.to_string(), std::string("ok"));
    }
    void failureCarriesCodeAndMessage() {
        const Status status(StatusCode::bad_model, "tensor x has shape [2], expected [3]");
        QVERIFY(!status.ok());
        QCOMPARE(status.code(), StatusCode::bad_model);
        QCOMPARE(status.to_string(),
                 std::string("bad model: tensor x has shape [2], expected [3]"));
    }
    void resultHoldsValueOrStatus() {
        Result<int> good = 42;
        QVERIFY(good.ok());
        QCOMPARE(*good, 42);
        QVERIFY(good.status().ok());
        Result<int> bad = Status(StatusCode::io_error, "cannot open");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.status().code(), StatusCode::io_error);
        QCOMPARE(bad.status().message(), std::string("cannot open"));
    }
};

QTEST_APPLESS_MAIN(TestStatus)
#include "test_status.moc"
