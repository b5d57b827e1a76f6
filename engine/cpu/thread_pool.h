// A small persistent thread pool for the CPU backend: the caller and `size() - 1` workers split
// a range of independent work items. Workers spin briefly after each job (decode issues a few
// hundred short jobs per token, so waking a sleeping thread each time would cost more than the
// work) and then sleep on a condition variable, so an idle pool uses no CPU.
//
// The caller waits for the work, not for the workers: on a busy machine a worker may not be
// scheduled for milliseconds, and then the caller simply does every chunk itself. A worker takes
// part in a job only after announcing itself (`joined_`) while the job is still open, so the
// caller can close a job and reuse its fields once no announced worker remains.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace ponder::cpu {

class ThreadPool {
  public:
    // `threads` >= 1 counts the calling thread; 0 means one per hardware thread.
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return static_cast<int>(workers_.size()) + 1; }

    // Calls body(begin, end) on disjoint chunks that cover [0, n), from all threads; returns when
    // every chunk is done. Chunks hold `grain` items, fewer when that would leave some thread
    // without work. They are handed out dynamically, and small, so a thread slowed by another
    // process delays the job by at most one chunk.
    // Not re-entrant: body must not call parallel_for. One job at a time (callers serialise).
    template <typename Body>
    void parallel_for(std::int64_t n, std::int64_t grain, Body&& body) {
        if (n <= 0) return;
        if (workers_.empty() || n <= grain) {
            body(std::int64_t{0}, n);
            return;
        }
        run(
            n, grain,
            [](const void* context, std::int64_t begin, std::int64_t end) {
                (*static_cast<const std::remove_reference_t<Body>*>(context))(begin, end);
            },
            &body);
    }

  private:
    using ChunkFn = void (*)(const void* context, std::int64_t begin, std::int64_t end);

    void run(std::int64_t n, std::int64_t grain, ChunkFn fn, const void* context);
    void work_on_current_job();
    void worker_loop();

    std::vector<std::thread> workers_;

    // The current job; written by the caller before `generation_` is bumped.
    ChunkFn fn_ = nullptr;
    const void* context_ = nullptr;
    std::int64_t total_ = 0;
    std::int64_t chunk_ = 1;
    std::atomic<std::int64_t> next_{0};  // first item not yet handed out
    std::atomic<std::int64_t> done_{0};  // items finished
    std::atomic<int> joined_{0};         // workers inside the current job

    // Even: a job is open (its id); odd: no job (fields may change).
    std::atomic<std::uint64_t> generation_{1};
    std::atomic<bool> stopping_{false};
    std::mutex sleep_mutex_;
    std::condition_variable wake_;
};

}  // namespace ponder::cpu
