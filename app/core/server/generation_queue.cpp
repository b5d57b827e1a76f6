#include "app/core/server/generation_queue.h"

#include <algorithm>

namespace ponder::core::server {

void Job::cancel() {
    std::lock_guard lock(mutex_);
    if (!cancelled_at_) cancelled_at_ = Clock::now();
    cancel_.store(true);
}

std::optional<Job::Clock::time_point> Job::cancelled_at() const {
    std::lock_guard lock(mutex_);
    return cancelled_at_;
}

void Job::mark_started() {
    {
        std::lock_guard lock(mutex_);
        started_ = true;
    }
    changed_.notify_all();
}

void Job::push(const CompletionDelta& delta) {
    {
        std::lock_guard lock(mutex_);
        deltas_.push_back(delta);
    }
    changed_.notify_all();
}

void Job::finish(Result<CompletionResult> result) {
    {
        std::lock_guard lock(mutex_);
        finished_.emplace(std::move(result));
    }
    changed_.notify_all();
}

Job::Update Job::wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const bool seen_start = started_;
    changed_.wait_for(lock, timeout, [&] {
        return !deltas_.empty() || (finished_ && !finished_taken_) || started_ != seen_start;
    });
    Update update;
    update.started = started_;
    update.deltas.swap(deltas_);
    if (finished_ && !finished_taken_) {
        update.finished = std::move(finished_);
        finished_taken_ = true;
    }
    return update;
}

GenerationQueue::GenerationQueue(size_t capacity, Runner runner)
    : capacity_(capacity), runner_(std::move(runner)), worker_([this] { work(); }) {}

GenerationQueue::~GenerationQueue() {
    stop();
    worker_.join();
}

void GenerationQueue::stop() {
    std::deque<std::shared_ptr<Job>> abandoned;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        abandoned.swap(waiting_);
        if (running_) running_->cancel();
    }
    wake_.notify_all();
    for (const auto& job : abandoned)
        job->finish(Status(StatusCode::cancelled, "the server is stopping"));
}

bool GenerationQueue::submit(const std::shared_ptr<Job>& job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || waiting_.size() >= capacity_) return false;
        waiting_.push_back(job);
    }
    wake_.notify_one();
    return true;
}

bool GenerationQueue::withdraw(const std::shared_ptr<Job>& job) {
    std::lock_guard lock(mutex_);
    auto it = std::find(waiting_.begin(), waiting_.end(), job);
    if (it == waiting_.end()) return false;
    waiting_.erase(it);
    return true;
}

void GenerationQueue::work() {
    while (true) {
        std::shared_ptr<Job> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
            if (stopping_) return;
            job = waiting_.front();
            waiting_.pop_front();
            running_ = job;
        }
        job->mark_started();
        // A client that left while waiting costs no generation.
        Result<CompletionResult> result =
            job->cancel_flag()->load()
                ? Result<CompletionResult>(Status(StatusCode::cancelled, "the client went away"))
                : runner_(*job);
        {
            std::lock_guard lock(mutex_);
            running_.reset();
        }
        job->finish(std::move(result));
    }
}

}  // namespace ponder::core::server
