// Runs the built ponder-cli as a child process, for the CLI tests (they test the program as a
// user runs it: arguments in, exit status and text out).
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace cli_test {

struct Run {
    int exit_code;
    QString out;
    QString err;
};

// stdin is closed at once, so it is never a terminal: commands with interactive defaults (chat
// --approve) take their non-interactive ones, and nothing waits for input.
inline Run run_cli(const QStringList& arguments) {
    QProcess process;
    process.start(QString(PONDER_BINARY_DIR) + "/ponder-cli", arguments);
    process.closeWriteChannel();
    process.waitForFinished(120000);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace cli_test
