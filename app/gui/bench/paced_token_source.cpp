#include "app/gui/bench/paced_token_source.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace ponder::gui::bench {

PacedTokenSource::PacedTokenSource(std::vector<TokenId> output, double tokensPerSecond,
                                   std::int64_t contextLimit)
    : output_(std::move(output)),
      tokensPerSecond_(std::max(tokensPerSecond, 1.0)),
      contextLimit_(contextLimit) {}

Result<core::GenerationOutcome> PacedTokenSource::generate(
    std::span<const TokenId> prompt, const core::GenerationRequest& request,
    const std::function<bool(TokenId)>& on_token) {
    using Clock = std::chrono::steady_clock;
    core::GenerationOutcome outcome;
    outcome.prompt_tokens = static_cast<std::int64_t>(prompt.size());
    outcome.prefilled_tokens = outcome.prompt_tokens;
    if (outcome.prompt_tokens >= contextLimit_)
        return Status(StatusCode::context_full, "prompt does not fit");

    const auto period = std::chrono::duration<double>(1.0 / tokensPerSecond_);
    const auto start = Clock::now();
    std::int64_t produced = 0;
    auto finish = [&] {
        produced_.store(produced);
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        // n tokens span n - 1 periods: the first is handed out at once.
        achievedRate_.store(produced > 1 && seconds > 0 ? double(produced - 1) / seconds : 0);
        return outcome;
    };
    for (TokenId token : output_) {
        std::this_thread::sleep_until(
            start + std::chrono::duration_cast<Clock::duration>(period * double(produced)));
        if (request.cancel && request.cancel->load()) {
            outcome.cancelled = true;
            return finish();
        }
        if (request.max_tokens > 0 && produced == request.max_tokens) {
            outcome.hit_token_limit = true;
            return finish();
        }
        if (outcome.prompt_tokens + produced >= contextLimit_) {
            outcome.hit_token_limit = true;
            return finish();
        }
        outcome.tokens.push_back(token);
        ++produced;
        const bool goOn = on_token(token);
        if (std::find(request.stop_tokens.begin(), request.stop_tokens.end(), token) !=
            request.stop_tokens.end()) {
            outcome.hit_stop_token = true;
            return finish();
        }
        if (!goOn) {
            outcome.cancelled = true;
            return finish();
        }
    }
    outcome.hit_token_limit = true;  // the script ran out without a stop token
    return finish();
}

}  // namespace ponder::gui::bench
