#include "engine/generate/generate.h"

#include <algorithm>

#include "engine/model.h"

namespace ponder {

const char* stop_reason_name(StopReason reason) {
    switch (reason) {
        case StopReason::stop_token:
            return "stop_token";
        case StopReason::max_tokens:
            return "max_tokens";
        case StopReason::callback:
            return "callback";
        case StopReason::context_full:
            return "context_full";
    }
    return "unknown";
}

Result<GenerateResult> generate(Context& context, std::span<const std::int32_t> prompt,
                                Sampler& sampler, const GenerateOptions& options,
                                const TokenCallback& on_token) {
    std::vector<std::int32_t> stops = context.model().config().eos_token_ids;
    stops.insert(stops.end(), options.stop_tokens.begin(), options.stop_tokens.end());
    const auto is_stop = [&](std::int32_t token) {
        return std::find(stops.begin(), stops.end(), token) != stops.end();
    };

    AppendOptions append_options;
    append_options.cancel = options.cancel;
    // With device sampling every evaluation also draws the next token (`drawn`); a step that
    // evaluated nothing leaves it at -1 and the host sampler reads the logits instead.
    const SamplerOptions& sampling = sampler.options();
    const DeviceSampling device{static_cast<float>(sampling.temperature),
                                static_cast<float>(sampling.top_p), sampling.seed};
    std::int32_t drawn = -1;
    if (options.device_sampling && context.samples_on_device() && sampling.top_k == 0 &&
        sampling.min_p == 0.0) {
        append_options.sample = &device;
        append_options.sampled_token = &drawn;
    }
    if (Status status = context.append(prompt, append_options); !status.ok()) return status;
    if (drawn < 0 && context.logits().empty() && context.size() > 0) {
        // Evaluated, but the logits were not kept (e.g. after a truncate): redo the last token.
        const std::int32_t last[] = {context.tokens().back()};
        context.truncate(context.size() - 1);
        if (Status status = context.append(last, append_options); !status.ok()) return status;
    }
    if (drawn < 0 && context.logits().empty()) {
        return Status(StatusCode::invalid_argument,
                      "generate: the context is empty and no prompt was given");
    }

    GenerateResult result;
    for (;;) {
        if (static_cast<std::int64_t>(result.tokens.size()) >= options.max_tokens) {
            result.reason = StopReason::max_tokens;
            return result;
        }
        if (context.size() >= context.max_tokens()) {
            result.reason = StopReason::context_full;
            return result;
        }
        if (options.cancel != nullptr && options.cancel->load()) {
            return Status(StatusCode::cancelled, "generation cancelled");
        }
        const std::int32_t token = drawn >= 0 ? drawn : sampler.sample(context.logits());
        drawn = -1;
        result.tokens.push_back(token);
        const bool keep_going = !on_token || on_token(token);
        const bool last = !keep_going || is_stop(token) ||
                          static_cast<std::int64_t>(result.tokens.size()) >= options.max_tokens ||
                          context.size() + 1 >= context.max_tokens();
        append_options.evaluate = !last;  // nothing will read the logits after the last token
        const std::int32_t one[] = {token};
        if (Status status = context.append(one, append_options); !status.ok()) return status;
        if (!keep_going) {
            result.reason = StopReason::callback;
            return result;
        }
        if (is_stop(token)) {
            result.reason = StopReason::stop_token;
            return result;
        }
    }
}

}  // namespace ponder
