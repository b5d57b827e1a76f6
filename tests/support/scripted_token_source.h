// A TokenSource that plays back scripted model outputs (one per generation), for testing the
// chat core's handling of real harmony token streams without sampling a model. Records every
// prompt it is given so tests can check what the model would have read.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "app/core/chat/token_source.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder::test {

class ScriptedTokenSource final : public core::TokenSource {
  public:
    ScriptedTokenSource(const Tokenizer& tokenizer, std::int64_t context_limit = 8192)
        : tokenizer_(tokenizer), limit_(context_limit) {}

    // Queues one generation's output, harmony special tokens written as text
    // ("<|channel|>final<|message|>42<|return|>").
    void add_output(const std::string& text) {
        outputs_.push_back(tokenizer_.encode_with_special(text));
    }

    // After this many tokens of the next output, sets `flag` (simulates the user pressing Stop).
    void cancel_after(std::int64_t tokens, std::atomic<bool>* flag) {
        cancel_after_ = tokens;
        cancel_flag_ = flag;
    }

    const std::vector<std::vector<TokenId>>& prompts() const { return prompts_; }
    // The sampler settings of every generation, in order.
    const std::vector<core::SamplingSettings>& samplings() const { return samplings_; }
    std::string prompt_text(size_t index) const {
        return tokenizer_.decode(prompts_.at(index)).value();
    }
    size_t remaining_outputs() const { return outputs_.size(); }

    Result<core::GenerationOutcome> generate(
        std::span<const TokenId> prompt, const core::GenerationRequest& request,
        const std::function<bool(TokenId)>& on_token) override {
        core::GenerationOutcome outcome;
        outcome.prompt_tokens = static_cast<std::int64_t>(prompt.size());
        if (outcome.prompt_tokens >= limit_) {
            return Status(StatusCode::context_full, "prompt does not fit");
        }
        // Reuse accounting as the engine does it: the common prefix with the previous prompt.
        size_t common = 0;
        if (!prompts_.empty()) {
            const auto& last = prompts_.back();
            while (common < last.size() && common < prompt.size() && last[common] == prompt[common])
                ++common;
        }
        outcome.prefilled_tokens = outcome.prompt_tokens - static_cast<std::int64_t>(common);
        prompts_.emplace_back(prompt.begin(), prompt.end());
        samplings_.push_back(request.sampling);
        if (outputs_.empty()) return Status(StatusCode::internal, "no scripted output left");
        const std::vector<TokenId> output = outputs_.front();
        outputs_.pop_front();
        std::int64_t produced = 0;
        for (TokenId token : output) {
            if (request.cancel && request.cancel->load()) {
                outcome.cancelled = true;
                return outcome;
            }
            if (request.max_tokens > 0 && produced == request.max_tokens) {
                outcome.hit_token_limit = true;
                return outcome;
            }
            outcome.tokens.push_back(token);
            ++produced;
            if (cancel_flag_ && produced == cancel_after_) cancel_flag_->store(true);
            const bool go_on = on_token(token);
            for (TokenId stop : request.stop_tokens) {
                if (token == stop) {
                    outcome.hit_stop_token = true;
                    return outcome;
                }
            }
            if (!go_on) {
                outcome.cancelled = true;
                return outcome;
            }
        }
        outcome.hit_token_limit = true;  // the script ran out without a stop token
        return outcome;
    }

    std::int64_t context_limit() const override { return limit_; }

  private:
    const Tokenizer& tokenizer_;
    std::int64_t limit_;
    std::deque<std::vector<TokenId>> outputs_;
    std::vector<std::vector<TokenId>> prompts_;
    std::vector<core::SamplingSettings> samplings_;
    std::int64_t cancel_after_ = -1;
    std::atomic<bool>* cancel_flag_ = nullptr;
};

}  // namespace ponder::test
