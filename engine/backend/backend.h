// What a Context needs from a compute backend (docs/architecture.md §3): a Backend runs the model
// over a Model's weights; a Session is one conversation's state on it (the KV cache). The CPU
// backend is the reference implementation; a CUDA backend implements the same two interfaces.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ponder {

enum class LogitsWanted {
    none,  // only fill the KV cache (replaying a prefix)
    last,  // logits of the last token: [vocab]
    all,   // logits of every token: [tokens, vocab]
};

// Observes named intermediates of the forward pass (docs/gpt-oss.md §4), for debugging a wrong
// result layer by layer: `name` is e.g. "attn_out", "resid_after_attn", "router_logits",
// "topk_w", "moe_out", "resid_after_mlp" with `layer` >= 0, or "embed", "final_norm" with
// layer -1. data is [rows = tokens of the call, cols], valid during the call only.
using ForwardTrace = std::function<void(std::string_view name, int layer, const float* data,
                                        std::int64_t rows, std::int64_t cols)>;

// Next-token selection done by the backend itself (on the GPU for CUDA), so that 201,088 logits
// need not cross to the host per token. Temperature and top-p only; top-k and min-p stay with
// the host Sampler. The draws come from the backend's own generator: the same seed gives the same
// tokens on the same backend, not the Sampler's sequence.
struct DeviceSampling {
    float temperature = 0.0f;  // 0 = greedy (argmax, ties to the lower id)
    float top_p = 1.0f;        // (0, 1], used with temperature > 0
    std::uint64_t seed = 0;    // the draw sequence restarts when the seed changes
};

struct ForwardRequest {
    std::span<const std::int32_t> tokens;  // run at positions length() .. length() + size - 1
    LogitsWanted logits = LogitsWanted::last;
    float* logits_out = nullptr;                // [1 or tokens.size(), vocab] per `logits`
    const std::atomic<bool>* cancel = nullptr;  // checked before every layer
    const ForwardTrace* trace = nullptr;
    // Optional, with logits == last and a session whose samples_on_device() is true: also draw
    // the next token from the last position's logits into *sampled_token. logits_out may then be
    // null: no logits are copied out. Other sessions fail with unsupported.
    const DeviceSampling* sample = nullptr;
    std::int32_t* sampled_token = nullptr;
};

class Session {
  public:
    virtual ~Session() = default;

    // Positions whose state the session holds: the next token runs at this position.
    virtual std::int64_t length() const = 0;

    // Runs request.tokens through the model and appends their keys and values. Fails with
    // cancelled, out_of_memory or context_full; on failure length() tells how many of the
    // tokens were kept (the caller feeds the rest again).
    virtual Status forward(const ForwardRequest& request) = 0;

    // Forgets positions >= n (n <= length()). Returns the length actually kept, which is below
    // n when sliding-window state for positions before n had already been overwritten: the
    // caller must feed tokens [returned, n) again before continuing (exactly as before).
    virtual std::int64_t truncate(std::int64_t n) = 0;

    // Bytes of KV cache currently allocated.
    virtual std::int64_t cache_bytes() const = 0;

    // Most positions the session can hold (forward fails with context_full beyond).
    virtual std::int64_t max_length() const = 0;

    // Whether forward() accepts ForwardRequest::sample.
    virtual bool samples_on_device() const { return false; }
};

struct SessionOptions {
    std::int64_t max_tokens = 0;        // positions the session may hold; 0 = the backend's
                                        // default (CPU: the model's maximum; CUDA: the context
                                        // the model was loaded for, ModelOptions)
    std::int64_t sliding_retain = 512;  // positions a sliding layer keeps beyond its window, so
                                        // that truncating back by up to this much is free
    std::int64_t max_batch = 128;       // tokens per forward step of a long prompt
};

class Backend {
  public:
    virtual ~Backend() = default;
    virtual const char* name() const = 0;  // "cpu" or "cuda"
    // One line for logs and benchmarks, e.g. "cpu, 2 threads, avx2+fma".
    virtual std::string description() const = 0;
    virtual Result<std::unique_ptr<Session>> new_session(const SessionOptions& options) const = 0;
};

}  // namespace ponder
