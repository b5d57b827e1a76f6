// Where a chat turn's tokens come from. The real source is the engine (EngineTokenSource: a
// Model and one Context whose KV cache is reused across turns); tests drive the chat core with
// scripted token streams through the same interface (issue: tool calling tests).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "app/core/storage/history_types.h"
#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder {
class Context;
class Model;
}  // namespace ponder

namespace ponder::core {

struct GenerationRequest {
    SamplingSettings sampling;
    std::vector<TokenId> stop_tokens;           // e.g. <|return|>, <|call|>
    std::int64_t max_tokens = 0;                // 0: until a stop token or the context is full
    const std::atomic<bool>* cancel = nullptr;  // the user pressed Stop
};

struct GenerationOutcome {
    std::vector<TokenId> tokens;  // sampled, the stop token included
    bool hit_stop_token = false;
    bool hit_token_limit = false;       // max_tokens or the context's end
    bool cancelled = false;             // stopped by `cancel` or by on_token returning false
    std::int64_t prompt_tokens = 0;     // the prompt's length
    std::int64_t prefilled_tokens = 0;  // of those, how many had to be computed (not reused)
};

class TokenSource {
  public:
    virtual ~TokenSource() = default;
    // Continues `prompt`, calling on_token for every sampled token (return false to stop).
    // Fails with context_full when the prompt alone does not fit, or an engine error.
    virtual Result<GenerationOutcome> generate(std::span<const TokenId> prompt,
                                               const GenerationRequest& request,
                                               const std::function<bool(TokenId)>& on_token) = 0;
    // The most tokens a prompt plus its answer may have.
    virtual std::int64_t context_limit() const = 0;
    // How many token ids the model knows (its embedding's rows): a turn checks its tokenizer
    // against this before it stores anything (harmony/chat_tokenizer.h). nullopt: not known (a
    // source that replays recorded tokens), nothing to check.
    virtual std::optional<std::int64_t> vocabulary_size() const { return std::nullopt; }
};

// The engine as a token source: one Context (one KV cache) serves whichever conversation runs;
// a follow-up turn of the same conversation only prefills what is new (Context::assign).
// One thread at a time; the model must outlive it.
class EngineTokenSource final : public TokenSource {
  public:
    static Result<std::unique_ptr<EngineTokenSource>> create(const Model& model,
                                                             std::int64_t context_limit);
    ~EngineTokenSource() override;

    Result<GenerationOutcome> generate(std::span<const TokenId> prompt,
                                       const GenerationRequest& request,
                                       const std::function<bool(TokenId)>& on_token) override;
    std::int64_t context_limit() const override;
    std::optional<std::int64_t> vocabulary_size() const override;

  private:
    explicit EngineTokenSource(std::unique_ptr<Context> context);
    std::unique_ptr<Context> context_;
};

}  // namespace ponder::core
