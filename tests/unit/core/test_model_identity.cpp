// What a model folder says about itself (ponder.json): the identity the prompt uses, and the
// sampling a new conversation starts with. A broken file is refused with its name and the
// field; a folder without one gets gpt-oss's defaults.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <filesystem>

#include "app/core/chat/model_identity.h"

using namespace ponder;
using namespace ponder::core;

class TestModelIdentity : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    std::filesystem::path folderWith(const char* name, const QByteArray& ponderJson) {
        const QString folder = dir_.filePath(name);
        QDir().mkpath(folder);
        QFile file(folder + "/ponder.json");
        if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(folder));
        file.write(ponderJson);
        return folder.toStdString();
    }

  private slots:
    void aFolderWithoutPonderJsonGetsTheDefaults() {
        const QString folder = dir_.filePath("gpt-oss-20b");
        QDir().mkpath(folder);
        auto identity = read_model_identity(folder.toStdString());
        QVERIFY(identity.ok());
        QCOMPARE(identity->display_name, std::string("gpt-oss-20b"));
        QVERIFY(identity->model_identity.empty());
        QCOMPARE(identity->recommended_sampling.temperature, 1.0);
        QCOMPARE(identity->recommended_sampling.top_p, 1.0);
    }

    void readsTheIdentityAndTheRecommendedSampling() {
        auto identity = read_model_identity(folderWith("demo", R"json({
            "display_name": "Ponder demo (tiny)", "model_identity": "You are a tiny model.",
            "knowledge_cutoff": "2026-01", "description": "Knows sums.",
            "recommended_sampling": {"temperature": 0.0, "top_p": 0.9}})json"));
        QVERIFY2(identity.ok(), identity.status().message().c_str());
        QCOMPARE(identity->display_name, std::string("Ponder demo (tiny)"));
        QCOMPARE(identity->model_identity, std::string("You are a tiny model."));
        QCOMPARE(identity->knowledge_cutoff, std::string("2026-01"));
        QCOMPARE(identity->recommended_sampling.temperature, 0.0);
        QCOMPARE(identity->recommended_sampling.top_p, 0.9);
        // Only what the folder recommends changes; the rest is a new conversation's default.
        QCOMPARE(identity->recommended_sampling.top_k, SamplingSettings{}.top_k);
        QVERIFY(!identity->recommended_sampling.seed.has_value());
    }

    void oneRecommendedValueKeepsTheOtherDefault() {
        auto identity = read_model_identity(folderWith(
            "only-temperature", R"json({"recommended_sampling": {"temperature": 0.7}})json"));
        QVERIFY(identity.ok());
        QCOMPARE(identity->recommended_sampling.temperature, 0.7);
        QCOMPARE(identity->recommended_sampling.top_p, 1.0);
    }

    void refusesBadRecommendations_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not an object") << QByteArray(R"json({"recommended_sampling": 0})json")
                                       << "\"recommended_sampling\" must be an object";
        QTest::newRow("a string") << QByteArray(
                                         R"json({"recommended_sampling": {"top_p": "1"}})json")
                                  << "\"recommended_sampling\".top_p must be a number";
        QTest::newRow("negative temperature")
            << QByteArray(R"json({"recommended_sampling": {"temperature": -1}})json")
            << "sampling.temperature must be a number >= 0";
        QTest::newRow("top_p 0") << QByteArray(R"json({"recommended_sampling": {"top_p": 0}})json")
                                 << "sampling.top_p must be in (0, 1]";
        QTest::newRow("top_p above 1")
            << QByteArray(R"json({"recommended_sampling": {"top_p": 1.5}})json")
            << "sampling.top_p must be in (0, 1]";
    }

    void refusesBadRecommendations() {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        auto identity = read_model_identity(folderWith(QTest::currentDataTag(), json));
        QVERIFY(!identity.ok());
        QCOMPARE(identity.status().code(), StatusCode::bad_model);
        const QString message = QString::fromStdString(identity.status().message());
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains("ponder.json"), qPrintable(message));
    }

    void refusesAFieldOfTheWrongType() {
        auto identity =
            read_model_identity(folderWith("bad-name", R"json({"display_name": 7})json"));
        QVERIFY(!identity.ok());
        QVERIFY(identity.status().message().find("\"display_name\" must be a string") !=
                std::string::npos);
    }

    // Issue #17: a named pipe as ponder.json blocked the read forever (chat hung, the app stayed
    // on "Loading..."), and a link to /dev/zero was read without end. Both are refused at once.
    void refusesAPipeOrADeviceWithoutReadingIt_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("named pipe") << "fifo"
                                    << "named pipe";
        QTest::newRow("link to /dev/zero") << "device"
                                           << "character device";
    }
    void refusesAPipeOrADeviceWithoutReadingIt() {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        const QString folder = dir_.filePath("hostile-" + kind);
        QDir().mkpath(folder);
        const std::string file = (folder + "/ponder.json").toStdString();
        if (kind == "fifo") {
            QCOMPARE(mkfifo(file.c_str(), 0644), 0);
        } else {
            std::filesystem::create_symlink("/dev/zero", file);
        }
        auto identity = read_model_identity(folder.toStdString());
        QVERIFY(!identity.ok());
        const QString message = QString::fromStdString(identity.status().message());
        QVERIFY2(message.contains(expected) && message.contains("ponder.json"),
                 qPrintable(message));
    }

    void refusesAnOversizedFile() {
        const std::filesystem::path folder = folderWith("huge", "{}");
        std::filesystem::resize_file(folder / "ponder.json", 2ull << 20);  // sparse zeros
        auto identity = read_model_identity(folder);
        QVERIFY(!identity.ok());
        QVERIFY2(identity.status().message().find("larger than") != std::string::npos,
                 identity.status().message().c_str());
    }

    void aBrokenLinkIsAnErrorNotAMissingFile() {
        const QString folder = dir_.filePath("dangling");
        QDir().mkpath(folder);
        std::filesystem::create_symlink("nowhere.json", (folder + "/ponder.json").toStdString());
        auto identity = read_model_identity(folder.toStdString());
        QVERIFY(!identity.ok());
        QVERIFY2(identity.status().message().find("ponder.json") != std::string::npos,
                 identity.status().message().c_str());
    }
};

QTEST_GUILESS_MAIN(TestModelIdentity)
#include "test_model_identity.moc"
