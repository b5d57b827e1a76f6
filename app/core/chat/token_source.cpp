#include "app/core/chat/token_source.h"

#include <algorithm>
#include <random>

#include "engine/context.h"
#include "engine/generate/generate.h"
#include "engine/generate/sampler.h"
#include "engine/model.h"

namespace ponder::core {

Result<std::unique_ptr<EngineTokenSource>> EngineTokenSource::create(const Model& model,
                                                                     std::int64_t context_limit) {
    ContextOptions options;
    options.max_tokens =
        std::min<std::int64_t>(context_limit, model.config().max_position_embeddings);
    auto context = Context::create(model, options);
    if (!context) return context.status();
    return std::unique_ptr<EngineTokenSource>(new EngineTokenSource(std::move(*context)));
}

EngineTokenSource::EngineTokenSource(std::unique_ptr<Context> context)
    : context_(std::move(context)) {}

EngineTokenSource::~EngineTokenSource() = default;

std::int64_t EngineTokenSource::context_limit() const {
    return context_->max_tokens();
}

std::optional<std::int64_t> EngineTokenSource::vocabulary_size() const {
    return context_->model().config().vocab_size;
}

Result<GenerationOutcome> EngineTokenSource::generate(
    std::span<const TokenId> prompt, const GenerationRequest& request,
    const std::function<bool(TokenId)>& on_token) {
    GenerationOutcome outcome;
    outcome.prompt_tokens = static_cast<std::int64_t>(prompt.size());
    if (outcome.prompt_tokens >= context_->max_tokens()) {
        return Status(StatusCode::context_full, "the prompt has " + std::to_string(prompt.size()) +
                                                    " tokens but the context holds " +
                                                    std::to_string(context_->max_tokens()));
    }

    // How much of the cache the new prompt can keep: the common prefix with what it holds.
    const auto& held = context_->tokens();
    const auto common = static_cast<std::int64_t>(
        std::mismatch(held.begin(), held.end(), prompt.begin(), prompt.end()).first - held.begin());
    outcome.prefilled_tokens = outcome.prompt_tokens - std::min(common, context_->evaluated());

    AppendOptions append;
    append.cancel = request.cancel;
    if (Status status = context_->assign(prompt, append); !status.ok()) {
        if (status.code() == StatusCode::cancelled) {
            outcome.cancelled = true;
            return outcome;
        }
        return status;
    }

    SamplerOptions sampler_options;
    sampler_options.temperature = request.sampling.temperature;
    sampler_options.top_p = request.sampling.top_p;
    sampler_options.top_k = request.sampling.top_k;
    sampler_options.min_p = request.sampling.min_p;
    sampler_options.seed = request.sampling.seed
                               ? static_cast<std::uint64_t>(*request.sampling.seed)
                               : std::random_device{}();
    auto sampler = Sampler::create(sampler_options);
    if (!sampler) return sampler.status();

    GenerateOptions options;
    const std::int64_t room = context_->max_tokens() - context_->size();
    options.max_tokens = request.max_tokens > 0 ? std::min(request.max_tokens, room) : room;
    options.stop_tokens = request.stop_tokens;
    options.cancel = request.cancel;
    bool stopped_by_caller = false;
    auto result = ponder::generate(*context_, {}, *sampler, options, [&](std::int32_t token) {
        outcome.tokens.push_back(token);
        if (!on_token(token)) {
            stopped_by_caller = true;
            return false;
        }
        return true;
    });
    if (!result) {
        if (result.status().code() == StatusCode::cancelled) {
            outcome.cancelled = true;
            return outcome;
        }
        return result.status();
    }
    outcome.hit_stop_token = result->reason == StopReason::stop_token;
    outcome.hit_token_limit =
        result->reason == StopReason::max_tokens || result->reason == StopReason::context_full;
    outcome.cancelled = stopped_by_caller;
    return outcome;
}

}  // namespace ponder::core
