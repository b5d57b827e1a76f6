// read_file and search_files: read-only access to the folder shared with a conversation
// (folder_access.h). Both answer in pieces the model can page through, never whole big files.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "app/core/tools/builtin_tools.h"
#include "app/core/tools/folder_access.h"

namespace ponder::core {
namespace {

constexpr size_t kAnswerBudget = 12000;             // characters per answer; the model pages on
constexpr std::uint64_t kMaxReadBytes = 16 << 20;   // read_file: larger files are refused
constexpr std::uint64_t kMaxSearchBytes = 4 << 20;  // search_files: larger files are skipped
constexpr size_t kMaxFilesVisited = 20000;
constexpr int kMaxDepth = 32;
constexpr size_t kMaxLineShown = 200;

std::string folder_problem(const ConversationSettings& settings) {
    if (settings.tool_folder.empty()) {
        return "no folder is shared with this conversation (choose one in the conversation's "
               "settings, or ponder-cli chat --files DIR)";
    }
    struct stat info {};
    if (stat(settings.tool_folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        return "the shared folder " + settings.tool_folder + " does not exist";
    }
    return {};
}

// Reads up to `limit` bytes; polls the context between chunks.
Result<std::string> read_up_to(int fd, std::uint64_t limit, const ToolContext& context) {
    std::string out;
    char buffer[65536];
    while (out.size() < limit) {
        if (context.expired()) return Status(StatusCode::cancelled, "expired");
        const ssize_t n = read(fd, buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Status(StatusCode::io_error, std::strerror(errno));
        if (n == 0) break;
        out.append(buffer, static_cast<size_t>(std::min<std::uint64_t>(
                               static_cast<std::uint64_t>(n), limit - out.size())));
    }
    return out;
}

bool looks_binary(std::string_view content) {
    return content.substr(0, 8192).find('\0') != std::string_view::npos;
}

// At most `size` bytes of `text`, not splitting a UTF-8 character.
std::string_view cut_utf8(std::string_view text, size_t size) {
    if (text.size() <= size) return text;
    while (size > 0 && (static_cast<unsigned char>(text[size]) & 0xC0) == 0x80)
        --size;
    return text.substr(0, size);
}

class ReadFileTool final : public Tool {
  public:
    ReadFileTool() {
        definition_.name = "read_file";
        definition_.description =
            "Read a text file from the folder the user shared with this conversation. The path "
            "is relative to that folder. Long files come in parts: continue with start_line.";
        definition_.parameters = Json::parse(
            "{\"type\": \"object\", \"properties\": {"
            "\"path\": {\"type\": \"string\", \"description\": \"The file, relative to the "
            "shared folder, for example notes/todo.txt\"}, "
            "\"start_line\": {\"type\": \"integer\", \"minimum\": 1, \"description\": \"The "
            "first line to return (default 1)\"}, "
            "\"max_lines\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 2000, "
            "\"description\": \"How many lines at most (default 400)\"}}, "
            "\"required\": [\"path\"], \"additionalProperties\": false}");
    }
    const harmony::FunctionTool& definition() const override { return definition_; }
    std::string unavailable_reason(const ConversationSettings& settings) const override {
        return folder_problem(settings);
    }
    std::chrono::milliseconds time_limit() const override { return std::chrono::seconds(5); }

    ToolResult run(const Json& arguments, const ToolContext& context) override {
        const std::string path = arguments["path"].get<std::string>();
        const std::int64_t start = arguments.value("start_line", std::int64_t{1});
        const std::int64_t max_lines = arguments.value("max_lines", std::int64_t{400});
        auto folder = SharedFolder::open(context.settings->tool_folder);
        if (!folder) return ToolResult::failure(folder.status().message());
        auto fd = folder->open_beneath(path, false);
        if (!fd) return ToolResult::failure(fd.status().message());
        struct stat info {};
        if (fstat(fd->get(), &info) != 0) return ToolResult::failure(std::strerror(errno));
        if (S_ISDIR(info.st_mode)) {
            return ToolResult::failure("'" + path + "' is a folder; search_files lists files");
        }
        if (!S_ISREG(info.st_mode)) {
            return ToolResult::failure("'" + path + "' is not a regular file");
        }
        if (static_cast<std::uint64_t>(info.st_size) > kMaxReadBytes) {
            return ToolResult::failure("'" + path + "' has " + std::to_string(info.st_size) +
                                       " bytes; read_file reads files up to " +
                                       std::to_string(kMaxReadBytes) + " bytes");
        }
        auto content = read_up_to(fd->get(), kMaxReadBytes, context);
        if (!content) {
            if (content.status().code() == StatusCode::cancelled) {
                return ToolResult::expired(context);
            }
            return ToolResult::failure("cannot read '" + path + "': " + content.status().message());
        }
        if (looks_binary(*content)) {
            return ToolResult::failure("'" + path + "' is not a text file");
        }
        return ToolResult::success(excerpt(path, *content, start, max_lines));
    }

  private:
    // Lines [start, start + max_lines) within the answer budget, with a note on where to go on.
    static std::string excerpt(const std::string& path, std::string_view text, std::int64_t start,
                               std::int64_t max_lines) {
        std::vector<std::string_view> lines;
        for (size_t at = 0; at < text.size();) {
            const size_t end = text.find('\n', at);
            const size_t stop = end == std::string_view::npos ? text.size() : end + 1;
            lines.push_back(text.substr(at, stop - at));
            at = stop;
        }
        const auto total = static_cast<std::int64_t>(lines.size());
        if (total == 0) return "(empty file)";
        if (start > total) {
            return "'" + path + "' has only " + std::to_string(total) + " lines";
        }
        std::string out;
        std::int64_t last = start - 1;
        for (std::int64_t i = start - 1; i < total && i < start - 1 + max_lines; ++i) {
            const std::string_view line = lines[static_cast<size_t>(i)];
            if (out.size() + line.size() > kAnswerBudget) {
                if (out.empty()) out = cut_utf8(line, kAnswerBudget);
                break;
            }
            out += line;
            last = i + 1;
        }
        if (start == 1 && last == total) return out;
        if (!out.empty() && out.back() != '\n') out += "\n";
        const std::int64_t shown_to = std::max(last, start);
        out += "[lines " + std::to_string(start) + "-" + std::to_string(shown_to) + " of " +
               std::to_string(total);
        if (shown_to < total) {
            out += "; read on with start_line=" + std::to_string(shown_to + 1);
        }
        return out + "]";
    }

    harmony::FunctionTool definition_;
};

std::string lower(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

// One search_files call: walks the folder depth first, names sorted, never following symbolic
// links and skipping .git, until a limit is reached.
struct Search {
    explicit Search(const ToolContext& c) : context(c) {}

    const ToolContext& context;
    std::string pattern;
    std::string needle;  // lower case; empty: list paths only
    size_t max_results = 50;
    std::vector<std::string> results;
    size_t answer_size = 0;
    size_t files_visited = 0;
    bool out_of_time = false;
    bool out_of_room = false;

    bool done() {
        if (context.expired()) out_of_time = !context.cancelled();
        return context.expired() || out_of_room || results.size() >= max_results ||
               files_visited >= kMaxFilesVisited;
    }

    void add(std::string result) {
        if (answer_size + result.size() + 1 > kAnswerBudget) {
            out_of_room = true;
            return;
        }
        answer_size += result.size() + 1;
        results.push_back(std::move(result));
    }

    void walk(int dir_fd, const std::string& prefix, int depth) {
        const int own = dup(dir_fd);
        if (own < 0) return;
        DIR* dir = fdopendir(own);
        if (!dir) {
            close(own);
            return;
        }
        std::vector<std::pair<std::string, unsigned char>> entries;
        while (const dirent* entry = readdir(dir)) {
            const std::string name = entry->d_name;
            if (name != "." && name != "..") entries.emplace_back(name, entry->d_type);
        }
        closedir(dir);
        std::sort(entries.begin(), entries.end());
        for (auto& [name, type] : entries) {
            if (done()) return;
            if (type == DT_UNKNOWN) {
                struct stat info {};
                if (fstatat(dir_fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
                type = S_ISDIR(info.st_mode) ? DT_DIR : S_ISREG(info.st_mode) ? DT_REG : DT_LNK;
            }
            if (type == DT_DIR && name != ".git" && depth < kMaxDepth) {
                UniqueFd sub(
                    openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (sub.valid()) walk(sub.get(), prefix + name + "/", depth + 1);
            } else if (type == DT_REG) {
                ++files_visited;
                const std::string path = prefix + name;
                if (!pattern.empty() && !path_matches_glob(pattern, path)) continue;
                if (needle.empty()) {
                    add(path);
                } else {
                    search_file(dir_fd, name, path);
                }
            }
        }
    }

    // One result per matching line: "path:line: text".
    void search_file(int dir_fd, const std::string& name, const std::string& path) {
        UniqueFd fd(openat(dir_fd, name.c_str(),
                           O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
        struct stat info {};
        if (!fd.valid() || fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) ||
            static_cast<std::uint64_t>(info.st_size) > kMaxSearchBytes) {
            return;
        }
        auto content = read_up_to(fd.get(), kMaxSearchBytes, context);
        if (!content || looks_binary(*content)) return;
        const std::string folded = lower(*content);
        size_t line_number = 1;
        size_t line_start = 0;
        for (size_t hit = folded.find(needle); hit != std::string::npos && !done();
             hit = folded.find(needle, hit)) {
            for (size_t at = folded.find('\n', line_start); at != std::string::npos && at < hit;
                 at = folded.find('\n', line_start)) {
                line_start = at + 1;
                ++line_number;
            }
            const size_t line_end = folded.find('\n', line_start);
            const size_t line_size =
                (line_end == std::string::npos ? folded.size() : line_end) - line_start;
            std::string_view line = std::string_view(*content).substr(line_start, line_size);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            std::string shown(cut_utf8(line, kMaxLineShown));
            if (shown.size() < line.size()) shown += "…";
            add(path + ":" + std::to_string(line_number) + ": " + shown);
            if (line_end == std::string::npos) break;
            hit = line_end;  // one result per line
        }
    }
};

class SearchFilesTool final : public Tool {
  public:
    SearchFilesTool() {
        definition_.name = "search_files";
        definition_.description =
            "Find files in the folder the user shared with this conversation, by path (a glob "
            "such as *.md or docs/**/*.txt) and/or by the text they contain (case-insensitive). "
            "Returns the matching paths, or the matching lines as path:line: text.";
        definition_.parameters = Json::parse(
            "{\"type\": \"object\", \"properties\": {"
            "\"pattern\": {\"type\": \"string\", \"maxLength\": 256, \"description\": \"Glob "
            "for the files to look at (default: every file)\"}, "
            "\"text\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 256, "
            "\"description\": \"Only files containing this text; their matching lines are "
            "returned\"}, "
            "\"max_results\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 200, "
            "\"description\": \"At most this many results (default 50)\"}}, "
            "\"additionalProperties\": false}");
    }
    const harmony::FunctionTool& definition() const override { return definition_; }
    std::string unavailable_reason(const ConversationSettings& settings) const override {
        return folder_problem(settings);
    }
    std::chrono::milliseconds time_limit() const override { return std::chrono::seconds(10); }

    ToolResult run(const Json& arguments, const ToolContext& context) override {
        auto folder = SharedFolder::open(context.settings->tool_folder);
        if (!folder) return ToolResult::failure(folder.status().message());
        Search search(context);
        search.pattern = arguments.value("pattern", std::string());
        search.needle = lower(arguments.value("text", std::string()));
        search.max_results = arguments.value("max_results", size_t{50});
        search.walk(folder->fd(), "", 0);
        if (context.cancelled()) return ToolResult::expired(context);

        std::string out;
        for (const std::string& result : search.results)
            out += result + "\n";
        if (search.results.empty()) {
            out = search.needle.empty() ? "No files match.\n" : "No matching lines.\n";
        }
        if (search.out_of_room) {
            out += "[stopped after " + std::to_string(search.results.size()) +
                   " results to keep the answer short; narrow the search]\n";
        } else if (search.results.size() >= search.max_results) {
            out += "[stopped at max_results=" + std::to_string(search.max_results) + "]\n";
        }
        if (search.out_of_time) {
            out += "[the search reached its time limit after " +
                   std::to_string(search.files_visited) + " files; results are incomplete]\n";
        } else if (search.files_visited >= kMaxFilesVisited) {
            out += "[the search stopped after " + std::to_string(kMaxFilesVisited) +
                   " files; results are incomplete]\n";
        }
        out.pop_back();
        return ToolResult::success(out);
    }

  private:
    harmony::FunctionTool definition_;
};

}  // namespace

std::unique_ptr<Tool> make_read_file_tool() {
    return std::make_unique<ReadFileTool>();
}

std::unique_ptr<Tool> make_search_files_tool() {
    return std::make_unique<SearchFilesTool>();
}

}  // namespace ponder::core
