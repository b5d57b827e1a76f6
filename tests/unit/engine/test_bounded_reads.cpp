// Reading files from places the user chose (issue #17, defect 4): only regular files get through,
// nothing blocks (a named pipe with no writer would block a plain open() forever, so each test
// below would hang without the fix), and files read whole have a size cap.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "engine/io/mapped_file.h"
#include "engine/io/regular_file.h"
#include "engine/io/text_file.h"
#include "engine/model/checkpoint.h"
#include "engine/tokenizer/o200k_harmony.h"

using namespace ponder;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

QString message_of(const Status& status) {
    return QString::fromStdString(status.message());
}

}  // namespace

class TestBoundedReads : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    fs::path path(const char* name) const { return fs::path(dir_.filePath(name).toStdString()); }

  private slots:
    void refusesWhatIsNotARegularFile_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("named pipe") << "fifo"
                                    << "is a named pipe (FIFO), not a regular file";
        QTest::newRow("link to /dev/zero") << "device"
                                           << "is a character device";
        QTest::newRow("folder") << "folder"
                                << "is a folder";
        QTest::newRow("broken link") << "dangling"
                                     << "No such file or directory";
    }
    void refusesWhatIsNotARegularFile() {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        const fs::path file = path(qPrintable("special-" + kind));
        if (kind == "fifo") {
            QCOMPARE(mkfifo(file.c_str(), 0644), 0);
        } else if (kind == "device") {
            fs::create_symlink("/dev/zero", file);
        } else if (kind == "folder") {
            fs::create_directory(file);
        } else {
            fs::create_symlink("nowhere", file);
        }
        const QString name = QString::fromStdString(file.string());
        for (const Status& status :
             {RegularFile::open(file).status(), read_text_file(file, 1 << 20).status(),
              MappedFile::open(file).status()}) {
            QCOMPARE(status.code(), StatusCode::io_error);
            QVERIFY2(message_of(status).contains(expected), qPrintable(message_of(status)));
            QVERIFY2(message_of(status).startsWith(name), qPrintable(message_of(status)));
        }
    }

    void followsLinksToRegularFiles() {
        write(path("target.json"), "{\"a\": 1}");
        fs::create_symlink(path("target.json"), path("link.json"));
        auto text = read_text_file(path("link.json"), 100);
        QVERIFY2(text.ok(), text.status().message().c_str());
        QCOMPARE(*text, std::string("{\"a\": 1}"));
        auto mapped = MappedFile::open(path("link.json"));
        QVERIFY(mapped.ok());
        QCOMPARE(mapped->size(), std::uint64_t{8});
    }

    void capsTheSize() {
        write(path("eight.txt"), "12345678");
        QVERIFY(read_text_file(path("eight.txt"), 8).ok());
        auto over = read_text_file(path("eight.txt"), 7);
        QVERIFY(!over.ok());
        QVERIFY2(message_of(over.status()).contains("8 bytes, larger than the 7 bytes"),
                 qPrintable(message_of(over.status())));
        // A 4 GiB file (sparse) is refused by its size, before anything is read.
        write(path("huge.json"), "");
        fs::resize_file(path("huge.json"), 4ull << 30);
        auto huge = read_text_file(path("huge.json"), file_caps::tokenizer_json);
        QVERIFY(!huge.ok());
        QVERIFY2(message_of(huge.status()).contains("larger than"),
                 qPrintable(message_of(huge.status())));
    }

    // Files that report a size of 0 (those in /proc) are read to their end, still under the cap.
    void readsToTheEndRatherThanTrustingTheReportedSize() {
        auto status = read_text_file("/proc/self/status", 1 << 20);
        QVERIFY2(status.ok(), status.status().message().c_str());
        QVERIFY(status->find("Name:") != std::string::npos);
        auto capped = read_text_file("/proc/self/status", 16);
        QVERIFY(!capped.ok());
        QVERIFY2(message_of(capped.status()).contains("more than 16 bytes"),
                 qPrintable(message_of(capped.status())));
    }

    // The defect as found: a named pipe as a shard listed in the index hung `model-info` forever.
    void aCheckpointWithAPipeAsShardIsRefused() {
        const fs::path model = path("fifo-shard");
        fs::copy(fs::path(PONDER_TEST_DATA_DIR) / "gpt-oss-tiny" / "real-yarn", model);
        const fs::path shard = model / "model-00001-of-00002.safetensors";
        fs::remove(shard);
        QCOMPARE(mkfifo(shard.c_str(), 0644), 0);
        auto checkpoint = Checkpoint::open(model);
        QVERIFY(!checkpoint.ok());
        QCOMPARE(checkpoint.status().code(), StatusCode::io_error);
        QVERIFY2(message_of(checkpoint.status())
                     .contains("model-00001-of-00002.safetensors: is a named pipe"),
                 qPrintable(message_of(checkpoint.status())));
    }

    // config.json and generation_config.json that are not regular files are reported as such, not
    // taken for a missing file (which made the folder look like another layout, or skipped it).
    void aPipeAsConfigIsNamed_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("config.json") << "config.json";
        QTest::newRow("generation_config.json") << "generation_config.json";
    }
    void aPipeAsConfigIsNamed() {
        QFETCH(QString, file);
        const fs::path model = path(qPrintable("fifo-" + file));
        fs::copy(fs::path(PONDER_TEST_DATA_DIR) / "gpt-oss-tiny" / "real-yarn", model);
        const fs::path config = model / file.toStdString();
        fs::remove(config);
        QCOMPARE(mkfifo(config.c_str(), 0644), 0);
        auto checkpoint = Checkpoint::open(model);
        QVERIFY(!checkpoint.ok());
        QVERIFY2(message_of(checkpoint.status()).contains(file + ": is a named pipe"),
                 qPrintable(message_of(checkpoint.status())));
    }

    // A tokenizer.json that cannot be read is an error, not a silent switch to the shipped
    // vocabulary.
    void aTokenizerJsonThatIsADeviceIsAnError() {
        const fs::path model = path("device-tokenizer");
        fs::create_directory(model);
        fs::create_symlink("/dev/zero", model / "tokenizer.json");
        auto tokenizer = load_model_tokenizer(model.string());
        QVERIFY(!tokenizer.ok());
        QVERIFY2(message_of(tokenizer.status()).contains("tokenizer.json: is a character device"),
                 qPrintable(message_of(tokenizer.status())));
    }
};

QTEST_GUILESS_MAIN(TestBoundedReads)
#include "test_bounded_reads.moc"
