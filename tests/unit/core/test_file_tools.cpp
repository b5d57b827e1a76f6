// read_file and search_files: they read only inside the shared folder (no absolute paths, no
// ".." or symbolic links leading out), never hang on special files, and answer in bounded
// pieces.
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "app/core/tools/builtin_tools.h"
#include "app/core/tools/folder_access.h"

using namespace ponder;
using namespace ponder::core;

namespace {

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

class TestFileTools : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string shared_;  // the shared folder
    ConversationSettings settings_;

    ToolResult read(const Json& arguments) {
        ToolContext context;
        context.settings = &settings_;
        context.deadline = ToolClock::now() + std::chrono::seconds(5);
        return make_read_file_tool()->run(arguments, context);
    }
    ToolResult search(const Json& arguments) {
        ToolContext context;
        context.settings = &settings_;
        context.deadline = ToolClock::now() + std::chrono::seconds(10);
        return make_search_files_tool()->run(arguments, context);
    }
    bool refused(const std::string& path, const std::string& words) {
        const ToolResult result = read(Json{{"path", path}});
        const bool ok = result.output.empty() && result.error.find(words) != std::string::npos;
        if (!ok)
            qWarning("%s -> %s / %s", path.c_str(), result.output.c_str(), result.error.c_str());
        return ok;
    }

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        const std::string root = dir_.path().toStdString();
        shared_ = root + "/shared";
        for (const char* sub : {"/shared", "/shared/notes", "/shared/sub", "/shared/sub/deep",
                                "/shared/.git", "/outside"}) {
            QVERIFY(mkdir((root + sub).c_str(), 0755) == 0);
        }
        write_file(shared_ + "/a.md", "# Title\nHello Fjord\n");
        write_file(shared_ + "/notes/todo.txt", "buy milk\nCall Ana about the FJORD trip\n");
        write_file(shared_ + "/sub/deep/b.txt", "deep fjord\n");
        write_file(shared_ + "/.git/config", "fjord in git\n");
        write_file(shared_ + "/binary.bin", std::string("fjord\0\x01\x02", 8));
        std::string lines;
        for (int i = 1; i <= 3000; ++i)
            lines += "line " + std::to_string(i) + "\n";
        write_file(shared_ + "/long.txt", lines);
        write_file(root + "/outside/secret.txt", "fjord secret\n");
        write_file(root + "/secret.txt", "top secret\n");
        // Links: one stays inside, the others lead out.
        QVERIFY(symlink("notes/todo.txt", (shared_ + "/link_in").c_str()) == 0);
        QVERIFY(symlink("../secret.txt", (shared_ + "/link_out").c_str()) == 0);
        QVERIFY(symlink((root + "/secret.txt").c_str(), (shared_ + "/link_abs").c_str()) == 0);
        QVERIFY(symlink("../outside", (shared_ + "/dir_out").c_str()) == 0);
        QVERIFY(symlink("/", (shared_ + "/root").c_str()) == 0);
        QVERIFY(mkfifo((shared_ + "/fifo").c_str(), 0644) == 0);
        settings_.tool_folder = shared_;
    }

    void readsTextInsideTheFolder() {
        QCOMPARE(read(Json{{"path", "a.md"}}).output, std::string("# Title\nHello Fjord\n"));
        QCOMPARE(read(Json{{"path", "notes/todo.txt"}}).output.substr(0, 8),
                 std::string("buy milk"));
        QCOMPARE(read(Json{{"path", "./notes/../a.md"}}).output.substr(0, 7),
                 std::string("# Title"));
        QCOMPARE(read(Json{{"path", "link_in"}}).output.substr(0, 8), std::string("buy milk"));
    }

    void refusesEverythingOutside() {
        QVERIFY(refused("../secret.txt", "leads outside the shared folder"));
        QVERIFY(refused("notes/../../secret.txt", "leads outside the shared folder"));
        QVERIFY(refused("sub/deep/../../../outside/secret.txt", "leads outside"));
        QVERIFY(refused(dir_.path().toStdString() + "/secret.txt", "is absolute"));
        QVERIFY(refused("/etc/passwd", "is absolute"));
        QVERIFY(refused("link_out", "leads outside"));
        QVERIFY(refused("link_abs", "leads outside"));
        QVERIFY(refused("dir_out/secret.txt", "leads outside"));
        QVERIFY(refused("root/etc/passwd", "leads outside"));
        QVERIFY(refused(std::string("a.md\0/../../secret.txt", 22), "not a valid path"));
    }

    void refusesWhatIsNotAReadableTextFile() {
        QVERIFY(refused("missing.txt", "does not exist"));
        QVERIFY(refused("notes", "is a folder"));
        QVERIFY(refused("fifo", "not a regular file"));  // and does not block on it
        QVERIFY(refused("binary.bin", "not a text file"));
        ConversationSettings none;
        QVERIFY(make_read_file_tool()->unavailable_reason(none).find("no folder is shared") == 0);
        none.tool_folder = dir_.path().toStdString() + "/gone";
        QVERIFY(make_read_file_tool()->unavailable_reason(none).find("does not exist") !=
                std::string::npos);
        QVERIFY(make_read_file_tool()->unavailable_reason(settings_).empty());
    }

    void longFilesComeInPages() {
        const ToolResult first = read(Json{{"path", "long.txt"}});
        QVERIFY(first.output.rfind("line 1\nline 2\n", 0) == 0);
        QVERIFY(first.output.find("line 400\n[lines 1-400 of 3000; read on with start_line=401]") !=
                std::string::npos);
        const ToolResult page =
            read(Json{{"path", "long.txt"}, {"start_line", 2999}, {"max_lines", 5}});
        QCOMPARE(page.output, std::string("line 2999\nline 3000\n[lines 2999-3000 of 3000]"));
        QVERIFY(
            read(Json{{"path", "long.txt"}, {"start_line", 4000}}).output.find("has only 3000") !=
            std::string::npos);
        // The answer budget (12000 characters) cuts earlier than max_lines.
        const ToolResult big = read(Json{{"path", "long.txt"}, {"max_lines", 2000}});
        QVERIFY(big.output.size() < 12100);
        QVERIFY(big.output.find("; read on with start_line=") != std::string::npos);
    }

    void searchesByNameAndText() {
        QCOMPARE(search(Json{{"pattern", "*.md"}}).output, std::string("a.md"));
        QCOMPARE(search(Json{{"pattern", "sub/**/*.txt"}}).output, std::string("sub/deep/b.txt"));
        QCOMPARE(search(Json{{"pattern", "**/*.txt"}}).output,
                 std::string("long.txt\nnotes/todo.txt\nsub/deep/b.txt"));
        // Case-insensitive, with line numbers; links, .git and binary files are not searched.
        QCOMPARE(search(Json{{"text", "fjord"}}).output,
                 std::string("a.md:2: Hello Fjord\nnotes/todo.txt:2: Call Ana about the FJORD "
                             "trip\nsub/deep/b.txt:1: deep fjord"));
        QCOMPARE(search(Json{{"text", "fjord"}, {"pattern", "notes/*"}}).output,
                 std::string("notes/todo.txt:2: Call Ana about the FJORD trip"));
        QCOMPARE(search(Json{{"text", "no such words"}}).output, std::string("No matching lines."));
        QCOMPARE(search(Json{{"text", "line"}, {"max_results", 3}}).output,
                 std::string("long.txt:1: line 1\nlong.txt:2: line 2\nlong.txt:3: line 3\n"
                             "[stopped at max_results=3]"));
        const ToolResult all = search(Json::object());
        QVERIFY(all.output.find("secret") == std::string::npos);
        QVERIFY(all.output.find("config") == std::string::npos);
        QVERIFY(all.output.find("a.md\nbinary.bin\nlong.txt\nnotes/todo.txt") == 0);
    }

    void searchStopsAtItsDeadline() {
        ToolContext context;
        context.settings = &settings_;
        context.deadline = ToolClock::now();
        const ToolResult result = make_search_files_tool()->run(Json{{"text", "fjord"}}, context);
        QVERIFY(result.output.find("reached its time limit") != std::string::npos);
    }

    void globs() {
        QVERIFY(path_matches_glob("*.md", "docs/readme.md"));
        QVERIFY(!path_matches_glob("docs/*.md", "docs/sub/readme.md"));
        QVERIFY(path_matches_glob("docs/**/*.md", "docs/sub/readme.md"));
        QVERIFY(path_matches_glob("docs/**/*.md", "docs/readme.md"));
        QVERIFY(path_matches_glob("**", "a/b/c"));
        QVERIFY(path_matches_glob("file?.[ch]", "file1.c"));
        QVERIFY(!path_matches_glob("file?.[ch]", "file12.c"));
        QVERIFY(path_matches_glob("[!a]*", "b.txt"));
        QVERIFY(!path_matches_glob("[!a]*", "a.txt"));
        QVERIFY(path_matches_glob("[a-c]x", "bx"));
        QVERIFY(path_matches_glob("[x", "[x"));  // a lone '[' is itself
        // Many stars against a long name: linear time, not exponential.
        QVERIFY(!path_matches_glob(std::string(40, '*') + "b", std::string(4000, 'a')));
    }
};

QTEST_GUILESS_MAIN(TestFileTools)
#include "test_file_tools.moc"
