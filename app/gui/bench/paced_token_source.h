// A TokenSource for ponder-ui-bench: plays back one scripted model output at a steady token
// rate, the way a model decoding at that speed would produce it. The pacing sleeps on the
// caller's thread (the EngineWorker's), so the chat core, the EventCoalescer and the window see
// exactly the event stream of a real model; only the sampling is missing.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "app/core/chat/token_source.h"

namespace ponder::gui::bench {

class PacedTokenSource final : public core::TokenSource {
  public:
    // `output`: one generation's tokens, harmony special tokens included (it should end with a
    // stop token such as <|return|>). Every generate() plays it from the start.
    PacedTokenSource(std::vector<TokenId> output, double tokensPerSecond,
                     std::int64_t contextLimit = 131072);

    // Token i is handed out at start + i / rate (an absolute schedule, so a late wake-up does
    // not slow the rest down). Honours the request's stop tokens, max_tokens and cancel flag.
    Result<core::GenerationOutcome> generate(std::span<const TokenId> prompt,
                                             const core::GenerationRequest& request,
                                             const std::function<bool(TokenId)>& on_token) override;
    std::int64_t context_limit() const override { return contextLimit_; }

    // The last generation: tokens handed out and the rate actually held (tokens per second of
    // wall time from the first token to the last). Safe to read from any thread.
    std::int64_t producedTokens() const { return produced_.load(); }
    double achievedRate() const { return achievedRate_.load(); }

  private:
    std::vector<TokenId> output_;
    double tokensPerSecond_;
    std::int64_t contextLimit_;
    std::atomic<std::int64_t> produced_{0};
    std::atomic<double> achievedRate_{0};
};

}  // namespace ponder::gui::bench
