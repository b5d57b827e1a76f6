// "Offline and private" as a test (README, Privacy): a whole session of the real binaries
//   1. opens no AF_INET / AF_INET6 socket (traced with strace -f), and
//   2. succeeds inside a network namespace that has no interfaces at all (unshare -n).
// The session is a shell script of real commands: start, make and load a model, chat from the
// CLI and through the window, export, quit.
// When the user does start the local API (ponder-cli serve), its one listener is on loopback,
// and every address the traced session binds or reaches is 127.0.0.1.
#include <QtTest>

namespace {

QString binary(const char* name) {
    return QString(PONDER_BINARY_DIR) + "/" + name;
}

// Writes the session script into `dir` and returns its path. Every step must succeed.
QString writeSessionScript(const QTemporaryDir& dir) {
    const QString path = dir.filePath("session.sh");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return {};
    QTextStream out(&file);
    const QString db = dir.filePath("history.sqlite3");
    const QString model = dir.filePath("tiny-model");
    out << "set -e\n"
        << "export XDG_DATA_HOME='" << dir.filePath("data") << "'\n"
        << "export XDG_CONFIG_HOME='" << dir.filePath("config") << "'\n"
        << "export QT_QPA_PLATFORM=offscreen\n"
        << "mkdir -p \"$XDG_CONFIG_HOME/Ponder\"\n"
        // A small context bounds how long the random model talks.
        << "printf '[model]\\ncontextLength=600\\n' > \"$XDG_CONFIG_HOME/Ponder/Ponder.conf\"\n"
        << "'" << binary("ponder-cli") << "' --version\n"
        << "'" << binary("ponder-cli") << "' backend\n"
        << "'" << binary("ponder-cli") << "' make-model --preset tiny --out '" << model
        << "' --seed 5\n"
        << "'" << binary("ponder-cli") << "' chat --model '" << model << "' --db '" << db
        << "' --new --prompt 'What is 23 + 19?' --max-tokens 24 --seed 1\n"
        << "'" << binary("ponder") << "' --db '" << db << "' --model '" << model
        << "' --send 'And 2 + 2?' --screenshot '" << dir.filePath("window.png") << "'\n"
        << "'" << binary("ponder-cli") << "' history export --all --format html --db '" << db
        << "' --out '" << dir.filePath("all.html") << "'\n"
        << "'" << binary("ponder-cli") << "' history export --all --format json --db '" << db
        << "' --out '" << dir.filePath("all.json") << "'\n"
        << "test -s '" << dir.filePath("window.png") << "'\n"
        << "test -s '" << dir.filePath("all.html") << "'\n"
        << "grep -q 'And 2 + 2?' '" << dir.filePath("all.json") << "'\n";
    return path;
}

bool toolAvailable(const QString& program, const QStringList& probeArgs) {
    QProcess probe;
    probe.start(program, probeArgs);
    return probe.waitForFinished(10000) && probe.exitStatus() == QProcess::NormalExit &&
           probe.exitCode() == 0;
}

// A session that starts `ponder-cli serve`, asks it for its models over 127.0.0.1 (bash's
// /dev/tcp) and stops it with SIGTERM, as Ctrl+C would.
QString writeServerScript(const QTemporaryDir& dir) {
    const QString path = dir.filePath("serve.sh");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return {};
    QTextStream out(&file);
    const QString model = dir.filePath("tiny-model");
    const QString log = dir.filePath("serve.log");
    out << "set -e\n"
        << "export XDG_DATA_HOME='" << dir.filePath("data") << "'\n"
        << "'" << binary("ponder-cli") << "' make-model --preset tiny --out '" << model
        << "' --seed 5\n"
        << "'" << binary("ponder-cli") << "' serve --model '" << model << "' --port 0 --no-key 2> '"
        << log << "' &\n"
        << "server=$!\n"
        << "for i in $(seq 1 300); do grep -q 'serving' '" << log << "' && break; sleep 0.1; done\n"
        << "port=$(sed -n 's|.*http://127.0.0.1:\\([0-9]*\\)/v1.*|\\1|p' '" << log << "')\n"
        << "test -n \"$port\"\n"
        << "exec 3<>/dev/tcp/127.0.0.1/$port\n"
        << "printf 'GET /v1/models HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: "
           "close\\r\\n\\r\\n' >&3\n"
        << "grep -q tiny-model <&3\n"
        << "kill -TERM $server\n"
        << "wait $server\n";
    return path;
}

}  // namespace

class TestOffline : public QObject {
    Q_OBJECT
  private slots:
    void sessionOpensNoInternetSocket() {
        if (!toolAvailable("strace", {"-V"}))
            QSKIP("strace is not installed (tools/setup.sh installs it)");
        QTemporaryDir dir;
        const QString script = writeSessionScript(dir);
        const QString trace = dir.filePath("trace.log");
        QProcess session;
        session.start("strace", {"-f", "-e", "trace=network", "-o", trace, "bash", script});
        QVERIFY(session.waitForFinished(400000));
        QVERIFY2(session.exitCode() == 0, session.readAllStandardError().constData());

        QFile log(trace);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(log.readAll()).split('\n');
        QVERIFY2(lines.size() > 1, "strace recorded nothing: the trace is not working");
        QStringList internet;
        for (const QString& line : lines) {
            if (line.contains("AF_INET") || line.contains("AF_INET6")) internet << line;
        }
        QVERIFY2(internet.isEmpty(), qPrintable("internet sockets:\n" + internet.join('\n')));
    }

    void serverListensOnlyOnLoopback() {
        if (!toolAvailable("strace", {"-V"}))
            QSKIP("strace is not installed (tools/setup.sh installs it)");
        QProcess help;
        help.start(binary("ponder-cli"), {"help"});
        QVERIFY(help.waitForFinished(10000));
        if (!help.readAllStandardOutput().contains("serve"))
            QSKIP("this ponder-cli was built without the local API (no cpp-httplib)");
        QTemporaryDir dir;
        const QString script = writeServerScript(dir);
        const QString trace = dir.filePath("trace.log");
        QProcess session;
        session.start("strace", {"-f", "-e", "trace=network", "-o", trace, "bash", script});
        QVERIFY(session.waitForFinished(300000));
        QVERIFY2(session.exitCode() == 0, session.readAllStandardError().constData());

        QFile log(trace);
        QVERIFY(log.open(QIODevice::ReadOnly));
        int listeners = 0;
        QStringList elsewhere;
        for (const QString& line : QString::fromUtf8(log.readAll()).split('\n')) {
            const bool names_address = line.contains("sin_addr") || line.contains("sin6_addr");
            if (!names_address) continue;
            const bool loopback = line.contains("inet_addr(\"127.0.0.1\")") ||
                                  line.contains("inet_pton(AF_INET6, \"::1\"");
            if (!loopback) elsewhere << line;
            if (line.contains(" bind(") && loopback) ++listeners;
        }
        QVERIFY2(elsewhere.isEmpty(),
                 qPrintable("non-loopback addresses:\n" + elsewhere.join('\n')));
        QCOMPARE(listeners, 1);
    }

    void sessionSucceedsWithoutNetworkInterfaces() {
        if (!toolAvailable("unshare", {"-n", "true"}))
            QSKIP(
                "this machine does not allow network namespaces (unshare -n needs root or user "
                "namespaces)");
        QTemporaryDir dir;
        const QString script = writeSessionScript(dir);
        QProcess session;
        session.start("unshare", {"-n", "bash", script});
        QVERIFY(session.waitForFinished(400000));
        QVERIFY2(session.exitCode() == 0, session.readAllStandardError().constData());
        QVERIFY(QFileInfo(dir.filePath("window.png")).size() > 0);
    }
};

QTEST_GUILESS_MAIN(TestOffline)
#include "test_offline.moc"
