#include "app/core/tools/python_sandbox.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "app/core/tools/sandbox_child.h"
#include "app/core/tools/unique_fd.h"

namespace ponder::core {
namespace {

using Clock = std::chrono::steady_clock;
namespace sb = sandbox;

struct Pipe {
    UniqueFd read, write;
    bool open() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) return false;
        read.reset(fds[0]);
        write.reset(fds[1]);
        return true;
    }
};

// A null-terminated char* array over strings that outlive it (for execve and the plan).
std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (std::string& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Who the code runs as when the app is root: nobody (RLIMIT_NPROC does not bind root, and a
// root-owned user namespace would be able to write root-owned files Landlock does not cover).
std::pair<uid_t, gid_t> unprivileged_ids() {
    uid_t uid = 65534;
    gid_t gid = 65534;
    struct passwd entry {};
    struct passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (getpwnam_r("nobody", &entry, buffer.data(), buffer.size(), &found) == 0 && found) {
        uid = found->pw_uid;
        gid = found->pw_gid;
    }
    return {uid, gid};
}

// The folders the code may read and execute from (Landlock): the system's, and the
// interpreter's own installation. (/proc is added inside, when it is the sandbox's own.)
std::vector<std::string> readable_paths(const std::string& interpreter) {
    std::vector<std::string> paths = {
        "/usr",         "/lib",        "/lib64",   "/lib32",
        "/bin",         "/sbin",       "/etc",     "/sys/devices/system/cpu",
        "/dev/urandom", "/dev/random", "/dev/zero"};
    std::error_code error;
    const auto real = std::filesystem::canonical(interpreter, error);
    if (!error) {
        const auto prefix = real.parent_path().parent_path();
        if (!prefix.empty() && prefix != "/") paths.push_back(prefix.string());
    }
    return paths;
}

void kill_sandbox(pid_t keeper) {
    // The process group reaches the keeper and init even before init execs; the keeper's
    // death reaches init through PR_SET_PDEATHSIG; init's death empties the PID namespace.
    kill(-keeper, SIGKILL);
    kill(keeper, SIGKILL);
}

}  // namespace

std::optional<std::string> find_python3() {
    if (access("/usr/bin/python3", X_OK) == 0) return std::string("/usr/bin/python3");
    const char* path = std::getenv("PATH");
    if (!path) return std::nullopt;
    std::string_view rest(path);
    while (!rest.empty()) {
        const size_t colon = rest.find(':');
        const std::string dir(rest.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        if (dir.empty() || dir.front() != '/') continue;  // relative entries depend on the cwd
        const std::string candidate = dir + "/python3";
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::nullopt;
}

std::string describe_protections(std::int32_t bits) {
    static const std::pair<std::int32_t, const char*> kNames[] = {
        {sb::kNetworkNamespace, "no network (own network namespace)"},
        {sb::kPidNamespace, "own process namespace"},
        {sb::kPrivateProc, "private /proc"},
        {sb::kReadOnlyMounts, "read-only file system with a private /tmp"},
        {sb::kLandlockFiles, "Landlock file rules"},
        {sb::kLandlockNetwork, "Landlock network rules"},
        {sb::kLandlockScope, "Landlock signal and socket scoping"},
        {sb::kResourceLimits, "CPU, memory, process, file-size and open-file limits"},
        {sb::kDroppedRoot, "runs as nobody"},
    };
    std::string out;
    for (const auto& [bit, name] : kNames) {
        if (bits & bit) out += (out.empty() ? "" : ", ") + std::string(name);
    }
    return out;
}

PythonSandbox::PythonSandbox(PythonSandboxOptions options) : options_(std::move(options)) {}

SandboxSupport PythonSandbox::support() {
    std::lock_guard lock(probe_mutex_);
    if (probed_) return *probed_;
    SandboxSupport support;
    std::optional<std::string> interpreter =
        options_.interpreter.empty() ? find_python3() : std::optional(options_.interpreter);
    if (!interpreter || access(interpreter->c_str(), X_OK) != 0) {
        support.reason =
            options_.interpreter.empty()
                ? "no Python 3 interpreter was found (/usr/bin/python3, python3 on PATH)"
                : "the Python interpreter " + options_.interpreter + " does not exist";
        probed_ = support;
        return support;
    }
    support.interpreter = *interpreter;
    auto run =
        run_with(*interpreter, "print('ok')", Clock::now() + std::chrono::seconds(15), nullptr);
    if (!run) {
        support.reason = run.status().message();
    } else if (run->exit_code != 0 || run->stdout_text != "ok\n") {
        support.reason = "Python (" + *interpreter + ") does not start inside the sandbox";
        const std::string detail = run->stderr_text.substr(0, 400);
        if (!detail.empty()) support.reason += ": " + detail;
    } else {
        support.ok = true;
        support.summary = describe_protections(run->protections);
    }
    probed_ = support;
    return support;
}

Result<SandboxRun> PythonSandbox::run(std::string_view code, Clock::time_point deadline,
                                      const std::atomic<bool>* cancel) {
    const SandboxSupport supported = support();
    if (!supported.ok) {
        return Status(StatusCode::unsupported, "Python is not available: " + supported.reason);
    }
    return run_with(supported.interpreter, code, deadline, cancel);
}

Result<SandboxRun> PythonSandbox::run_with(const std::string& interpreter, std::string_view code,
                                           Clock::time_point deadline,
                                           const std::atomic<bool>* cancel) {
    const SandboxLimits& limits = options_.limits;
    const auto started = Clock::now();
    // The caller's deadline rules (the tool runner's limit); without one, the sandbox's own.
    if (deadline == Clock::time_point::max()) deadline = started + limits.wall_time;

    // Everything the child needs, prepared now: after fork it may not allocate.
    std::vector<std::string> argv_strings = {interpreter, "-I", "-u", "-B", "/tmp/main.py"};
    std::vector<std::string> env_strings = {"PATH=/usr/local/bin:/usr/bin:/bin",
                                            "HOME=/tmp",
                                            "TMPDIR=/tmp",
                                            "LANG=C.UTF-8",
                                            "LC_ALL=C.UTF-8",
                                            "OMP_NUM_THREADS=1",
                                            "OPENBLAS_NUM_THREADS=1",
                                            "MKL_NUM_THREADS=1",
                                            "MPLBACKEND=Agg"};
    std::vector<std::string> read_strings = readable_paths(interpreter);
    std::vector<std::string> device_strings = {"/dev/null"};
    auto argv = pointers(argv_strings);
    auto envp = pointers(env_strings);
    auto read_paths = pointers(read_strings);
    auto device_paths = pointers(device_strings);
    const std::string code_text(code);
    const std::string tmpfs_options =
        "size=" + std::to_string(limits.working_folder_bytes) + ",nr_inodes=4096,mode=0700";
    const bool root = geteuid() == 0;
    const auto [run_uid, run_gid] = root ? unprivileged_ids() : std::pair{geteuid(), getegid()};
    const std::string uid_map = std::to_string(run_uid) + " " + std::to_string(run_uid) + " 1";
    const std::string gid_map = std::to_string(run_gid) + " " + std::to_string(run_gid) + " 1";

    Pipe out, err, report;
    if (!out.open() || !err.open() || !report.open()) {
        return Status(StatusCode::io_error,
                      std::string("cannot create pipes for the sandbox: ") + std::strerror(errno));
    }
    sb::SandboxPlan plan;
    plan.interpreter = interpreter.c_str();
    plan.argv = argv.data();
    plan.envp = envp.data();
    plan.code = code_text.data();
    plan.code_size = code_text.size();
    plan.code_path = "/tmp/main.py";
    plan.tmpfs_options = tmpfs_options.c_str();
    plan.drop_root = root;
    plan.run_uid = run_uid;
    plan.run_gid = run_gid;
    plan.uid_map = uid_map.c_str();
    plan.gid_map = gid_map.c_str();
    plan.read_paths = read_paths.data();
    plan.device_paths = device_paths.data();
    plan.require_landlock = options_.require_landlock;
    plan.cpu_seconds = limits.cpu_seconds;
    plan.address_space_bytes = limits.address_space_bytes;
    plan.processes = limits.processes;
    plan.file_bytes = limits.file_bytes;
    plan.open_files = limits.open_files;
    plan.stdout_fd = out.write.get();
    plan.stderr_fd = err.write.get();
    plan.report_fd = report.write.get();
    plan.app_pid = getpid();

    const pid_t keeper = fork();
    if (keeper < 0) {
        return Status(StatusCode::io_error,
                      std::string("cannot start the sandbox: ") + std::strerror(errno));
    }
    if (keeper == 0) sb::run_sandbox_child(plan);
    out.write.reset();
    err.write.reset();
    report.write.reset();

    SandboxRun run;
    std::string report_bytes;
    bool killed = false;
    Clock::time_point killed_at;
    auto stop = [&](bool& reason) {
        reason = true;
        killed = true;
        killed_at = Clock::now();
        kill_sandbox(keeper);
    };
    struct Stream {
        int fd;
        std::string* kept;
        std::uint64_t* total;
    };
    Stream streams[] = {{out.read.get(), &run.stdout_text, &run.stdout_bytes},
                        {err.read.get(), &run.stderr_text, &run.stderr_bytes},
                        {report.read.get(), &report_bytes, nullptr}};
    bool open[] = {true, true, true};
    char buffer[65536];
    while (open[0] || open[1] || open[2]) {
        const auto now = Clock::now();
        if (!killed && cancel && cancel->load()) stop(run.cancelled);
        if (!killed && now >= deadline) stop(run.timed_out);
        // After a kill the pipes close at once; if something still holds one, do not hang.
        if (killed && now - killed_at > std::chrono::seconds(5)) break;
        pollfd fds[3];
        for (int i = 0; i < 3; ++i)
            fds[i] = {open[i] ? streams[i].fd : -1, POLLIN, 0};
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
        const int timeout = static_cast<int>(
            std::clamp<std::chrono::milliseconds::rep>(wait.count(), 0, killed ? 100 : 50));
        if (poll(fds, 3, timeout) < 0 && errno != EINTR) break;
        for (int i = 0; i < 3; ++i) {
            if (!open[i] || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = read(streams[i].fd, buffer, sizeof(buffer));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                open[i] = false;
                continue;
            }
            const auto size = static_cast<size_t>(n);
            if (!streams[i].total) {
                report_bytes.append(buffer, size);
                continue;
            }
            *streams[i].total += size;
            const size_t room = limits.kept_output_bytes -
                                std::min(limits.kept_output_bytes, streams[i].kept->size());
            streams[i].kept->append(buffer, std::min(room, size));
            if (!killed && run.stdout_bytes + run.stderr_bytes > limits.output_stop_bytes) {
                stop(run.output_limit);
            }
        }
    }
    if (!killed && (open[0] || open[1] || open[2])) kill_sandbox(keeper);
    int keeper_status = 0;
    while (waitpid(keeper, &keeper_status, 0) < 0 && errno == EINTR) {
    }
    run.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);

    for (size_t at = 0; at + sizeof(sb::SetupRecord) <= report_bytes.size();
         at += sizeof(sb::SetupRecord)) {
        sb::SetupRecord record;
        std::memcpy(&record, report_bytes.data() + at, sizeof(record));
        if (record.kind == sb::kProtections) {
            run.protections = record.value;
        } else if (record.kind == sb::kFailure) {
            std::string message = std::string("the Python sandbox cannot be set up here: ") +
                                  sb::stage_name(record.value) + " failed (" +
                                  std::strerror(record.error) + ")";
            if (record.value == sb::kStageNamespaces) {
                message +=
                    "; the sandbox needs user namespaces, which this system does not allow "
                    "(a container without them, or kernel.apparmor_restrict_unprivileged_"
                    "userns=1)";
            }
            return Status(StatusCode::unsupported, message);
        } else if (record.kind == sb::kExitStatus) {
            if (WIFEXITED(record.value)) run.exit_code = WEXITSTATUS(record.value);
            if (WIFSIGNALED(record.value)) run.signal = WTERMSIG(record.value);
        }
    }
    if (!killed && run.protections == 0) {
        return Status(StatusCode::internal,
                      "the Python sandbox ended before it started the interpreter (status " +
                          std::to_string(keeper_status) + ")");
    }
    if (killed && !run.signal) run.signal = SIGKILL;
    return run;
}

}  // namespace ponder::core
