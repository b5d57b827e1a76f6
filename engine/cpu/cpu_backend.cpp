#include "engine/cpu/cpu_backend.h"

#include <algorithm>
#include <new>
#include <string>
#include <system_error>
#include <vector>

#include "engine/model/config.h"

namespace ponder::cpu {

namespace {

// One conversation's state: a KV cache per layer and the step scratch.
//
// Sliding layers keep a ring of window + max(retain, batch) positions. Truncating back by up to
// `retain` positions therefore keeps every key the next token's window needs. Truncating further
// cannot be repaired locally: a sliding layer's keys at position j depend on the sliding layers
// below through windows reaching back (window - 1) positions each. So the session restarts the
// rings at n - sliding_layers * (window - 1), where every window the lost positions need is
// rebuilt exactly, and keeps the full layers (which hold every position and need nothing
// recomputed: a replayed position reads them but does not rewrite them).
class CpuSession final : public Session {
  public:
    CpuSession(const CpuTransformer& transformer, const SessionOptions& options)
        : transformer_(transformer) {
        const ModelConfig& config = transformer.config();
        max_tokens_ = options.max_tokens > 0
                          ? std::min(options.max_tokens, config.max_position_embeddings)
                          : config.max_position_embeddings;
        step_tokens_ = std::max<std::int64_t>(1, options.max_batch);
        window_ = config.sliding_window;
        const std::int64_t ring =
            window_ + std::max(std::max<std::int64_t>(options.sliding_retain, 0), step_tokens_);
        for (bool sliding : config.layer_is_sliding) {
            layers_.emplace_back(config.kv_width(), sliding ? ring : 0);
            if (sliding) ++sliding_layers_;
        }
    }

    std::int64_t length() const override { return length_; }

    Status forward(const ForwardRequest& request) override {
        const ModelConfig& config = transformer_.config();
        const auto n = static_cast<std::int64_t>(request.tokens.size());
        if (n == 0) {
            if (request.logits == LogitsWanted::none) return Status::success();
            return Status(StatusCode::invalid_argument,
                          "forward: logits wanted but no tokens given");
        }
        for (std::int32_t token : request.tokens) {
            if (token < 0 || token >= config.vocab_size) {
                return Status(StatusCode::invalid_argument, "token id " + std::to_string(token) +
                                                                " is outside the vocabulary [0, " +
                                                                std::to_string(config.vocab_size) +
                                                                ")");
            }
        }
        if (request.sample != nullptr) {
            return Status(StatusCode::unsupported,
                          "the CPU backend samples on the host (use Sampler)");
        }
        if (request.logits != LogitsWanted::none && request.logits_out == nullptr) {
            return Status(StatusCode::invalid_argument,
                          "forward: logits wanted but no buffer given");
        }
        if (length_ + n > max_tokens_) {
            return Status(StatusCode::context_full, "context holds " + std::to_string(length_) +
                                                        " tokens; " + std::to_string(n) +
                                                        " more exceed its limit of " +
                                                        std::to_string(max_tokens_));
        }

        std::vector<std::int64_t> saved_ends(layers_.size());
        for (std::int64_t first = 0; first < n; first += step_tokens_) {
            const std::int64_t count = std::min(step_tokens_, n - first);
            const bool final_step = first + count == n;
            ForwardStep step;
            step.tokens =
                request.tokens.subspan(static_cast<size_t>(first), static_cast<size_t>(count));
            step.first_position = length_;
            step.cancel = request.cancel;
            step.trace = request.trace;
            if (request.logits == LogitsWanted::all) {
                step.logits = LogitsWanted::all;
                step.logits_out = request.logits_out + first * config.vocab_size;
            } else if (request.logits == LogitsWanted::last && final_step) {
                step.logits = LogitsWanted::last;
                step.logits_out = request.logits_out;
            } else {
                step.logits = LogitsWanted::none;
            }
            for (size_t l = 0; l < layers_.size(); ++l)
                saved_ends[l] = layers_[l].end();
            if (Status status = guarded_forward(step); !status.ok()) {
                // Undo the step's partial writes; earlier steps stay. A ring only overwrote
                // positions older than any window still needed (ring >= window + step).
                for (size_t l = 0; l < layers_.size(); ++l)
                    layers_[l].truncate(saved_ends[l]);
                return status;
            }
            length_ += count;
        }
        return Status::success();
    }

    // The step, with an allocation failure (scratch for a long batch) reported as a status.
    Status guarded_forward(const ForwardStep& step) {
        try {
            return transformer_.forward(step, layers_, activations_);
        } catch (const std::bad_alloc&) {
            return Status(StatusCode::out_of_memory,
                          "no memory for the activations of a " +
                              std::to_string(step.tokens.size()) +
                              "-token step (lower ContextOptions::max_batch)");
        }
    }

    std::int64_t truncate(std::int64_t n) override {
        n = std::clamp<std::int64_t>(n, 0, length_);
        if (n == length_) return length_;
        const std::int64_t needed_from = std::max<std::int64_t>(0, n - window_ + 1);
        bool windows_intact = true;
        for (const LayerKvCache& layer : layers_) {
            if (layer.is_ring() && n > 0 && needed_from < layer.begin()) windows_intact = false;
        }
        for (LayerKvCache& layer : layers_)
            layer.truncate(n);
        if (windows_intact) {
            length_ = n;
            return length_;
        }
        const std::int64_t restart = std::max<std::int64_t>(0, n - sliding_layers_ * (window_ - 1));
        for (LayerKvCache& layer : layers_) {
            if (layer.is_ring()) layer.restart_at(restart);
        }
        length_ = restart;
        return length_;
    }

    std::int64_t max_length() const override { return max_tokens_; }

    std::int64_t cache_bytes() const override {
        std::int64_t total = 0;
        for (const LayerKvCache& layer : layers_)
            total += layer.bytes();
        return total;
    }

  private:
    const CpuTransformer& transformer_;
    std::vector<LayerKvCache> layers_;
    Activations activations_;
    std::int64_t length_ = 0;
    std::int64_t max_tokens_ = 0;
    std::int64_t step_tokens_ = 1;
    std::int64_t window_ = 0;
    std::int64_t sliding_layers_ = 0;
};

}  // namespace

Result<std::unique_ptr<CpuBackend>> CpuBackend::create(const ModelConfig& config,
                                                       const ModelWeights& weights, int threads) {
    if (Status status = validate_model_config(config, "model config"); !status.ok()) return status;
    if (static_cast<std::int64_t>(weights.layers.size()) != config.num_layers) {
        return Status(StatusCode::bad_model,
                      "weights have " + std::to_string(weights.layers.size()) +
                          " layers, config says " + std::to_string(config.num_layers));
    }
    try {
        return std::unique_ptr<CpuBackend>(new CpuBackend(config, weights, threads));
    } catch (const std::system_error& error) {
        return Status(StatusCode::internal,
                      "cannot start " + std::to_string(threads) + " CPU threads: " + error.what());
    }
}

std::string CpuBackend::description() const {
    return "cpu, " + std::to_string(transformer_.threads()) + " threads, " +
           simd_level_name(transformer_.simd_level());
}

Result<std::unique_ptr<Session>> CpuBackend::new_session(const SessionOptions& options) const {
    return std::unique_ptr<Session>(std::make_unique<CpuSession>(transformer_, options));
}

}  // namespace ponder::cpu
