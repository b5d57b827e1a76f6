// Backend selection must never abort and must explain a CPU fallback. These run on machines
// without a GPU (CI); with a GPU the automatic choice is CUDA and the device is described.
#include <QtTest>

#include "engine/backend/backend_info.h"

using namespace ponder;

class TestBackendSelect : public QObject {
    Q_OBJECT
  private slots:
    void cpuPreferenceNeverProbes() {
        const BackendInfo info = select_backend(BackendPreference::cpu);
        QCOMPARE(info.kind, BackendKind::cpu);
        QVERIFY(info.cpu_fallback_reason.empty());
        QCOMPARE(info.summary(), std::string("CPU"));
    }
    void automaticChoiceIsExplained() {
        const BackendInfo info = select_backend(BackendPreference::automatic);
        if (info.kind == BackendKind::cuda) {
            QVERIFY(!info.gpu.name.empty());
            QVERIFY(info.gpu.total_memory > 0);
            QVERIFY(info.gpu.compute_major >= 9);
            QVERIFY(info.summary().rfind("CUDA: ", 0) == 0);
        } else {
            // No module, no driver or no device: the reason is said, not swallowed.
            QVERIFY2(!info.cpu_fallback_reason.empty(), info.summary().c_str());
            QVERIFY(info.summary().rfind("CPU (", 0) == 0);
        }
    }
    void missingModuleFallsBackCleanly() {
        // A module path that does not exist must read as "no CUDA", not crash. The module is
        // loaded once per process, so this runs in a child process of this same test binary.
        if (qEnvironmentVariableIsSet("PONDER_TEST_CHILD")) return;
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PONDER_CUDA_MODULE", "/nonexistent/libponder_cuda.so");
        env.insert("PONDER_TEST_CHILD", "1");
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {"automaticChoiceIsExplained"});
        QVERIFY(child.waitForFinished(30000));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestBackendSelect)
#include "test_backend_select.moc"
