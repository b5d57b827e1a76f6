// The generation loop (docs/architecture.md §2): evaluate the prompt, then sample, report and
// evaluate one token at a time until a stop token, the token limit, the callback, the context limit
// or the cancel flag ends it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "engine/context.h"
#include "engine/generate/sampler.h"
#include "engine/status.h"

namespace ponder {

struct GenerateOptions {
    std::int64_t max_tokens = 512;  // most tokens to sample (the stop token counts)
    // Stop tokens besides the model's eos_token_ids (gpt-oss chat: 200002 <|return|>, 200012
    // <|call|>; never 200007 <|end|>, which ends only an intermediate message).
    std::vector<std::int32_t> stop_tokens;
    const std::atomic<bool>* cancel = nullptr;  // checked before every layer of every step
    // Draw tokens on the GPU when the backend can (Context::samples_on_device()) and the sampler
    // uses only temperature and top-p: no logits cross to the host per token. The draws then
    // come from the backend's generator (seeded with the sampler's seed), not the Sampler's.
    bool device_sampling = true;
};

enum class StopReason {
    stop_token,    // the last token is a stop token
    max_tokens,    // max_tokens were sampled
    callback,      // the callback returned false
    context_full,  // the context has no room for another token
};

const char* stop_reason_name(StopReason reason);  // "stop_token", ...

struct GenerateResult {
    std::vector<std::int32_t> tokens;  // every sampled token, the stop token included
    StopReason reason = StopReason::max_tokens;
};

// Called with each sampled token before it is evaluated; return false to stop after it.
using TokenCallback = std::function<bool(std::int32_t token)>;

// Appends `prompt` to the context (reusing nothing: call Context::assign first for multi-turn
// reuse and pass an empty prompt), then generates. Every sampled token is appended to the
// context's history; the last one is left unevaluated (it is evaluated by the next append, or
// dropped by a truncate). Fails with cancelled (promptly: the flag is checked before every
// layer), context_full when the prompt itself does not fit, invalid_argument or out_of_memory.
Result<GenerateResult> generate(Context& context, std::span<const std::int32_t> prompt,
                                Sampler& sampler, const GenerateOptions& options,
                                const TokenCallback& on_token = {});

}  // namespace ponder
