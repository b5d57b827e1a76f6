// Shared by the CUDA backend's gpu tests (plain C++ programs; GPU machines have no Qt): a small
// random model with the geometry the kernels are specialised for (GQA 8, head_dim 64, 32 experts
// top-4, window 128), logits comparison by position (relative L2 error, median, top-1
// agreement), and PASS/FAIL lines. Exit 0 = passed, 1 = a failure, 77 = no usable GPU.
//
// Thresholds (the rule for bf16 activations): median per-position relative L2 error
// < 3e-2 and top-1 agreement >= 85%; every check prints its numbers.
#pragma once

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "engine/backend/backend_info.h"
#include "engine/model.h"
#include "engine/model/random_checkpoint.h"

namespace ponder::gpu_test {

inline constexpr int kSkipped = 77;
inline constexpr double kMedianRelL2 = 3e-2;
inline constexpr double kTop1 = 0.85;

// Prints why and returns false when the CUDA backend cannot run here (no module, no device).
inline bool cuda_present() {
    const BackendInfo info = select_backend(BackendPreference::cuda);
    if (info.kind != BackendKind::cuda) {
        std::printf("SKIP: %s\n", info.summary().c_str());
        return false;
    }
    std::printf("%s\n", info.summary().c_str());
    return true;
}

class Checker {
  public:
    bool expect(bool condition, const std::string& what) {
        std::printf("%s %s\n", condition ? "PASS" : "FAIL", what.c_str());
        ++checks_;
        if (!condition) ++failures_;
        return condition;
    }
    bool ok(const Status& status, const std::string& what) {
        if (status.ok()) return true;
        return expect(false, what + ": " + status.to_string());
    }
    int finish(const char* program) {
        std::printf("%s: %d checks, %d failed\n", program, checks_, failures_);
        return failures_ == 0 ? 0 : 1;
    }

  private:
    int checks_ = 0;
    int failures_ = 0;
};

// A gpt-oss-shaped model small enough to run on the CPU as a reference: hidden 192 and
// intermediate 128 (multiples of 64, different so that a swapped dimension shows), 16 query /
// 2 KV heads, 32 experts top-4, alternating sliding (128) and full layers, vocabulary 4096.
inline ModelConfig small_gpu_config(int layers = 4) {
    ModelConfig c = *random_model_preset("tiny");
    c.vocab_size = 4096;
    c.hidden_size = 192;
    c.intermediate_size = 128;
    c.num_layers = layers;
    c.layer_is_sliding.clear();
    for (int l = 0; l < layers; ++l)
        c.layer_is_sliding.push_back(l % 2 == 0);
    c.eos_token_ids = {4095};
    return c;
}

// A temporary folder holding a random checkpoint of `config`, removed on destruction.
class TempModel {
  public:
    TempModel(const ModelConfig& config, std::uint64_t seed) {
        dir_ = std::filesystem::temp_directory_path() /
               ("ponder-gpu-test-" + std::to_string(getpid()) + "-" + std::to_string(seed));
        std::filesystem::remove_all(dir_);
        RandomCheckpointOptions options;
        options.seed = seed;
        status_ = write_random_checkpoint(config, dir_, options);
    }
    ~TempModel() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    const Status& status() const { return status_; }
    const std::filesystem::path& dir() const { return dir_; }

  private:
    std::filesystem::path dir_;
    Status status_;
};

inline Result<std::unique_ptr<Model>> load(const std::filesystem::path& dir,
                                           BackendPreference backend, int prefill_chunk = 0,
                                           std::int64_t context = 0) {
    ModelOptions options;
    options.backend = backend;
    options.threads = 0;
    options.gpu_prefill_chunk = prefill_chunk;
    options.gpu_context_tokens = context;
    return Model::load(dir, options);
}

inline std::vector<std::int32_t> random_tokens(std::int64_t count, std::int64_t vocab,
                                               std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int32_t> any(0, static_cast<std::int32_t>(vocab - 1));
    std::vector<std::int32_t> tokens(static_cast<size_t>(count));
    for (auto& t : tokens)
        t = any(rng);
    return tokens;
}

inline std::int64_t argmax(std::span<const float> row) {
    return std::max_element(row.begin(), row.end()) - row.begin();
}

struct Agreement {
    double median_rel_l2 = 0.0;
    double max_rel_l2 = 0.0;
    double top1 = 0.0;
    bool finite = true;
    std::int64_t rows = 0;
};

// Rows of `got` against the same rows of `want` (both [rows, vocab]).
inline Agreement compare(std::span<const float> got, std::span<const float> want,
                         std::int64_t vocab) {
    Agreement a;
    a.rows = static_cast<std::int64_t>(want.size()) / vocab;
    std::vector<double> errors;
    std::int64_t same = 0;
    for (std::int64_t r = 0; r < a.rows; ++r) {
        const auto g = got.subspan(static_cast<size_t>(r * vocab), static_cast<size_t>(vocab));
        const auto w = want.subspan(static_cast<size_t>(r * vocab), static_cast<size_t>(vocab));
        double diff = 0.0, norm = 0.0;
        for (std::int64_t i = 0; i < vocab; ++i) {
            if (!std::isfinite(g[static_cast<size_t>(i)])) a.finite = false;
            const double d = double(g[static_cast<size_t>(i)]) - w[static_cast<size_t>(i)];
            diff += d * d;
            norm += double(w[static_cast<size_t>(i)]) * w[static_cast<size_t>(i)];
        }
        errors.push_back(norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff));
        if (argmax(g) == argmax(w)) ++same;
    }
    if (a.rows == 0) return a;
    std::sort(errors.begin(), errors.end());
    a.median_rel_l2 = errors[errors.size() / 2];
    a.max_rel_l2 = errors.back();
    a.top1 = static_cast<double>(same) / static_cast<double>(a.rows);
    return a;
}

// One PASS/FAIL line with the numbers; bf16 thresholds unless given others.
inline bool check_agreement(Checker& check, const std::string& name, const Agreement& a,
                            double median_limit = kMedianRelL2, double top1_limit = kTop1) {
    char line[320];
    std::snprintf(line, sizeof(line),
                  "%-44s rows %5lld  median rel L2 %.3e  max %.3e  top-1 %.1f%%  (limits %.0e, "
                  "%.0f%%)",
                  name.c_str(), static_cast<long long>(a.rows), a.median_rel_l2, a.max_rel_l2,
                  100.0 * a.top1, median_limit, 100.0 * top1_limit);
    return check.expect(
        a.rows > 0 && a.finite && a.median_rel_l2 < median_limit && a.top1 >= top1_limit, line);
}

// Runs `tokens` through a fresh session of `model` in the given chunk sizes (cycled), keeping
// the logits of every position: [tokens, vocab]. Chunks of 1 take the decode path.
inline Result<std::vector<float>> run_chunks(const Model& model,
                                             std::span<const std::int32_t> tokens,
                                             const std::vector<std::int64_t>& chunks,
                                             const SessionOptions& options = {}) {
    auto session = model.backend().new_session(options);
    if (!session) return session.status();
    const std::int64_t vocab = model.config().vocab_size;
    std::vector<float> logits(tokens.size() * static_cast<size_t>(vocab));
    std::int64_t done = 0;
    for (size_t step = 0; done < static_cast<std::int64_t>(tokens.size()); ++step) {
        const std::int64_t n = std::min<std::int64_t>(
            chunks[step % chunks.size()], static_cast<std::int64_t>(tokens.size()) - done);
        ForwardRequest request;
        request.tokens = tokens.subspan(static_cast<size_t>(done), static_cast<size_t>(n));
        request.logits = LogitsWanted::all;
        request.logits_out = logits.data() + done * vocab;
        if (Status status = (*session)->forward(request); !status.ok()) return status;
        done += n;
    }
    return logits;
}

}  // namespace ponder::gpu_test
