// The python sandbox under attack: network access, writes outside the working folder, a fork
// bomb, an infinite loop, huge output, memory exhaustion, reaching the app's open files. Each
// must be blocked or bounded, and this test process must come through unharmed.
//
// Where the machine cannot provide the sandbox (no user namespaces, e.g. some containers), the
// attack tests are skipped with the reason: python is then not offered at all, which
// pythonIsNotOfferedWithoutItsProtections checks.
#include <QtTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "app/core/tools/local_tool_runner.h"
#include "app/core/tools/python_sandbox.h"
#include "app/core/tools/sandbox_child.h"

using namespace ponder;
using namespace ponder::core;

namespace {

PythonSandboxOptions quick_options() {
    PythonSandboxOptions options;
    options.limits.wall_time = std::chrono::seconds(3);
    options.limits.cpu_seconds = 2;
    return options;
}

}  // namespace

class TestPythonSandbox : public QObject {
    Q_OBJECT
    std::unique_ptr<PythonSandbox> sandbox_;
    std::string skip_reason_;

    SandboxRun run(const std::string& code) {
        auto result = sandbox_->run(code);
        if (!result) qWarning("%s", result.status().message().c_str());
        return result ? *result : SandboxRun{};
    }

  private slots:
    void initTestCase() {
        sandbox_ = std::make_unique<PythonSandbox>(quick_options());
        const SandboxSupport support = sandbox_->support();
        if (!support.ok) {
            skip_reason_ = "python sandbox unavailable here: " + support.reason;
        } else {
            qInfo("python %s: %s", support.interpreter.c_str(), support.summary.c_str());
        }
    }
    void init() {
        const QString name = QTest::currentTestFunction();
        if (!skip_reason_.empty() && name != "pythonIsNotOfferedWithoutItsProtections") {
            QSKIP(skip_reason_.c_str());
        }
    }

    void pythonIsNotOfferedWithoutItsProtections() {
        PythonSandboxOptions options;
        options.interpreter = "/nonexistent/python3";
        PythonSandbox missing(options);
        const SandboxSupport support = missing.support();
        QVERIFY(!support.ok);
        QVERIFY(support.reason.find("/nonexistent/python3 does not exist") != std::string::npos);
        auto run = missing.run("print(1)");
        QVERIFY(!run.ok());
        QCOMPARE(run.status().code(), StatusCode::unsupported);
        // An interpreter that is not Python: the probe run fails, so it is not offered either.
        options.interpreter = "/bin/false";
        QVERIFY(!PythonSandbox(options).support().ok);
    }

    void runsCodeAndReportsWhatItPrinted() {
        const SandboxRun r =
            run("import sys\nprint('hello', 6 * 7)\nprint('oops', file=sys.stderr)\n"
                "sys.exit(3)\n");
        QCOMPARE(r.stdout_text, std::string("hello 42\n"));
        QCOMPARE(r.stderr_text, std::string("oops\n"));
        QCOMPARE(r.exit_code, std::optional<int>(3));
        QVERIFY(!r.timed_out && !r.output_limit);
        using namespace sandbox;
        QVERIFY(r.protections & kNetworkNamespace);
        QVERIFY(r.protections & kPidNamespace);
        QVERIFY(r.protections & (kReadOnlyMounts | kLandlockFiles));
        QVERIFY(r.protections & kResourceLimits);
        // The working folder is a private /tmp, writable, and empty but for the program.
        const SandboxRun cwd =
            run("import os\nopen('out.txt', 'w').write('x')\n"
                "print(os.getcwd(), sorted(os.listdir('.')))\n");
        QCOMPARE(cwd.stdout_text, std::string("/tmp ['main.py', 'out.txt']\n"));
    }

    void noNetwork() {
        // A listening socket on this machine's loopback, and an address on the internet: the
        // sandbox has its own network namespace, so neither is reachable.
        const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        QVERIFY(server >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QVERIFY(bind(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
        QVERIFY(listen(server, 4) == 0);
        socklen_t length = sizeof(address);
        getsockname(server, reinterpret_cast<sockaddr*>(&address), &length);
        const int port = ntohs(address.sin_port);
        const SandboxRun r = run(
            "import socket\n"
            "for host, port in [('127.0.0.1', " +
            std::to_string(port) +
            "), ('1.1.1.1', 53), "
            "('8.8.8.8', 443)]:\n"
            "    try:\n"
            "        socket.create_connection((host, port), timeout=2)\n"
            "        print('CONNECTED', host)\n"
            "    except OSError as e:\n"
            "        print('blocked', host)\n"
            "try:\n"
            "    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('8.8.8.8', 53))\n"
            "    print('SENT UDP')\n"
            "except OSError:\n"
            "    print('blocked udp')\n"
            "try:\n"
            "    socket.getaddrinfo('example.com', 80)\n"
            "    print('RESOLVED')\n"
            "except OSError:\n"
            "    print('blocked dns')\n");
        QCOMPARE(r.stdout_text, std::string("blocked 127.0.0.1\nblocked 1.1.1.1\nblocked 8.8.8.8\n"
                                            "blocked udp\nblocked dns\n"));
        // Nothing knocked on the test's own socket.
        fcntl(server, F_SETFL, O_NONBLOCK);
        QVERIFY(accept(server, nullptr, nullptr) < 0);
        close(server);
    }

    void noWritesOutsideTheWorkingFolder() {
        // A folder of this machine outside /tmp (the build tree), and this machine's /tmp,
        // which inside the sandbox is a different, private /tmp.
        const std::filesystem::path outside =
            std::filesystem::path(PONDER_BINARY_DIR) / "sandbox-write-test";
        std::filesystem::create_directories(outside);
        std::filesystem::permissions(outside, std::filesystem::perms::all);
        QTemporaryDir host_tmp;
        const std::string targets[] = {
            (outside / "pwned").string(), host_tmp.filePath("pwned").toStdString(),
            std::string(getenv("HOME") ? getenv("HOME") : "/root") + "/ponder-pwned"};
        std::string code = "import os\n";
        for (const std::string& target : targets) {
            code += "try:\n    open('" + target +
                    "', 'w').write('x')\n    print('WROTE')\n"
                    "except OSError as e:\n    print('blocked', e.errno)\n";
        }
        code += "try:\n    os.mkdir('" + outside.string() +
                "/dir')\n    print('MADE')\n"
                "except OSError:\n    print('blocked mkdir')\n";
        const SandboxRun r = run(code);
        QVERIFY2(r.stdout_text.find("WROTE") == std::string::npos, r.stdout_text.c_str());
        QVERIFY2(r.stdout_text.rfind("blocked", 0) == 0, r.stdout_text.c_str());
        for (const std::string& target : targets) {
            QVERIFY2(!std::filesystem::exists(target), target.c_str());
        }
        QVERIFY(!std::filesystem::exists(outside / "dir"));
        QVERIFY(r.stdout_text.find("MADE") == std::string::npos);
        std::filesystem::remove_all(outside);
    }

    void forkBombIsBounded() {
        QElapsedTimer timer;
        timer.start();
        const SandboxRun r =
            run("import os, time\n"
                "failed = False\n"
                "for _ in range(10000):\n"
                "    try:\n"
                "        os.fork()\n"
                "    except OSError:\n"
                "        failed = True\n"
                "        break\n"
                "if failed: print('fork refused', flush=True)\n"
                "time.sleep(60)\n");
        QVERIFY(r.stdout_text.find("fork refused") != std::string::npos);  // the process limit
        QVERIFY(r.timed_out);
        QVERIFY(timer.elapsed() < 10000);
        // Every process of the bomb is gone: nothing but us runs as the sandbox's children, and
        // the next program runs normally.
        QCOMPARE(run("print('fine')").stdout_text, std::string("fine\n"));
    }

    void infiniteLoopIsStopped() {
        QElapsedTimer timer;
        timer.start();
        const SandboxRun r = run("while True:\n    pass\n");
        // The CPU limit (2 s) or the wall clock (3 s) ends it, whichever comes first.
        QVERIFY(r.timed_out || r.signal == SIGXCPU || r.signal == SIGKILL);
        QVERIFY(timer.elapsed() >= 1500);
        QVERIFY(timer.elapsed() < 8000);
        // Sleeping does not use CPU: the wall clock ends it.
        const SandboxRun sleeper = run("import time\ntime.sleep(100)\n");
        QVERIFY(sleeper.timed_out);
    }

    void hugeOutputIsBounded() {
        QElapsedTimer timer;
        timer.start();
        const SandboxRun r = run("while True:\n    print('x' * 10000)\n");
        QVERIFY(r.output_limit);
        QCOMPARE(r.stdout_text.size(), sandbox_->options().limits.kept_output_bytes);
        QVERIFY(r.stdout_bytes > sandbox_->options().limits.output_stop_bytes);
        QVERIFY(timer.elapsed() < 8000);
    }

    void memoryIsBounded() {
        const SandboxRun r = run("x = bytearray(8 * 1024 ** 3)\nprint(len(x))\n");
        QVERIFY2(r.stderr_text.find("MemoryError") != std::string::npos, r.stderr_text.c_str());
        QCOMPARE(r.exit_code, std::optional<int>(1));
    }

    void theAppsFilesAreClosed() {
        // A file this process has open (as the app has its database) is not inherited.
        QTemporaryFile file;
        QVERIFY(file.open());
        const SandboxRun r = run("import os\nprint(sorted(os.listdir('/proc/self/fd')))\n");
        QCOMPARE(r.stdout_text, std::string("['0', '1', '2', '3']\n"));  // 3: listdir's own
    }

    void otherProcessesAreInvisible() {
        const SandboxRun r =
            run("import os\n"
                "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n"
                "try:\n    os.kill(" +
                std::to_string(getpid()) +
                ", 9)\n    print('SIGNALLED')\n"
                "except OSError:\n    print('no such process')\n");
        if (r.protections & sandbox::kPrivateProc) {
            QCOMPARE(r.stdout_text, std::string("[1]\nno such process\n"));
        } else {
            // No private /proc here: then Landlock must keep the host's /proc unreadable.
            QVERIFY(r.protections & sandbox::kLandlockFiles);
            QVERIFY(r.stderr_text.find("PermissionError") != std::string::npos);
        }
    }

    void stopKillsTheProgram() {
        std::atomic<bool> cancel{false};
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            cancel = true;
        });
        QElapsedTimer timer;
        timer.start();
        auto r = sandbox_->run("import time\nprint('started', flush=True)\ntime.sleep(30)\n",
                               std::chrono::steady_clock::time_point::max(), &cancel);
        stopper.join();
        QVERIFY(r.ok());
        QVERIFY(r->cancelled);
        QCOMPARE(r->stdout_text, std::string("started\n"));
        QVERIFY(timer.elapsed() < 2500);
    }

    void theToolAnswersTheModel() {
        LocalToolRunnerOptions options;
        options.approve = [](const ApprovalRequest&, const std::atomic<bool>*) {
            return ApprovalDecision::approve_once;
        };
        options.python = quick_options();
        options.time_limits["python"] = std::chrono::seconds(1);
        LocalToolRunner runner(std::move(options));
        ConversationSettings settings;
        settings.enabled_tools = {"python"};
        QCOMPARE(runner.definitions(settings).size(), size_t(1));
        auto call = [&](const std::string& code) {
            ToolInvocation invocation;
            invocation.recipient = "functions.python";
            invocation.arguments = Json{{"code", code}}.dump();
            return runner.run(invocation, settings, nullptr);
        };
        QCOMPARE(call("print(2 ** 100)").result, std::string("1267650600228229401496703205376\n"));
        const ToolOutcome raised = call("1 / 0");
        QCOMPARE(raised.error, std::string());  // a traceback is an answer the model can use
        QVERIFY(raised.result.find("ZeroDivisionError") != std::string::npos);
        QVERIFY(raised.result.find("[exit status 1]") != std::string::npos);
        const ToolOutcome slow = call("import time\nprint('tick', flush=True)\ntime.sleep(10)");
        QVERIFY2(slow.error.find("timed out after 1 s") == 0, slow.error.c_str());
        QVERIFY(slow.error.find("output so far:\ntick") != std::string::npos);
        QCOMPARE(call("").result, std::string("(no output)"));
    }
};

QTEST_GUILESS_MAIN(TestPythonSandbox)
#include "test_python_sandbox.moc"
