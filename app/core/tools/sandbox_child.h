// The child side of the Python sandbox: what runs between fork() and exec() (Linux only).
//
// The parent prepares a SandboxPlan (every string, path and number the child needs) before it
// forks, because a child forked from a multi-threaded process may only make async-signal-safe
// calls: no allocation, no locks, no stdio. run_sandbox_child() then builds the jail step by step
// and reports each protection it put in place, or the step that failed and its errno, as fixed-size
// records on `report_fd` (see SetupRecord). If every step succeeds it execs the interpreter.
//
// Process layout:
//   app ── fork ──> keeper (own process group; drops root to nobody; new user, network, PID,
//                   mount, IPC and UTS namespaces; maps its own uid/gid)
//                     └─ fork ──> init (PID 1 of the new PID namespace: read-only mounts, a private
//                                 tmpfs on /tmp, rlimits, no_new_privs, Landlock, then exec python)
// The keeper waits for init and reports its wait status. Killing the keeper's process group (or
// the keeper alone: init has PR_SET_PDEATHSIG) kills init, and the kernel then kills every
// process left in the PID namespace, however the code forked or regrouped itself.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace ponder::core::sandbox {

// One record on the report pipe.
struct SetupRecord {
    std::int32_t kind = 0;   // RecordKind
    std::int32_t value = 0;  // protections: Protection bits; failure: Stage; exit: wait status
    std::int32_t error = 0;  // failure: errno
};

enum RecordKind : std::int32_t { kProtections = 1, kFailure = 2, kExitStatus = 3 };

// What the jail achieved, as bits of a kProtections record.
enum Protection : std::int32_t {
    kNetworkNamespace = 1 << 0,  // a network namespace with no interfaces but a down loopback
    kPidNamespace = 1 << 1,      // cannot see or signal processes outside the sandbox
    kReadOnlyMounts = 1 << 2,    // every mount read-only except the private /tmp
    kLandlockFiles = 1 << 3,     // writes only beneath /tmp, reads only system folders
    kLandlockNetwork = 1 << 4,   // no TCP bind/connect (Landlock ABI 4+)
    kLandlockScope = 1 << 5,     // no signals or abstract sockets out of the sandbox (ABI 6+)
    kResourceLimits = 1 << 6,    // CPU, memory, processes, file size, open files
    kDroppedRoot = 1 << 7,       // the app ran as root: the code runs as nobody
    kPrivateProc = 1 << 8,       // /proc shows the sandbox's processes only
};

// The step that failed, as the value of a kFailure record.
enum Stage : std::int32_t {
    kStageDescriptors = 1,
    kStageDropRoot,
    kStageNamespaces,
    kStageIdMaps,
    kStageForkInit,
    kStagePrivateMounts,
    kStageReadOnly,
    kStageTmpfs,
    kStageWriteCode,
    kStageLandlock,
    kStageLimits,
    kStageExec,
};
const char* stage_name(std::int32_t stage);

struct SandboxPlan {
    // Interpreter and its command line, environment; null-terminated arrays.
    const char* interpreter = nullptr;
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    const char* code = nullptr;  // written to /tmp/main.py inside the sandbox
    size_t code_size = 0;
    const char* code_path = nullptr;      // "/tmp/main.py"
    const char* tmpfs_options = nullptr;  // e.g. "size=67108864,nr_inodes=4096,mode=0700"

    // Identity inside the sandbox. drop_root: setuid/setgid to run_uid/run_gid first.
    bool drop_root = false;
    uid_t run_uid = 0;
    gid_t run_gid = 0;
    const char* uid_map = nullptr;  // "<uid> <uid> 1"
    const char* gid_map = nullptr;

    // Landlock: folders and files that may be read (and executed); null-terminated.
    const char* const* read_paths = nullptr;
    const char* const* device_paths = nullptr;  // /dev/null etc.: read and write
    bool require_landlock = false;              // fail instead of running without it

    // Resource limits (setrlimit), applied to the interpreter.
    std::uint64_t cpu_seconds = 0;
    std::uint64_t address_space_bytes = 0;
    std::uint64_t processes = 0;
    std::uint64_t file_bytes = 0;
    std::uint64_t open_files = 0;

    int stdout_fd = -1;
    int stderr_fd = -1;
    int report_fd = -1;
    pid_t app_pid = 0;
};

// Runs in the forked child; never returns. Only async-signal-safe calls.
[[noreturn]] void run_sandbox_child(const SandboxPlan& plan);

// The Landlock ABI version of the running kernel; 0 when Landlock is unavailable.
int landlock_abi_version();

}  // namespace ponder::core::sandbox
