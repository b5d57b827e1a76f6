// The .npy writer and reader: round trips, the golden logits file, and malformed input.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "engine/io/npy.h"

using namespace ponder;

class TestNpy : public QObject {
    Q_OBJECT
  private slots:
    void roundTripsShapes() {
        QTemporaryDir dir;
        const std::filesystem::path path = dir.filePath("a.npy").toStdString();
        const std::vector<std::vector<std::int64_t>> shapes = {{2, 3}, {5}, {}, {1, 2, 2}, {0, 4}};
        for (const auto& shape : shapes) {
            std::int64_t count = 1;
            for (std::int64_t d : shape)
                count *= d;
            std::vector<float> data(static_cast<size_t>(count));
            for (size_t i = 0; i < data.size(); ++i)
                data[i] = 0.5f * float(i) - 1.0f;
            QVERIFY(write_npy(path, shape, data).ok());
            // Every header is padded so the data starts on a 64-byte boundary.
            QCOMPARE(std::filesystem::file_size(path) % 64, (data.size() * 4) % 64);
            auto back = read_npy(path);
            QVERIFY2(back.ok(), back.status().to_string().c_str());
            QCOMPARE(back->shape, shape);
            QCOMPARE(back->data, data);
        }
        const std::int64_t wrong[] = {2, 2};
        QCOMPARE(write_npy(path, wrong, std::vector<float>(3)).code(),
                 StatusCode::invalid_argument);
    }

    void readsTheGoldenLogits() {
        auto logits = read_npy(std::filesystem::path(PONDER_TEST_DATA_DIR) /
                               "gpt-oss-tiny/base/logits.f32.npy");
        QVERIFY2(logits.ok(), logits.status().to_string().c_str());
        QCOMPARE(logits->shape, (std::vector<std::int64_t>{64, 1024}));
    }

    void rejectsMalformedFiles() {
        const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        auto file = [&](const std::string& text, size_t data_bytes) {
            std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
            bytes.push_back(static_cast<char>(text.size()));
            bytes.push_back(0);
            return bytes + text + std::string(data_bytes, '\0');
        };
        QVERIFY(parse_npy(file(header, 8), "ok").ok());
        QCOMPARE(parse_npy(file(header, 4), "short").status().code(), StatusCode::bad_model);
        QCOMPARE(parse_npy(file(header, 12), "long").status().code(), StatusCode::bad_model);
        QCOMPARE(parse_npy("not numpy", "junk").status().code(), StatusCode::bad_model);
        std::string f8 = header;
        f8.replace(f8.find("<f4"), 3, "<f8");
        QVERIFY(parse_npy(file(f8, 16), "f8").status().message().find("float32") !=
                std::string::npos);
        std::string fortran = header;
        fortran.replace(fortran.find("False"), 5, "True ");
        QVERIFY(!parse_npy(file(fortran, 8), "fortran").ok());
        std::string huge = header;
        huge.replace(huge.find("(2,)"), 4, "(99999999999999,)");
        QVERIFY(!parse_npy(file(huge, 8), "huge").ok());
        QCOMPARE(read_npy("/nonexistent.npy").status().code(), StatusCode::io_error);
    }
};

QTEST_GUILESS_MAIN(TestNpy)
#include "test_npy.moc"
