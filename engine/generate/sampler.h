// Picks the next token from logits (docs/architecture.md §2): greedy at temperature 0, otherwise a
// draw from the softmax of logits / temperature restricted, in this order, by top-k (the k most
// likely), top-p (the smallest most-likely set whose probability reaches p) and min-p (tokens at
// least min_p times as likely as the most likely one), renormalised.
//
// Deterministic: the same seed and the same logits give the same tokens on every platform (the
// generator is std::mt19937_64, whose sequence the C++ standard fixes, and the uniform draw is
// made from its bits here rather than by a library distribution).
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "engine/status.h"

namespace ponder {

struct SamplerOptions {
    double temperature = 1.0;  // 0 = greedy; gpt-oss's recommended setting is 1.0
    double top_p = 1.0;        // (0, 1]; 1 = off
    std::int64_t top_k = 0;    // 0 = off
    double min_p = 0.0;        // [0, 1]; 0 = off
    std::uint64_t seed = 0;
};

struct TokenProbability {
    std::int32_t token;
    double probability;
};

class Sampler {
  public:
    // invalid_argument for a negative temperature or top_k, top_p outside (0, 1], min_p outside
    // [0, 1] or a non-finite value.
    static Result<Sampler> create(const SamplerOptions& options);

    const SamplerOptions& options() const { return options_; }

    // The distribution sample() draws from: the surviving tokens, most likely first (equal
    // logits: lower id first), probabilities summing to 1. Greedy gives one token with 1.
    std::vector<TokenProbability> distribution(std::span<const float> logits) const;

    // The next token. `logits` must not be empty.
    std::int32_t sample(std::span<const float> logits);

    // Restarts the random sequence.
    void reseed(std::uint64_t seed);

  private:
    explicit Sampler(const SamplerOptions& options) : options_(options), random_(options.seed) {}

    SamplerOptions options_;
    std::mt19937_64 random_;
};

}  // namespace ponder
