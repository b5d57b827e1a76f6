#include "app/core/tools/sandbox_child.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ponder::core::sandbox {
namespace {

// Landlock's ABI (linux/landlock.h), spelled out here so that older kernel headers build the
// newest rules; the kernel reports which ABI it speaks and the rules are cut down to it.
constexpr std::uint64_t kFsExecute = 1ULL << 0;
constexpr std::uint64_t kFsWriteFile = 1ULL << 1;
constexpr std::uint64_t kFsReadFile = 1ULL << 2;
constexpr std::uint64_t kFsReadDir = 1ULL << 3;
constexpr std::uint64_t kFsAbi1 = (1ULL << 13) - 1;      // execute .. make_sym
constexpr std::uint64_t kFsRefer = 1ULL << 13;           // ABI 2
constexpr std::uint64_t kFsTruncate = 1ULL << 14;        // ABI 3
constexpr std::uint64_t kFsIoctlDev = 1ULL << 15;        // ABI 5
constexpr std::uint64_t kNetBindTcp = 1ULL << 0;         // ABI 4
constexpr std::uint64_t kNetConnectTcp = 1ULL << 1;      // ABI 4
constexpr std::uint64_t kScopeAbstractUnix = 1ULL << 0;  // ABI 6
constexpr std::uint64_t kScopeSignal = 1ULL << 1;        // ABI 6
constexpr unsigned kCreateRulesetVersion = 1U << 0;
constexpr int kRulePathBeneath = 1;

struct RulesetAttr {
    std::uint64_t handled_access_fs;
    std::uint64_t handled_access_net;
    std::uint64_t scoped;
};

struct __attribute__((packed)) PathBeneathAttr {
    std::uint64_t allowed_access;
    std::int32_t parent_fd;
};

// linux/mount.h's struct mount_attr, for mount_setattr(2).
struct MountAttr {
    std::uint64_t attr_set;
    std::uint64_t attr_clr;
    std::uint64_t propagation;
    std::uint64_t userns_fd;
};
constexpr std::uint64_t kMountAttrReadOnly = 0x00000001;
constexpr std::uint64_t kMountAttrNoSuid = 0x00000002;
constexpr unsigned kAtRecursive = 0x8000;

constexpr int kReportFd = 3;  // where the report pipe sits once the descriptors are arranged

void report(std::int32_t kind, std::int32_t value, std::int32_t error) {
    const SetupRecord record{kind, value, error};
    const ssize_t written = write(kReportFd, &record, sizeof(record));
    (void)written;  // nothing to do if the app stopped listening
}

[[noreturn]] void fail(Stage stage, int error) {
    report(kFailure, stage, error);
    _exit(127);
}

bool write_text(const char* path, const char* text) {
    const int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const size_t length = strlen(text);
    const bool ok = write(fd, text, length) == static_cast<ssize_t>(length);
    close(fd);
    return ok;
}

// Signals as a fresh process has them: the app may block or ignore some (SIGPIPE, SIGINT), and
// both survive exec.
void reset_signals() {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; ++signal_number)
        sigaction(signal_number, &action, nullptr);  // fails harmlessly for KILL, STOP
}

// 0: /dev/null, 1 and 2: the output pipes, 3: the report pipe; every other descriptor of the
// app (its database among them) is closed, so the code cannot reach it.
bool arrange_descriptors(const SandboxPlan& plan) {
    // Move everything above 2 first: a pipe may itself be 0-2 when the app runs without stdio.
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) return false;
    const int high[] = {
        fcntl(null_fd, F_DUPFD_CLOEXEC, 10), fcntl(plan.stdout_fd, F_DUPFD_CLOEXEC, 10),
        fcntl(plan.stderr_fd, F_DUPFD_CLOEXEC, 10), fcntl(plan.report_fd, F_DUPFD_CLOEXEC, 10)};
    for (int fd : high)
        if (fd < 0) return false;
    for (int target = 0; target < 4; ++target) {
        if (dup2(high[target], target) < 0) return false;
    }
    if (fcntl(kReportFd, F_SETFD, FD_CLOEXEC) < 0) return false;
    if (syscall(SYS_close_range, 4U, ~0U, 0U) != 0) {
        struct rlimit files {};
        getrlimit(RLIMIT_NOFILE, &files);
        const rlim_t last = files.rlim_cur == RLIM_INFINITY ? 65536 : files.rlim_cur;
        for (rlim_t fd = 4; fd < last; ++fd)
            close(static_cast<int>(fd));
    }
    return true;
}

bool set_limit(int resource, std::uint64_t soft, std::uint64_t hard) {
    const struct rlimit limit { static_cast<rlim_t>(soft), static_cast<rlim_t>(hard) };
    return setrlimit(resource, &limit) == 0;
}

bool set_limits(const SandboxPlan& plan) {
    // CPU: SIGXCPU at the soft limit (Python reports it), SIGKILL a second later.
    return set_limit(RLIMIT_CPU, plan.cpu_seconds, plan.cpu_seconds + 1) &&
           set_limit(RLIMIT_AS, plan.address_space_bytes, plan.address_space_bytes) &&
           set_limit(RLIMIT_NPROC, plan.processes, plan.processes) &&
           set_limit(RLIMIT_FSIZE, plan.file_bytes, plan.file_bytes) &&
           set_limit(RLIMIT_NOFILE, plan.open_files, plan.open_files) &&
           set_limit(RLIMIT_CORE, 0, 0);
}

bool add_rule(int ruleset, const char* path, std::uint64_t allowed, std::uint64_t file_rights) {
    const int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT || errno == ENOTDIR;  // not on this system: nothing to allow
    struct stat info {};
    if (fstat(fd, &info) == 0 && !S_ISDIR(info.st_mode)) allowed &= file_rights;
    const PathBeneathAttr rule{allowed, fd};
    const bool ok = syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &rule, 0) == 0;
    const int saved = errno;
    close(fd);
    errno = saved;
    return ok;
}

// Reads and executes only from `read_paths`, reads and writes `device_paths`, anything beneath
// /tmp; with ABI 4+ no TCP, with ABI 6+ no signals or abstract sockets leave the sandbox.
bool restrict_with_landlock(const SandboxPlan& plan, int abi, std::int32_t& protections) {
    std::uint64_t fs = kFsAbi1;
    if (abi >= 2) fs |= kFsRefer;
    if (abi >= 3) fs |= kFsTruncate;
    if (abi >= 5) fs |= kFsIoctlDev;
    const RulesetAttr attr{fs, abi >= 4 ? kNetBindTcp | kNetConnectTcp : 0,
                           abi >= 6 ? kScopeAbstractUnix | kScopeSignal : 0};
    const size_t size = abi >= 6 ? sizeof(RulesetAttr) : abi >= 4 ? 16 : 8;
    const int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, size, 0U));
    if (ruleset < 0) return false;
    const std::uint64_t file_rights =
        (kFsExecute | kFsWriteFile | kFsReadFile) | (fs & kFsTruncate) | (fs & kFsIoctlDev);
    const std::uint64_t read = kFsExecute | kFsReadFile | kFsReadDir;
    bool ok = true;
    for (const char* const* path = plan.read_paths; ok && *path; ++path)
        ok = add_rule(ruleset, *path, read, file_rights);
    for (const char* const* path = plan.device_paths; ok && *path; ++path)
        ok = add_rule(ruleset, *path, kFsReadFile | kFsWriteFile | (fs & kFsIoctlDev), file_rights);
    if (ok && (protections & kPrivateProc)) ok = add_rule(ruleset, "/proc", read, file_rights);
    ok = ok && add_rule(ruleset, "/tmp", fs, file_rights) &&
         syscall(SYS_landlock_restrict_self, ruleset, 0U) == 0;
    const int saved = errno;
    close(ruleset);
    errno = saved;
    if (!ok) return false;
    protections |= kLandlockFiles;
    if (abi >= 4) protections |= kLandlockNetwork;
    if (abi >= 6) protections |= kLandlockScope;
    return true;
}

bool write_code(const SandboxPlan& plan) {
    const int fd = open(plan.code_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    size_t done = 0;
    while (done < plan.code_size) {
        const ssize_t n = write(fd, plan.code + done, plan.code_size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            close(fd);
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return close(fd) == 0;
}

// PID 1 of the sandbox's PID namespace: finishes the jail, then becomes the interpreter.
[[noreturn]] void run_init(const SandboxPlan& plan, std::int32_t protections) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // Mount changes stay in this namespace; then everything read-only (and no set-uid), except
    // a fresh, size-limited tmpfs on /tmp that becomes the working folder and vanishes with us.
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        fail(kStagePrivateMounts, errno);
    }
    const MountAttr read_only{kMountAttrReadOnly | kMountAttrNoSuid, 0, 0, 0};
    int read_only_error = 0;
    if (syscall(SYS_mount_setattr, AT_FDCWD, "/", kAtRecursive, &read_only, sizeof(read_only)) ==
        0) {
        protections |= kReadOnlyMounts;
    } else {
        read_only_error = errno;
    }
    if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, plan.tmpfs_options) != 0) {
        fail(kStageTmpfs, errno);
    }
    // A /proc of our own PID namespace, so the host's processes (their command lines) are not
    // listed. The kernel refuses it where the host's /proc is partly hidden (some containers);
    // then Landlock, if present, keeps /proc unreadable instead.
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, nullptr) ==
        0) {
        protections |= kPrivateProc;
    }
    if (!write_code(plan) || chdir("/tmp") != 0) fail(kStageWriteCode, errno);

    // no_new_privs: no set-uid gains after exec; also what Landlock asks of unprivileged callers.
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(kStageLandlock, errno);
    const int abi = landlock_abi_version();
    if (abi > 0) {
        if (!restrict_with_landlock(plan, abi, protections)) fail(kStageLandlock, errno);
    } else if (plan.require_landlock) {
        fail(kStageLandlock, EOPNOTSUPP);
    }
    // Writes outside /tmp must be impossible one way or the other.
    if (!(protections & (kReadOnlyMounts | kLandlockFiles))) fail(kStageReadOnly, read_only_error);
    if (!set_limits(plan)) fail(kStageLimits, errno);
    protections |= kResourceLimits;

    report(kProtections, protections, 0);
    execve(plan.interpreter, plan.argv, plan.envp);
    fail(kStageExec, errno);
}

}  // namespace

const char* stage_name(std::int32_t stage) {
    switch (stage) {
        case kStageDescriptors:
            return "closing the app's files";
        case kStageDropRoot:
            return "switching from root to an unprivileged user";
        case kStageNamespaces:
            return "creating user, network, PID and mount namespaces";
        case kStageIdMaps:
            return "mapping the user and group ids";
        case kStageForkInit:
            return "starting the sandbox's first process";
        case kStagePrivateMounts:
            return "making the mounts private";
        case kStageReadOnly:
            return "making the file system read-only";
        case kStageTmpfs:
            return "mounting a private /tmp";
        case kStageWriteCode:
            return "writing the code to the private /tmp";
        case kStageLandlock:
            return "restricting file access with Landlock";
        case kStageLimits:
            return "setting resource limits";
        case kStageExec:
            return "starting the interpreter";
        default:
            return "setting up the sandbox";
    }
}

int landlock_abi_version() {
    const long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
    return abi < 0 ? 0 : static_cast<int>(abi);
}

void run_sandbox_child(const SandboxPlan& plan) {
    reset_signals();
    setpgid(0, 0);
    if (!arrange_descriptors(plan)) _exit(126);  // the report pipe may not exist: just exit
    // If memory runs out, the kernel should kill the sandbox, not the app.
    write_text("/proc/self/oom_score_adj", "1000");

    std::int32_t protections = 0;
    if (plan.drop_root) {
        if (setgroups(0, nullptr) != 0 || setgid(plan.run_gid) != 0 || setuid(plan.run_uid) != 0) {
            fail(kStageDropRoot, errno);
        }
        // Changing credentials made the process non-dumpable, which hands /proc/self to root
        // and so forbids writing our own id maps below.
        prctl(PR_SET_DUMPABLE, 1);
        protections |= kDroppedRoot;
    }
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
                CLONE_NEWUTS) != 0) {
        fail(kStageNamespaces, errno);
    }
    protections |= kNetworkNamespace | kPidNamespace;
    // "deny" first: an unprivileged process may map its gid only with setgroups disabled.
    const bool setgroups_ok = write_text("/proc/self/setgroups", "deny") || errno == ENOENT;
    if (!setgroups_ok || !write_text("/proc/self/uid_map", plan.uid_map) ||
        !write_text("/proc/self/gid_map", plan.gid_map)) {
        fail(kStageIdMaps, errno);
    }
    // Credential changes cleared any parent-death signal; set it now, then make sure the app
    // did not already go away in between.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != plan.app_pid) _exit(125);

    const pid_t init = fork();
    if (init < 0) fail(kStageForkInit, errno);
    if (init == 0) run_init(plan, protections);
    // The keeper holds no output pipe, so end-of-file on them means the sandbox is gone.
    close(0);
    close(1);
    close(2);
    int status = 0;
    while (waitpid(init, &status, 0) < 0) {
        if (errno != EINTR) fail(kStageForkInit, errno);
    }
    report(kExitStatus, status, 0);
    _exit(0);
}

}  // namespace ponder::core::sandbox
