// One engine, many clients: completion requests wait in a bounded FIFO and run one at a time on
// one worker thread, which alone touches the engine (its Context keeps the last request's tokens
// for prefix reuse). A full queue refuses at once; the HTTP side gives up on a request that
// waited too long (withdraw). A client that goes away sets its job's cancel flag, which the
// engine checks between tokens and layers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "app/core/server/chat_completion.h"

namespace ponder::core::server {

// A request and its results in flight between the HTTP thread that submitted it and the worker.
class Job {
  public:
    using Clock = std::chrono::steady_clock;

    Job(std::string id, ChatCompletionRequest request, std::vector<TokenId> prompt)
        : id_(std::move(id)),
          request_(std::move(request)),
          prompt_(std::move(prompt)),
          submitted_(Clock::now()) {}

    const std::string& id() const { return id_; }  // "chatcmpl-...", also in the log
    const ChatCompletionRequest& request() const { return request_; }
    const std::vector<TokenId>& prompt() const { return prompt_; }
    Clock::time_point submitted() const { return submitted_; }

    // The client side: asks the generation to stop (at once if it is running); records when.
    void cancel();
    const std::atomic<bool>* cancel_flag() const { return &cancel_; }
    std::optional<Clock::time_point> cancelled_at() const;

    // The worker side.
    void mark_started();
    void push(const CompletionDelta& delta);
    void finish(Result<CompletionResult> result);

    // The client side: waits until something new happened or `timeout` passed, and takes it.
    struct Update {
        bool started = false;  // the worker has taken the job
        std::vector<CompletionDelta> deltas;
        std::optional<Result<CompletionResult>> finished;  // set once, with the last deltas
    };
    Update wait(std::chrono::milliseconds timeout);

  private:
    const std::string id_;
    const ChatCompletionRequest request_;
    const std::vector<TokenId> prompt_;
    const Clock::time_point submitted_;
    std::atomic<bool> cancel_{false};

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool started_ = false;
    std::vector<CompletionDelta> deltas_;
    std::optional<Result<CompletionResult>> finished_;
    bool finished_taken_ = false;
    std::optional<Clock::time_point> cancelled_at_;
};

class GenerationQueue {
  public:
    // Runs one job on the worker thread: generates, pushing deltas into it; returns the result.
    using Runner = std::function<Result<CompletionResult>(Job& job)>;

    // `capacity`: how many jobs may wait (the running one not counted).
    GenerationQueue(size_t capacity, Runner runner);
    // stop(), then waits for the worker.
    ~GenerationQueue();
    GenerationQueue(const GenerationQueue&) = delete;
    GenerationQueue& operator=(const GenerationQueue&) = delete;

    // False when `capacity` jobs are waiting already (the caller answers 429).
    bool submit(const std::shared_ptr<Job>& job);
    // Takes a job that is still waiting out of the line; false once the worker has it.
    bool withdraw(const std::shared_ptr<Job>& job);

    size_t capacity() const { return capacity_; }

    // Cancels the running job and fails the waiting ones (the server is stopping); refuses
    // every later submit.
    void stop();

  private:
    void work();

    const size_t capacity_;
    Runner runner_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::shared_ptr<Job>> waiting_;
    std::shared_ptr<Job> running_;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace ponder::core::server
