// Loading a model never crashes for want of a GPU: with the CUDA module missing, without a
// device, or with a geometry the kernels are not specialised for (the tiny fixtures), automatic
// backend selection runs the model on the CPU and says why, and asking for CUDA fails with a
// clear message. Runs everywhere (label unit); on a GPU machine the reason is the geometry.
#include <QtTest>

#include <filesystem>
#include <string>

#include "engine/backend/cuda_backend.h"
#include "engine/model.h"
#include "engine/model/random_checkpoint.h"

using namespace ponder;

namespace {

std::filesystem::path fixture() {
    return std::filesystem::path(PONDER_TEST_DATA_DIR) / "gpt-oss-tiny" / "base";
}

bool is_child() {
    return qEnvironmentVariableIsSet("PONDER_TEST_CHILD");
}

// Runs one slot of this binary in a child process with PONDER_CUDA_MODULE=module (the module is
// loaded once per process, so each module path needs its own process).
// The child checks that the fallback reason contains `expected` (empty: any reason).
void run_child(const QString& module, const char* slot, const QString& expected) {
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("PONDER_CUDA_MODULE", module);
    env.insert("PONDER_TEST_CHILD", "1");
    env.insert("PONDER_TEST_EXPECT", expected);
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(QCoreApplication::applicationFilePath(), {slot});
    QVERIFY(child.waitForFinished(120000));
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), 0);
}

}  // namespace

class TestCudaFallback : public QObject {
    Q_OBJECT
  private slots:
    void fitMessageNamesModelContextAndMemory() {
        auto config = random_model_preset("20b");
        QVERIFY(config.ok());
        const std::uint64_t gib = 1ull << 30;
        const Status status =
            check_gpu_fits(*config, 32768, 15 * gib, static_cast<std::uint64_t>(11.2 * gib));
        QCOMPARE(status.code(), StatusCode::out_of_memory);
        QCOMPARE(status.message(), std::string("gpt-oss-20b needs 15.0 GiB of GPU memory for a "
                                               "32k context; the GPU has 11.2 GiB free"));
        QVERIFY(check_gpu_fits(*config, 32768, 10 * gib, 11 * gib).ok());
        const Status odd_context = check_gpu_fits(*config, 1000, 2 * gib, gib);
        QVERIFY(odd_context.message().find("1000-token context") != std::string::npos);

        QCOMPARE(model_display_name(*random_model_preset("120b")), std::string("gpt-oss-120b"));
        QCOMPARE(model_display_name(*random_model_preset("tiny")), std::string("this model"));
    }

    // Child: whatever stops CUDA here, automatic loads on the CPU with a reason, and cuda fails.
    void childAutomaticFallsBackToCpu() {
        if (!is_child()) QSKIP("runs in a child process");
        ModelOptions options;
        options.threads = 1;
        options.backend = BackendPreference::automatic;
        auto model = Model::load(fixture(), options);
        QVERIFY2(model.ok(), model.status().to_string().c_str());
        QCOMPARE(std::string((*model)->backend().name()), std::string("cpu"));
        QCOMPARE((*model)->backend_info().kind, BackendKind::cpu);
        const std::string reason = (*model)->backend_info().cpu_fallback_reason;
        qInfo("automatic -> CPU because: %s", reason.c_str());
        QVERIFY(!reason.empty());
        const std::string expected = qEnvironmentVariable("PONDER_TEST_EXPECT").toStdString();
        QVERIFY2(reason.find(expected) != std::string::npos, expected.c_str());

        options.backend = BackendPreference::cuda;
        auto cuda = Model::load(fixture(), options);
        QVERIFY(!cuda.ok());
        QCOMPARE(cuda.status().code(), StatusCode::unsupported);
        qInfo("cuda -> %s", cuda.status().message().c_str());
        QVERIFY(!cuda.status().message().empty());

        // Random weights on the GPU have no CPU fallback: a clear failure, not a crash.
        auto random = Model::random_on_gpu(*random_model_preset("tiny"), 1);
        QVERIFY(!random.ok());
        QCOMPARE(random.status().code(), StatusCode::unsupported);
    }

    void missingModule() {
        run_child("/nonexistent/libponder_cuda.so", "childAutomaticFallsBackToCpu",
                  "PONDER_CUDA_MODULE names /nonexistent/libponder_cuda.so, which does not exist");
    }

    void realModuleWithoutUsableDevice() {
        const QString module = QString(PONDER_BINARY_DIR) + "/libponder_cuda.so";
        if (!QFile::exists(module)) QSKIP("this build has no CUDA module");
        // No GPU: the probe's reason. A GPU: the fixture's 4 query / 2 KV heads are refused.
        run_child(module, "childAutomaticFallsBackToCpu", "");
    }
};

QTEST_GUILESS_MAIN(TestCudaFallback)
#include "test_cuda_fallback.moc"
