#include "engine/generate/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace ponder {

namespace {

// Tokens whose scaled logit is this far below the maximum have probability below e^-40 relative
// to the best token; across the whole 201088-token vocabulary they carry less than 1e-12 of the
// mass. Dropping them first lets top-p sort a few thousand candidates instead of the vocabulary.
constexpr double negligible_logit_gap = 40.0;

std::int32_t argmax(std::span<const float> logits) {
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) -
                                     logits.begin());
}

}  // namespace

Result<Sampler> Sampler::create(const SamplerOptions& options) {
    auto bad = [](const std::string& message) {
        return Status(StatusCode::invalid_argument, message);
    };
    if (!std::isfinite(options.temperature) || options.temperature < 0.0) {
        return bad("temperature must be >= 0, got " + std::to_string(options.temperature));
    }
    if (!std::isfinite(options.top_p) || options.top_p <= 0.0 || options.top_p > 1.0) {
        return bad("top_p must be in (0, 1], got " + std::to_string(options.top_p));
    }
    if (options.top_k < 0) return bad("top_k must be >= 0, got " + std::to_string(options.top_k));
    if (!std::isfinite(options.min_p) || options.min_p < 0.0 || options.min_p > 1.0) {
        return bad("min_p must be in [0, 1], got " + std::to_string(options.min_p));
    }
    return Sampler(options);
}

std::vector<TokenProbability> Sampler::distribution(std::span<const float> logits) const {
    if (logits.empty()) return {};
    if (options_.temperature == 0.0) return {{argmax(logits), 1.0}};

    const double inv_temperature = 1.0 / options_.temperature;
    const double best =
        static_cast<double>(logits[static_cast<size_t>(argmax(logits))]) * inv_temperature;
    std::vector<TokenProbability> candidates;
    for (size_t i = 0; i < logits.size(); ++i) {
        const double scaled = static_cast<double>(logits[i]) * inv_temperature;
        if (scaled >= best - negligible_logit_gap) {
            candidates.push_back({static_cast<std::int32_t>(i), scaled});
        }
    }
    const auto more_likely = [](const TokenProbability& a, const TokenProbability& b) {
        return a.probability != b.probability ? a.probability > b.probability : a.token < b.token;
    };
    std::sort(candidates.begin(), candidates.end(), more_likely);
    if (options_.top_k > 0 && static_cast<size_t>(options_.top_k) < candidates.size()) {
        candidates.resize(static_cast<size_t>(options_.top_k));
    }

    // Softmax of the scaled logits (held in .probability until now).
    double total = 0.0;
    for (TokenProbability& candidate : candidates) {
        candidate.probability = std::exp(candidate.probability - best);
        total += candidate.probability;
    }
    for (TokenProbability& candidate : candidates)
        candidate.probability /= total;

    if (options_.top_p < 1.0) {
        double cumulative = 0.0;
        size_t keep = 0;
        while (keep < candidates.size() && cumulative < options_.top_p) {
            cumulative += candidates[keep++].probability;
        }
        candidates.resize(std::max<size_t>(keep, 1));
    }
    if (options_.min_p > 0.0) {
        const double threshold = options_.min_p * candidates.front().probability;
        auto end =
            std::find_if(candidates.begin(), candidates.end(),
                         [&](const TokenProbability& c) { return c.probability < threshold; });
        candidates.erase(end, candidates.end());
    }
    total = 0.0;
    for (const TokenProbability& candidate : candidates)
        total += candidate.probability;
    for (TokenProbability& candidate : candidates)
        candidate.probability /= total;
    return candidates;
}

std::int32_t Sampler::sample(std::span<const float> logits) {
    if (options_.temperature == 0.0) return argmax(logits);
    const std::vector<TokenProbability> candidates = distribution(logits);
    // 53 random bits -> a uniform double in [0, 1).
    const double u = static_cast<double>(random_() >> 11) * 0x1.0p-53;
    double cumulative = 0.0;
    for (const TokenProbability& candidate : candidates) {
        cumulative += candidate.probability;
        if (u < cumulative) return candidate.token;
    }
    return candidates.back().token;  // u landed in the rounding slack above the last sum
}

void Sampler::reseed(std::uint64_t seed) {
    random_.seed(seed);
}

}  // namespace ponder
