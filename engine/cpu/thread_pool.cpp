#include "engine/cpu/thread_pool.h"

#include <algorithm>
#include <chrono>

namespace ponder::cpu {

namespace {

// How long a worker keeps polling for the next job before it sleeps. Decode launches a job
// every few tens of microseconds; a sleeping worker takes about as long just to wake up.
constexpr auto spin_time = std::chrono::microseconds(100);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// Waits for `ready`, polling. After a short spin it yields the core at every poll: the thread
// waited for may have been preempted by another process, and on a machine with few cores the
// yield is what lets it run again soon.
template <typename Ready>
void wait_until(Ready ready) {
    for (int polls = 0; !ready(); ++polls) {
        if (polls < 1000) {
            cpu_relax();
        } else {
            std::this_thread::yield();
        }
    }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    workers_.reserve(static_cast<size_t>(threads - 1));
    for (int i = 1; i < threads; ++i)
        workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(sleep_mutex_);
        stopping_.store(true);
        generation_.fetch_add(1);  // odd -> even: wakes every worker, which then sees stopping_
    }
    wake_.notify_all();
    for (std::thread& worker : workers_)
        worker.join();
}

void ThreadPool::run(std::int64_t n, std::int64_t grain, ChunkFn fn, const void* context) {
    // At least four chunks per thread, so the threads finish together.
    const std::int64_t quarter_share = (n + size() * 4 - 1) / (size() * 4);
    fn_ = fn;
    context_ = context;
    total_ = n;
    chunk_ = std::max<std::int64_t>(1, std::min(grain, quarter_share));
    next_.store(0, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    const std::uint64_t job = generation_.load(std::memory_order_relaxed) + 1;  // even: open
    {
        // The lock orders the publication against a worker that is about to sleep.
        std::lock_guard lock(sleep_mutex_);
        generation_.store(job, std::memory_order_seq_cst);
    }
    wake_.notify_all();
    work_on_current_job();
    wait_until([&] { return done_.load(std::memory_order_acquire) >= total_; });
    // Close the job, then wait for workers that joined it to leave before its fields change.
    generation_.store(job + 1, std::memory_order_seq_cst);
    wait_until([&] { return joined_.load(std::memory_order_seq_cst) == 0; });
}

void ThreadPool::work_on_current_job() {
    for (;;) {
        const std::int64_t begin = next_.fetch_add(chunk_, std::memory_order_relaxed);
        if (begin >= total_) return;
        const std::int64_t end = std::min(total_, begin + chunk_);
        fn_(context_, begin, end);
        done_.fetch_add(end - begin, std::memory_order_release);
    }
}

void ThreadPool::worker_loop() {
    std::uint64_t seen = 1;
    const auto open_job = [&](std::uint64_t generation) {
        return generation % 2 == 0 && generation != seen;
    };
    for (;;) {
        auto spin_until = std::chrono::steady_clock::now() + spin_time;
        int polls = 0;
        while (!open_job(generation_.load(std::memory_order_acquire))) {
            cpu_relax();
            if (++polls % 64 != 0) continue;
            // Waiting is no reason to keep a core from a thread that has work (maybe our caller).
            std::this_thread::yield();
            if (std::chrono::steady_clock::now() > spin_until) {
                std::unique_lock lock(sleep_mutex_);
                wake_.wait(lock,
                           [&] { return open_job(generation_.load(std::memory_order_acquire)); });
                break;
            }
        }
        if (stopping_.load()) return;
        const std::uint64_t job = generation_.load(std::memory_order_acquire);
        if (!open_job(job)) continue;
        joined_.fetch_add(1, std::memory_order_seq_cst);
        // Still open after announcing: the caller will wait for us before touching the fields.
        if (generation_.load(std::memory_order_seq_cst) == job) work_on_current_job();
        joined_.fetch_sub(1, std::memory_order_seq_cst);
        seen = job;
    }
}

}  // namespace ponder::cpu
