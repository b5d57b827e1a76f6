// Runs untrusted Python code (written by the model) in a local sandbox (Linux only).
//
// Protections, all required unless said otherwise (sandbox_child.h has the process layout):
// - no network: a new network namespace (only a down loopback); with Landlock ABI 4+ also no TCP.
// - no writes outside a private working folder: every mount is read-only inside the sandbox and
//   the code runs in a fresh tmpfs on /tmp (size-limited, gone when the code ends); with
//   Landlock, additionally writes only beneath /tmp and reads only from system folders and the
//   interpreter's own (not the user's home). One of the two must work, or nothing runs.
// - nothing outside is visible or reachable: new PID, IPC and UTS namespaces, with a /proc of
//   their own where the kernel allows it; the app's open files are closed before the interpreter
//   starts; when the app runs as root, the code runs as nobody.
// - bounded: CPU seconds, address space per process, processes (a fork bomb stops there), file
//   size, open files (setrlimit); a wall-clock limit, after which every process of the sandbox is
//   killed; output kept up to a limit, and a program that writes much more is stopped.
// Limits: memory is limited per process, not in total (up to `processes` x `address_space`);
// the code may read system files (/etc, /usr) and, without Landlock, any file the user can read.
//
// If a required protection is missing on this machine (no user namespaces, e.g. inside some
// containers or under Ubuntu's AppArmor restriction), support() says which, and the python tool
// is not offered: code never runs unprotected.
//
// Thread-safety: run() and support() may be called from any thread, also concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ponder::core {

struct SandboxLimits {
    std::chrono::milliseconds wall_time{30000};
    std::uint64_t cpu_seconds = 20;
    std::uint64_t address_space_bytes = 1ULL << 30;  // per process
    std::uint64_t processes = 16;                    // processes and threads, together
    std::uint64_t file_bytes = 16ULL << 20;          // largest file the code may write
    std::uint64_t open_files = 64;
    std::uint64_t working_folder_bytes = 64ULL << 20;  // the tmpfs on /tmp
    size_t kept_output_bytes = 64 * 1024;              // of stdout and of stderr, each
    std::uint64_t output_stop_bytes = 8ULL << 20;      // stdout + stderr beyond this: stopped
};

struct PythonSandboxOptions {
    // The interpreter; empty: /usr/bin/python3 if it exists, else the first python3 on PATH.
    std::string interpreter;
    SandboxLimits limits;
    // Refuse to run without Landlock (reads then are not restricted). Off: the read-only mounts
    // alone keep writes inside the working folder.
    bool require_landlock = false;
};

struct SandboxRun {
    std::string stdout_text;  // the first kept_output_bytes
    std::string stderr_text;
    std::uint64_t stdout_bytes = 0;  // everything written, kept or not
    std::uint64_t stderr_bytes = 0;
    std::optional<int> exit_code;  // the interpreter exited
    std::optional<int> signal;     // or was killed by this signal
    bool timed_out = false;        // killed at the wall-clock limit
    bool cancelled = false;        // killed because `cancel` was set
    bool output_limit = false;     // killed for writing more than output_stop_bytes
    std::int32_t protections = 0;  // sandbox::Protection bits that were in place
    std::chrono::milliseconds duration{0};
};

struct SandboxSupport {
    bool ok = false;
    std::string interpreter;  // the one that would run
    std::string reason;       // !ok: what is missing, in words for the user
    std::string summary;      // ok: the protections in place, in words
};

class PythonSandbox {
  public:
    explicit PythonSandbox(PythonSandboxOptions options);

    // Whether code can run here with every required protection: finds the interpreter and runs
    // a tiny program in the sandbox once (tens of milliseconds), then remembers the answer.
    SandboxSupport support();

    // Runs `code` with `python3 -I -u /tmp/main.py` in the sandbox until it exits, `deadline`
    // (none: limits.wall_time from now) passes, or `cancel` is set. Fails (Status)
    // only when the sandbox could not be set up; the code's own failures are in the SandboxRun.
    Result<SandboxRun> run(std::string_view code,
                           std::chrono::steady_clock::time_point deadline =
                               std::chrono::steady_clock::time_point::max(),
                           const std::atomic<bool>* cancel = nullptr);

    const PythonSandboxOptions& options() const { return options_; }

  private:
    Result<SandboxRun> run_with(const std::string& interpreter, std::string_view code,
                                std::chrono::steady_clock::time_point deadline,
                                const std::atomic<bool>* cancel);

    PythonSandboxOptions options_;
    std::mutex probe_mutex_;
    std::optional<SandboxSupport> probed_;
};

// The interpreter PythonSandboxOptions{} would use: /usr/bin/python3, else python3 on PATH;
// nullopt when there is none.
std::optional<std::string> find_python3();

// The protections in `bits` (sandbox::Protection), in words: "network namespace, ...".
std::string describe_protections(std::int32_t bits);

}  // namespace ponder::core
