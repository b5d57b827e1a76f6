// ponder-ui-bench: the desktop app measured where users feel it, as a program that prints a
// table (docs/architecture.md §7; never timed assertions in tests):
//   1. frame times and event-loop latency while an answer streams in at a steady token rate
//      (reasoning pane and Markdown answer growing live);
//   2. the time to open a conversation of 5,000 messages, from the click to the frame that
//      shows it, next to the storage's share;
//   3. the app's memory: at start, with the model loaded, after the streamed answer and with
//      the long conversation open, and its peak.
// Everything is the real app: the window (Main.qml), ChatController, EngineWorker,
// EventCoalescer, MessageListModel and a SQLite history, all in a temporary directory (the
// settings too, so the user's are untouched). Only the model's sampling is replaced, by a
// script of real tokens paced at the rate asked (PacedTokenSource). Headless by default.
#include <QtQml/qqmlextensionplugin.h>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QProcess>
#include <QQuickStyle>
#include <QSGRendererInterface>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <cstdio>
#include <optional>

#include "app/core/model_discovery.h"
#include "app/gui/bench/bench_app.h"
#include "app/gui/bench/bench_history.h"
#include "app/gui/bench/bench_report.h"
#include "app/gui/bench/bench_text.h"
#include "app/gui/bench/open_phase.h"
#include "app/gui/bench/paced_token_source.h"
#include "app/gui/bench/process_info.h"
#include "app/gui/bench/stream_phase.h"
#include "engine/tokenizer/o200k_harmony.h"

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(PonderGuiPlugin)

using namespace ponder;
using namespace ponder::gui::bench;

namespace {

struct Options {
    int messages = 5000;  // of the long conversation
    int small = 300;      // small conversations beside it
    double rate = 300;    // tokens per second streamed
    int tokens = 3000;    // of the streamed answer
    int repeats = 5;      // opens of the long conversation
    QString model;        // folder; default: the demo model
    QString out;          // also write the table here
    QString framesCsv;    // and the streaming run's frames, one per line
};

// Before QGuiApplication: headless unless a display is there, rendering on the GUI thread (the
// meters time frames there), and the user's settings and data out of reach.
void prepareEnvironment(const QTemporaryDir& dir) {
    const bool display =
        qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
    if (!display && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qgetenv("QT_QPA_PLATFORM") == "offscreen" && !qEnvironmentVariableIsSet("QT_QUICK_BACKEND"))
        qputenv("QT_QUICK_BACKEND", "software");
    if (!qEnvironmentVariableIsSet("QSG_RENDER_LOOP")) qputenv("QSG_RENDER_LOOP", "basic");
    if (!qEnvironmentVariableIsSet("XDG_RUNTIME_DIR")) {  // Qt wants one, private to us
        const QString runtime = dir.filePath(QStringLiteral("runtime"));
        QDir().mkpath(runtime);
        QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", runtime.toLocal8Bit());
    }
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("XDG_DATA_HOME", dir.filePath(QStringLiteral("data")).toLocal8Bit());
}

std::optional<Options> parseOptions(const QGuiApplication& app) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Measures Ponder's window: frames while streaming, opening a long "
                       "conversation, memory. Prints a Markdown table."));
    parser.addHelpOption();
    const QCommandLineOption messages(QStringLiteral("messages"),
                                      QStringLiteral("Messages of the long conversation (5000)."),
                                      QStringLiteral("N"), QStringLiteral("5000"));
    const QCommandLineOption small(QStringLiteral("small"),
                                   QStringLiteral("Small conversations beside it (300)."),
                                   QStringLiteral("N"), QStringLiteral("300"));
    const QCommandLineOption rate(QStringLiteral("rate"),
                                  QStringLiteral("Tokens per second streamed (300)."),
                                  QStringLiteral("TOKENS_PER_S"), QStringLiteral("300"));
    const QCommandLineOption tokens(QStringLiteral("tokens"),
                                    QStringLiteral("Tokens of the streamed answer (3000)."),
                                    QStringLiteral("N"), QStringLiteral("3000"));
    const QCommandLineOption repeats(QStringLiteral("repeats"),
                                     QStringLiteral("Opens of the long conversation (5)."),
                                     QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption model(
        QStringLiteral("model"),
        QStringLiteral("Model folder to load (default: the demo model; without one, a tiny "
                       "random-weight model made with ponder-cli)."),
        QStringLiteral("DIR"));
    const QCommandLineOption out(QStringLiteral("out"),
                                 QStringLiteral("Also write the table to FILE."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption framesCsv(
        QStringLiteral("frames-csv"),
        QStringLiteral("Write every frame of the streaming run to FILE (end, render, cpu and gap "
                       "in ms) to see where time went."),
        QStringLiteral("FILE"));
    parser.addOptions({messages, small, rate, tokens, repeats, model, out, framesCsv});
    parser.process(app);

    Options options;
    bool ok = true;
    auto integer = [&](const QCommandLineOption& option, int low) {
        bool parsed = false;
        const int value = parser.value(option).toInt(&parsed);
        ok = ok && parsed && value >= low;
        return value;
    };
    options.messages = integer(messages, 3);
    options.small = integer(small, 1);
    options.tokens = integer(tokens, 20);
    options.repeats = integer(repeats, 1);
    bool rateOk = false;
    options.rate = parser.value(rate).toDouble(&rateOk);
    options.model = parser.value(model);
    options.out = parser.value(out);
    options.framesCsv = parser.value(framesCsv);
    if (!ok || !rateOk || options.rate <= 0) {
        std::fprintf(stderr, "ponder-ui-bench: every count must be a positive number\n");
        return std::nullopt;
    }
    return options;
}

// The model to load, and how the table should name it. Without --model and without the demo
// model in the tree, a tiny random-weight gpt-oss is made next to the history.
std::optional<std::pair<QString, QString>> chooseModel(const Options& options,
                                                       const QTemporaryDir& dir) {
    if (!options.model.isEmpty()) {
        const QString folder = QFileInfo(options.model).absoluteFilePath();
        return std::pair{folder, folder};
    }
    if (auto demo = core::demo_model_folder()) {
        const QString folder = QString::fromStdString(demo->string());
        return std::pair{folder, QStringLiteral("the demo model (%1)").arg(folder)};
    }
    const QString folder = dir.filePath(QStringLiteral("tiny-model"));
    QProcess cli;
    cli.start(QCoreApplication::applicationDirPath() + QStringLiteral("/ponder-cli"),
              {QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("tiny"),
               QStringLiteral("--out"), folder});
    if (!cli.waitForFinished(120000) || cli.exitCode() != 0) {
        std::fprintf(stderr,
                     "ponder-ui-bench: no demo model, and ponder-cli make-model failed: %s\n",
                     cli.readAllStandardError().constData());
        return std::nullopt;
    }
    return std::pair{folder, QStringLiteral("a tiny random-weight gpt-oss (`ponder-cli make-model "
                                            "--preset tiny`): resources/demo-model is missing")};
}

QString graphicsApi(QQuickWindow* window) {
    switch (window->rendererInterface()->graphicsApi()) {
        case QSGRendererInterface::Software:
            return QStringLiteral("software");
        case QSGRendererInterface::OpenGL:
            return QStringLiteral("OpenGL");
        case QSGRendererInterface::Vulkan:
            return QStringLiteral("Vulkan");
        default:
            return QStringLiteral("other");
    }
}

QString commandLine() {
    QStringList words = QCoreApplication::arguments();
    words.first() = QStringLiteral("ponder-ui-bench");
    return words.join(' ');
}

// What ran where, for the lines above the table.
struct RunFacts {
    double loadBefore = 0, loadAfter = 0;
    QString model;
    Options options;
    std::int64_t messages = 0;
    double fillSeconds = 0;
    std::int64_t streamedTokens = 0;
};

QStringList runHeader(const RunFacts& run, QQuickWindow* window) {
    const QString now =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    return {
        QStringLiteral("## ponder-ui-bench, %1").arg(now),
        QString(),
        QStringLiteral("- Command: `%1`").arg(commandLine()),
        QStringLiteral("- Machine: %1, %2 cores; load average %3 before, %4 after")
            .arg(QString::fromStdString(cpuModel()))
            .arg(QThread::idealThreadCount())
            .arg(run.loadBefore, 0, 'f', 2)
            .arg(run.loadAfter, 0, 'f', 2),
        QStringLiteral("- Qt %1, platform %2, Qt Quick %3 renderer on the GUI thread")
            .arg(QString::fromLatin1(qVersion()), QGuiApplication::platformName(),
                 graphicsApi(window)),
        QStringLiteral("- Model: %1").arg(run.model),
        QStringLiteral("- History: 1 conversation of %1 messages + %2 small ones (%3 messages, "
                       "written in %4 s)")
            .arg(run.options.messages)
            .arg(run.options.small)
            .arg(run.messages)
            .arg(run.fillSeconds, 0, 'f', 1),
        QStringLiteral("- Streamed: %1 tokens of o200k_harmony (analysis, then a Markdown answer) "
                       "at %2 tokens/s")
            .arg(run.streamedTokens)
            .arg(run.options.rate),
    };
}

bool writeFramesCsv(const QString& path, const StreamResult& stream) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
    QTextStream out(&file);
    out << "end_ms,render_ms,cpu_ms,gap_ms\n";
    for (const FrameMeter::Frame& frame : stream.frames)
        out << frame.endMs << ',' << frame.renderMs << ',' << frame.cpuMs << ',' << frame.gapMs
            << '\n';
    return out.status() == QTextStream::Ok;
}

int fail(const QString& why) {
    std::fprintf(stderr, "ponder-ui-bench: %s\n", qPrintable(why));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    QTemporaryDir dir;
    if (!dir.isValid()) return fail(QStringLiteral("cannot make a temporary directory"));
    prepareEnvironment(dir);
    QGuiApplication app(argc, argv);
    // The names main.cpp gives, so AppSettings finds its file where the app's would be (under
    // the temporary XDG_CONFIG_HOME).
    QGuiApplication::setApplicationName(QStringLiteral("Ponder"));
    QGuiApplication::setOrganizationName(QStringLiteral("Ponder"));
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
    const auto options = parseOptions(app);
    if (!options) return 2;
    const double loadBefore = loadAverage();

    const auto model = chooseModel(*options, dir);
    if (!model) return 1;
    const QString database = dir.filePath(QStringLiteral("history.sqlite3"));
    QElapsedTimer clock;
    clock.start();
    BenchHistory history;
    {
        auto store = core::HistoryStore::open(database.toStdString());
        if (!store) return fail(QString::fromStdString(store.status().message()));
        auto filled = fillBenchHistory(**store, options->messages, options->small);
        if (!filled) return fail(QString::fromStdString(filled.status().message()));
        history = std::move(*filled);
    }
    const double fillSeconds = clock.nsecsElapsed() / 1e9;

    // The window's first frame is measured without a model: the settings name an empty folder,
    // so start() fails to load it at once (as after a model folder was moved away). The model
    // is then loaded as the model panel loads it.
    const QString noModel = dir.filePath(QStringLiteral("no-model"));
    QDir().mkpath(noModel);
    gui::AppSettings().setModelFolder(noModel);

    // The script's tokenizer and source outlive the app, whose worker uses them.
    std::optional<Tokenizer> tokenizer;
    std::unique_ptr<PacedTokenSource> source;
    std::optional<BenchApp> bench;
    bench.emplace(database);
    if (bench->window() == nullptr || bench->messageList() == nullptr)
        return fail(QStringLiteral("the window (Main.qml) did not load"));
    gui::ChatController& chat = bench->chat();

    ReportInputs report;
    report.tokenRateAsked = options->rate;
    report.longMessages = options->messages;
    if (!waitUntil(
            [&] { return bench->frames().frameCount() > 0 && chat.modelState() != "loading"; },
            30000))
        return fail(QStringLiteral("the window rendered no frame"));
    waitForQuiet(*bench, 300, 10000);
    report.memory.push_back({QStringLiteral("window shown, no model"), {}, readProcessMemory()});

    clock.restart();
    chat.loadModel(model->first);
    if (!waitUntil([&] { return chat.modelState() != "loading"; }, 300000) ||
        chat.modelState() != "ready")
        return fail(QStringLiteral("the model did not load: %1").arg(chat.modelError()));
    const double loadSeconds = clock.nsecsElapsed() / 1e9;
    waitForQuiet(*bench, 300, 10000);
    const QString modelName = chat.modelName();
    report.memory.push_back(
        {QStringLiteral("model loaded"),
         QStringLiteral("%1, loaded in %2 s").arg(modelName).arg(loadSeconds, 0, 'f', 2),
         readProcessMemory()});

    auto loaded = load_o200k_harmony();
    if (!loaded) return fail(QString::fromStdString(loaded.status().message()));
    tokenizer.emplace(std::move(*loaded));
    report.memory.push_back({QStringLiteral("o200k tokenizer of the bench's script"),
                             QStringLiteral("the bench's, not the app's"), readProcessMemory()});

    const std::string script = harmonyAnswer(*tokenizer, options->tokens);
    source =
        std::make_unique<PacedTokenSource>(tokenizer->encode_with_special(script), options->rate);
    const int streamTimeoutMs = int(options->tokens / options->rate * 3000) + 60000;
    report.stream = runStreamPhase(*bench, *source, *tokenizer,
                                   modelName + QStringLiteral(" (paced script)"), streamTimeoutMs);
    report.memory.push_back({QStringLiteral("after the streamed answer"), {}, readProcessMemory()});
    if (!options->framesCsv.isEmpty() && !writeFramesCsv(options->framesCsv, report.stream))
        return fail(QStringLiteral("cannot write %1").arg(options->framesCsv));

    report.open = runOpenPhase(*bench, history, database, options->repeats);
    report.memory.push_back({QStringLiteral("%1-message conversation open").arg(options->messages),
                             {},
                             readProcessMemory()});

    report.header = runHeader({loadBefore, loadAverage(), model->second, *options, history.messages,
                               fillSeconds, source->producedTokens()},
                              bench->window());
    const QString table = renderReport(report);
    std::fputs(qPrintable(table), stdout);
    std::fflush(stdout);
    if (!options->out.isEmpty()) {
        QFile file(options->out);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(table.toUtf8()) < 0)
            return fail(QStringLiteral("cannot write %1").arg(options->out));
    }
    if (!report.stream.error.isEmpty()) return fail(report.stream.error);
    if (!report.open.error.isEmpty()) return fail(report.open.error);
    return 0;
}
