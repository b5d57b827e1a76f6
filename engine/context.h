// One conversation's state on a Model (docs/architecture.md §2): the token history, the KV cache
// and the position counter. A follow-up turn reuses the cache for the prefix it shares with the
// history (`assign`), so only the new tokens are computed.
//
// History vs evaluated: every token appended is in tokens(); evaluated() of them have their keys
// and values in the cache. The two differ after a cancelled or failed append, after a truncation
// that had to drop sliding-window state (see Session::truncate), or after `append` with
// evaluate = false (generation appends its stop token that way). The next append evaluates the
// difference first, so callers never need to care.
//
// Thread-safety: one thread at a time per Context. Lifetime: the Model must outlive it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/backend/backend.h"
#include "engine/status.h"

namespace ponder {

class Model;

struct ContextOptions {
    std::int64_t max_tokens = 0;        // 0 = the model's max_position_embeddings
    std::int64_t sliding_retain = 512;  // see SessionOptions
    std::int64_t max_batch = 128;       // tokens per forward step of a long prompt
};

struct AppendOptions {
    bool evaluate = true;     // false: only add to the history (evaluated by the next append)
    bool all_logits = false;  // keep the logits of every appended token (all_logits())
    const std::atomic<bool>* cancel = nullptr;  // checked before every layer
    const ForwardTrace* trace = nullptr;        // named intermediates, for debugging
    // Optional, where samples_on_device(): also draw the token that follows the evaluated ones
    // on the device into *sampled_token (left unchanged when nothing was evaluated). logits()
    // then stays empty: no logits cross to the host. Not with all_logits.
    const DeviceSampling* sample = nullptr;
    std::int32_t* sampled_token = nullptr;
};

class Context {
  public:
    static Result<std::unique_ptr<Context>> create(const Model& model,
                                                   const ContextOptions& options = {});
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    const Model& model() const { return model_; }
    const std::vector<std::int32_t>& tokens() const { return tokens_; }
    std::int64_t size() const { return static_cast<std::int64_t>(tokens_.size()); }
    std::int64_t evaluated() const;
    std::int64_t max_tokens() const { return max_tokens_; }

    // Adds `tokens` to the history and (unless options.evaluate is false) evaluates every
    // token not yet evaluated. Fails with invalid_argument (token outside the vocabulary; the
    // history is unchanged), context_full (the history would exceed max_tokens(); unchanged),
    // cancelled or out_of_memory (the tokens stay in the history, partly evaluated; the next
    // append continues). Empty `tokens` just evaluates what is pending.
    Status append(std::span<const std::int32_t> tokens, const AppendOptions& options = {});

    // Logits [vocab] after the last token of the history; empty unless every token is evaluated
    // and the last one was evaluated by the latest append.
    std::span<const float> logits() const;

    // With AppendOptions::all_logits: [n, vocab] for the n tokens that append added.
    std::span<const float> all_logits() const { return all_logits_; }

    // Keeps the first n tokens of the history. Cheap: at worst it leaves tokens to re-evaluate,
    // which the next append does.
    void truncate(std::int64_t n);

    // Makes the history equal `prompt`, reusing the longest common prefix: truncates to it and
    // appends the rest. The last prompt token is always evaluated, so logits() is ready after.
    Status assign(std::span<const std::int32_t> prompt, const AppendOptions& options = {});

    // Bytes of KV cache currently allocated.
    std::int64_t cache_bytes() const { return session_->cache_bytes(); }

    // Whether append() accepts AppendOptions::sample (the CUDA backend).
    bool samples_on_device() const { return session_->samples_on_device(); }

  private:
    Context(const Model& model, std::unique_ptr<Session> session, std::int64_t max_tokens);
    Status evaluate(std::int64_t new_tokens, const AppendOptions& options);
    Status evaluate_unguarded(std::int64_t new_tokens, const AppendOptions& options);

    const Model& model_;
    std::unique_ptr<Session> session_;
    std::int64_t max_tokens_;
    std::vector<std::int32_t> tokens_;
    std::vector<float> logits_;  // [vocab] of position logits_position_
    std::int64_t logits_position_ = -1;
    std::vector<float> all_logits_;  // [n, vocab]
};

}  // namespace ponder
