// Hostile inputs (issue #17): every case under tests/data/hostile/ goes through every entry point
// that reads it, as a careless or hostile user would hand it over: model folders through
// `ponder-cli model-info`, `ponder-cli chat` and the app (`ponder --model DIR --send ...`),
// conversation files through `ponder-cli history import`, history databases through
// `ponder-cli history list`, `ponder-cli chat --db` and the app (`ponder --db FILE`).
//
// Each run must end in a clear error (non-zero exit, the message naming the file) or, where the
// case says so, succeed; it must never crash (die by a signal), never hang (the child is killed
// after kHangLimit and the case fails: a hang is forever, so the limit only has to be far above a
// normal run on a loaded 2-core machine; it is not a timing assertion), and never change the
// input. A refused load or import must leave the history without a new conversation.
//
// The cases are data: a folder or file dropped into tests/data/hostile/ is a new case (see
// tests/data/hostile/README.md for the conventions and the case.json fields).
#include <QtTest>

#include <QCryptographicHash>
#include <QProcess>
#include <QTemporaryDir>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "app/core/storage/history_store.h"

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr int kHangLimitMs = 60000;

const fs::path kHostile = fs::path(PONDER_TEST_DATA_DIR) / "hostile";

QString binary(const char* name) {
    return QString(PONDER_BINARY_DIR) + "/" + name;
}

// Where the pieces of a case live and what it expects (README.md: the case fields).
struct Case {
    std::string name;  // the case's folder or file name, for messages
    fs::path source;   // the case folder (models) or input file (conversations, databases)
    Json spec = Json::object();  // case.json / NAME.expect.json / NAME.make.json
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Json read_json(const fs::path& path) {
    return Json::parse(read_file(path), nullptr, /*allow_exceptions=*/false);
}

// Decodes "\xNN" escapes, so that case.json (UTF-8) can name a folder that is not UTF-8.
std::string decode_escapes(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "\\x") == 0 && i + 3 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 2, 2), nullptr, 16));
            i += 3;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The inverse for the shell: printf '%b' turns "\0377" back into the byte.
std::string printf_escaped(const std::string& bytes) {
    std::string out;
    for (const unsigned char c : bytes) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char octal[8];
            std::snprintf(octal, sizeof(octal), "\\0%03o", c);
            out += octal;
        }
    }
    return out;
}

// What is at each path under `root`, without following links or opening anything but regular
// files: a content hash for files, the target for links, the kind for the rest.
std::map<std::string, std::string> snapshot(const fs::path& root) {
    std::map<std::string, std::string> out;
    const auto describe = [&](const fs::path& path) {
        const fs::file_status status = fs::symlink_status(path);
        if (fs::is_symlink(status)) return "link to " + fs::read_symlink(path).string();
        if (fs::is_directory(status)) return std::string("folder");
        if (fs::is_fifo(status)) return std::string("named pipe");
        if (!fs::is_regular_file(status)) return std::string("special file");
        // Sparse test files can be gigabytes: hash the size and the first and last megabyte.
        const auto size = fs::file_size(path);
        std::ifstream in(path, std::ios::binary);
        QCryptographicHash hash(QCryptographicHash::Sha256);
        std::string block(1 << 20, '\0');
        in.read(block.data(), static_cast<std::streamsize>(block.size()));
        hash.addData(QByteArrayView(block.data(), in.gcount()));
        if (size > 2 * block.size()) {
            in.clear();
            in.seekg(static_cast<std::streamoff>(size - block.size()));
            in.read(block.data(), static_cast<std::streamsize>(block.size()));
            hash.addData(QByteArrayView(block.data(), in.gcount()));
        }
        return "file of " + std::to_string(size) + " bytes, " + hash.result().toHex().toStdString();
    };
    if (!fs::is_directory(fs::symlink_status(root))) {
        out[root.filename().string()] = describe(root);
        return out;
    }
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
        out[it->path().lexically_relative(root).string()] = describe(it->path());
    }
    return out;
}

std::string differences(const std::map<std::string, std::string>& before,
                        const std::map<std::string, std::string>& after) {
    std::string out;
    for (const auto& [path, what] : before) {
        const auto found = after.find(path);
        if (found == after.end()) {
            out += path + " disappeared; ";
        } else if (found->second != what) {
            out += path + " changed (" + what + " -> " + found->second + "); ";
        }
    }
    for (const auto& [path, what] : after) {
        if (!before.count(path)) out += path + " appeared (" + what + "); ";
    }
    return out;
}

// Copies `from` (a file or a folder) to `to`, following links in the source tree.
void copy_tree(const fs::path& from, const fs::path& to) {
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

void remove_entry(const fs::path& path) {
    std::error_code ignored;
    fs::remove_all(path, ignored);
}

// The "make" steps (README.md): what git cannot store (pipes, links to devices, sparse giants)
// or would store wastefully (a copy of a checkpoint with one byte changed), done at test time.
// Returns an empty string, or what was wrong with the step.
std::string apply_step(const fs::path& dir, const Json& step) {
    const auto target = [&](const char* key) { return dir / decode_escapes(step[key]); };
    if (step.contains("fifo")) {
        const fs::path path = target("fifo");
        remove_entry(path);
        if (mkfifo(path.c_str(), 0644) != 0) return "mkfifo " + path.string() + " failed";
    } else if (step.contains("link")) {
        const fs::path path = target("link");
        remove_entry(path);
        fs::create_symlink(step["to"].get<std::string>(), path);
    } else if (step.contains("folder")) {
        const fs::path path = target("folder");
        remove_entry(path);
        fs::create_directories(path);
    } else if (step.contains("remove")) {
        remove_entry(target("remove"));
    } else if (step.contains("resize")) {
        // Shorter: truncated; longer: a sparse tail of zeros (no disk space used).
        const fs::path path = target("resize");
        if (!fs::exists(path)) std::ofstream(path, std::ios::binary).flush();
        fs::resize_file(path, step["bytes"].get<std::uint64_t>());
    } else if (step.contains("json")) {
        const fs::path path = target("json");
        Json json = read_json(path);
        if (!json.is_object()) return path.string() + " is not a JSON object";
        for (const auto& [key, value] : step["set"].items())
            json[key] = value;
        std::ofstream(path, std::ios::binary | std::ios::trunc) << json.dump(2);
    } else if (step.contains("write")) {
        // "text", or "hex" for bytes that are not UTF-8.
        const std::string bytes =
            step.contains("hex")
                ? QByteArray::fromHex(QByteArray::fromStdString(step["hex"])).toStdString()
                : step["text"].get<std::string>();
        std::ofstream(target("write"), std::ios::binary | std::ios::trunc) << bytes;
    } else {
        return "unknown step " + step.dump();
    }
    return {};
}

std::string apply_steps(const fs::path& dir, const Json& spec) {
    if (!spec.contains("make")) return {};
    for (const Json& step : spec["make"]) {
        if (std::string problem = apply_step(dir, step); !problem.empty()) return problem;
    }
    return {};
}

enum class Outcome { refused, accepted, either };

std::optional<Outcome> parse_outcome(const std::string& text) {
    if (text == "refused") return Outcome::refused;
    if (text == "accepted") return Outcome::accepted;
    if (text == "either") return Outcome::either;
    return std::nullopt;
}

// A process run with the hang limit enforced: killed when it passes it.
struct Run {
    bool hung = false;
    bool crashed = false;
    int exit_code = 0;
    QByteArray out;
    QByteArray err;
};

// Runs `arguments` (program first) through /bin/sh so that the word "@INPUT@" can stand for a
// path that is not valid UTF-8 (QProcess passes only QStrings): the shell rebuilds its bytes.
Run run_bounded(const QStringList& arguments, const std::string& input,
                const QProcessEnvironment& env) {
    static const QString script = QStringLiteral(
        "input=$(printf '%b' \"$1\"); shift\n"
        "for word; do shift; if [ \"$word\" = @INPUT@ ]; then set -- \"$@\" \"$input\"; "
        "else set -- \"$@\" \"$word\"; fi; done\n"
        "exec \"$@\"\n");
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(
        "/bin/sh",
        QStringList{"-c", script, "sh", QString::fromStdString(printf_escaped(input))} + arguments);
    process.closeWriteChannel();
    Run run;
    if (!process.waitForFinished(kHangLimitMs)) {
        run.hung = process.state() != QProcess::NotRunning;
        process.kill();
        process.waitForFinished(10000);
    }
    run.crashed = !run.hung && process.exitStatus() == QProcess::CrashExit;
    run.exit_code = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

// How many conversations `db` holds (0 when it does not exist), or -1 when it cannot be read.
int conversation_count(const fs::path& db) {
    if (!fs::exists(db)) return 0;
    auto store = ponder::core::HistoryStore::open(db);
    if (!store) return -1;
    auto list = (*store)->list_conversations();
    return list ? static_cast<int>(list->size()) : -1;
}

// One run of one case through one entry point, and everything it must satisfy.
struct Check {
    Outcome outcome = Outcome::refused;
    std::vector<std::string> names;         // each must be in stderr when refused
    fs::path watched;                       // the input: must not change
    bool may_change = false;                // a database the case says may be written when used
    std::optional<fs::path> fresh_history;  // a history that must stay without conversations
};

std::string judge(const Run& run, const Check& check,
                  const std::map<std::string, std::string>& before) {
    std::string problems;
    const std::string err = run.err.toStdString();
    if (run.hung) return "hung: killed after " + std::to_string(kHangLimitMs / 1000) + " s";
    if (run.crashed) return "crashed (killed by a signal); stderr: " + err;
    const bool refused = run.exit_code != 0;
    if (check.outcome == Outcome::refused && !refused) {
        problems += "was accepted (exit 0), expected a refusal; ";
    }
    if (check.outcome == Outcome::accepted && refused) {
        problems += "was refused (exit " + std::to_string(run.exit_code) + "), expected success; ";
    }
    if (refused) {
        if (err.find_first_not_of(" \n") == std::string::npos) {
            problems += "refused without a message; ";
        }
        for (const std::string& name : check.names) {
            if (err.find(name) == std::string::npos) {
                problems += "the message does not name " + name + "; ";
            }
        }
        if (check.fresh_history) {
            const int count = conversation_count(*check.fresh_history);
            if (count != 0) {
                problems += "the history holds " + std::to_string(count) +
                            " conversation(s) after a refusal; ";
            }
        }
    }
    const std::string changed = differences(before, snapshot(check.watched));
    if (!changed.empty() && (refused || !check.may_change)) {
        problems += "the input changed: " + changed;
    }
    if (!problems.empty()) problems += "stderr: " + err.substr(0, 1500);
    return problems;
}

QProcessEnvironment isolated_environment(const QTemporaryDir& dir) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("QT_QUICK_BACKEND", "software");
    env.insert("XDG_CONFIG_HOME", dir.filePath("config"));
    env.insert("XDG_DATA_HOME", dir.filePath("data"));
    env.insert("HF_HUB_CACHE", dir.filePath("hub"));
    env.remove("PONDER_DB");
    // A short context bounds how long an accepted model may talk in the app.
    QDir().mkpath(dir.filePath("config/Ponder"));
    QFile config(dir.filePath("config/Ponder/Ponder.conf"));
    if (config.open(QIODevice::WriteOnly)) config.write("[model]\ncontextLength=600\n");
    return env;
}

std::vector<std::string> names_of(const Json& spec, std::vector<std::string> fallback) {
    if (!spec.contains("names")) return fallback;
    std::vector<std::string> names;
    for (const Json& name : spec["names"])
        names.push_back(decode_escapes(name.get<std::string>()));
    return names;
}

// The outcome for `entry`: the case's "outcomes" entry, else its "outcome", else `fallback`.
std::optional<Outcome> outcome_of(const Json& spec, const std::string& entry, Outcome fallback) {
    if (spec.contains("outcomes") && spec["outcomes"].contains(entry)) {
        return parse_outcome(spec["outcomes"][entry].get<std::string>());
    }
    if (spec.contains("outcome")) return parse_outcome(spec["outcome"].get<std::string>());
    return fallback;
}

// Cases of the file kinds (conversations, databases): every file NAME in `folder` but README.md
// and the sidecars, with NAME.expect.json when present; and every NAME.make.json, whose input is
// made at test time.
std::vector<Case> file_cases(const fs::path& folder) {
    std::vector<Case> cases;
    if (!fs::is_directory(folder)) return cases;
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (name == "README.md" || name.ends_with(".expect.json")) continue;
        Case c;
        c.name = name;
        c.source = entry.path();
        if (name.ends_with(".make.json")) {
            c.spec = read_json(entry.path());
        } else {
            const fs::path sidecar = folder / (entry.path().stem().string() + ".expect.json");
            if (fs::exists(sidecar)) c.spec = read_json(sidecar);
        }
        cases.push_back(std::move(c));
    }
    std::sort(cases.begin(), cases.end(),
              [](const Case& a, const Case& b) { return a.name < b.name; });
    return cases;
}

std::vector<Case> model_cases() {
    std::vector<Case> cases;
    const fs::path folder = kHostile / "models";
    for (const auto& entry : fs::directory_iterator(folder)) {
        if (!entry.is_directory()) continue;
        Case c;
        c.name = entry.path().filename().string();
        c.source = entry.path();
        if (fs::exists(entry.path() / "case.json")) c.spec = read_json(entry.path() / "case.json");
        cases.push_back(std::move(c));
    }
    std::sort(cases.begin(), cases.end(),
              [](const Case& a, const Case& b) { return a.name < b.name; });
    return cases;
}

// Builds the model folder a case describes inside `work`: the base copied, the case's own
// files laid over it, then its make steps. Returns the folder, or a problem.
std::pair<fs::path, std::string> build_model_case(const Case& c, const fs::path& work) {
    const std::string folder_name =
        c.spec.contains("folder_name") ? decode_escapes(c.spec["folder_name"]) : c.name;
    const fs::path dir = work / folder_name;
    fs::create_directories(dir);
    if (c.spec.contains("base")) {
        const fs::path base = fs::path(PONDER_SOURCE_DIR) / c.spec["base"].get<std::string>();
        if (!fs::is_directory(base)) return {dir, "base " + base.string() + " is not a folder"};
        for (const auto& entry : fs::directory_iterator(base)) {
            copy_tree(entry.path(), dir / entry.path().filename());
        }
    }
    for (const auto& entry : fs::directory_iterator(c.source)) {
        if (entry.path().filename() == "case.json") continue;
        copy_tree(entry.path(), dir / entry.path().filename());
    }
    return {dir, apply_steps(dir, c.spec)};
}

// Builds the input file a file case describes inside `work`.
std::pair<fs::path, std::string> build_file_case(const Case& c, const fs::path& work) {
    if (!c.name.ends_with(".make.json")) {
        const fs::path input = work / c.name;
        copy_tree(c.source, input);
        return {input, {}};
    }
    if (!c.spec.contains("file")) return {{}, c.name + " has no \"file\""};
    const fs::path input = work / c.spec["file"].get<std::string>();
    return {input, apply_steps(work, c.spec)};
}

// Removes `path` when it goes out of scope: QTemporaryDir cannot remove a folder whose name is
// not UTF-8 (it goes through QString), std::filesystem can.
struct RemovedAtExit {
    fs::path path;
    ~RemovedAtExit() { remove_entry(path); }
};

// One row per case and entry point, named "case / entry".
void add_rows(const std::vector<Case>& cases, const std::vector<const char*>& entries) {
    QTest::addColumn<QString>("entry");
    QTest::addColumn<int>("index");
    for (size_t i = 0; i < cases.size(); ++i) {
        for (const char* entry : entries) {
            QTest::newRow((cases[i].name + " / " + entry).c_str())
                << QString(entry) << static_cast<int>(i);
        }
    }
}

// Runs the check; QEXPECT_FAIL for a case marked "known_failure" (a defect fixed elsewhere).
void verify(const Case& c, const std::string& problems) {
    if (c.spec.contains("known_failure") && !problems.empty()) {
        QEXPECT_FAIL("", c.spec["known_failure"].get<std::string>().c_str(), Abort);
    }
    QVERIFY2(problems.empty(), problems.c_str());
}

}  // namespace

class TestHostileInputs : public QObject {
    Q_OBJECT

    std::vector<Case> models_ = model_cases();
    std::vector<Case> conversations_ = file_cases(kHostile / "conversations");
    std::vector<Case> databases_ = file_cases(kHostile / "databases");
    // The model the database cases chat with: the shipped demo model, which loads.
    const fs::path demo_model_ = fs::path(PONDER_SOURCE_DIR) / "resources" / "demo-model";

  private slots:
    void initTestCase() {
        QVERIFY2(models_.size() >= 10, "tests/data/hostile/models/ holds too few cases");
        for (const auto* kind : {&models_, &conversations_, &databases_}) {
            for (const Case& c : *kind) {
                QVERIFY2(!c.spec.is_discarded(), (c.name + ": its JSON does not parse").c_str());
                QVERIFY2(c.spec.empty() || c.spec.contains("about"),
                         (c.name + ": say what the case is about (\"about\")").c_str());
            }
        }
        qInfo("hostile cases: %zu model folders, %zu conversation files, %zu databases",
              models_.size(), conversations_.size(), databases_.size());
    }

    void modelFolders_data() { add_rows(models_, {"model-info", "chat"}); }
    void modelFolders() { runModelCase(); }

    void modelFoldersInTheApp_data() {
        if (!QFileInfo::exists(binary("ponder"))) QSKIP("the app is not built (PONDER_GUI=OFF)");
        add_rows(models_, {"app"});
    }
    void modelFoldersInTheApp() { runModelCase(); }

    void conversationFiles_data() { add_rows(conversations_, {"history import"}); }
    void conversationFiles() {
        QFETCH(QString, entry);
        QFETCH(int, index);
        const Case& c = conversations_[static_cast<size_t>(index)];
        QTemporaryDir dir;
        const auto [input, problem] = build_file_case(c, fs::path(dir.path().toStdString()));
        QVERIFY2(problem.empty(), problem.c_str());
        const auto outcome = outcome_of(c.spec, entry.toStdString(), Outcome::either);
        QVERIFY2(outcome, (c.name + ": unknown outcome").c_str());
        Check check;
        check.outcome = *outcome;
        check.names = names_of(c.spec, {input.filename().string()});
        check.watched = input;
        check.fresh_history = fs::path(dir.filePath("history.sqlite3").toStdString());
        const auto before = snapshot(check.watched);
        const Run run = run_bounded({binary("ponder-cli"), "history", "import", "@INPUT@", "--db",
                                     dir.filePath("history.sqlite3")},
                                    input.string(), isolated_environment(dir));
        verify(c, judge(run, check, before));
    }

    void databases_data() {
        std::vector<const char*> entries = {"history list", "chat"};
        if (QFileInfo::exists(binary("ponder"))) entries.push_back("app");
        add_rows(databases_, entries);
    }
    void databases() {
        QFETCH(QString, entry);
        QFETCH(int, index);
        const Case& c = databases_[static_cast<size_t>(index)];
        QTemporaryDir dir;
        const auto [input, problem] = build_file_case(c, fs::path(dir.path().toStdString()));
        QVERIFY2(problem.empty(), problem.c_str());
        const auto outcome = outcome_of(c.spec, entry.toStdString(), Outcome::either);
        QVERIFY2(outcome, (c.name + ": unknown outcome").c_str());
        Check check;
        check.outcome = *outcome;
        check.names = names_of(c.spec, {input.filename().string()});
        check.watched = input;
        // A damaged database must not be written; a case that is a usable history says so.
        check.may_change = c.spec.value("may_change", false);
        const auto before = snapshot(check.watched);
        const QString cli = binary("ponder-cli");
        QStringList arguments;
        if (entry == "history list") {
            arguments = {cli, "history", "list", "--db", "@INPUT@"};
        } else if (entry == "chat") {
            arguments = {cli,
                         "chat",
                         "--model",
                         QString::fromStdString(demo_model_.string()),
                         "--db",
                         "@INPUT@",
                         "--prompt",
                         "Hello",
                         "--max-tokens",
                         "1"};
        } else {
            arguments = {binary("ponder"), "--db", "@INPUT@", "--screenshot",
                         dir.filePath("window.png")};
        }
        const Run run = run_bounded(arguments, input.string(), isolated_environment(dir));
        verify(c, judge(run, check, before));
    }

  private:
    void runModelCase() {
        QFETCH(QString, entry);
        QFETCH(int, index);
        const Case& c = models_[static_cast<size_t>(index)];
        QTemporaryDir dir;
        const fs::path work = fs::path(dir.path().toStdString()) / "work";
        const RemovedAtExit cleanup{work};
        const auto [model, problem] = build_model_case(c, work);
        QVERIFY2(problem.empty(), problem.c_str());
        const auto outcome = outcome_of(c.spec, entry.toStdString(), Outcome::refused);
        QVERIFY2(outcome, (c.name + ": unknown outcome").c_str());
        Check check;
        check.outcome = *outcome;
        check.names = names_of(c.spec, {});
        check.watched = model;
        const QString db = dir.filePath("history.sqlite3");
        check.fresh_history = fs::path(db.toStdString());
        const auto before = snapshot(check.watched);
        QStringList arguments;
        if (entry == "model-info") {
            arguments = {binary("ponder-cli"), "model-info", "--model", "@INPUT@"};
        } else if (entry == "chat") {
            arguments = {
                binary("ponder-cli"), "chat",  "--model",      "@INPUT@", "--db",      db,
                "--prompt",           "Hello", "--max-tokens", "1",       "--approve", "never"};
        } else {
            arguments = {binary("ponder"), "--db",         db,
                         "--model",        "@INPUT@",      "--send",
                         "Hello",          "--screenshot", dir.filePath("window.png")};
        }
        const Run run = run_bounded(arguments, model.string(), isolated_environment(dir));
        verify(c, judge(run, check, before));
    }
};

QTEST_GUILESS_MAIN(TestHostileInputs)
#include "test_hostile_inputs.moc"
