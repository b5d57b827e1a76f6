// `ponder-cli bench --backend cuda`: prefill and decode speed of the CUDA backend, decode's
// memory traffic against the device-to-device copy bandwidth measured in the same run, and the
// device memory used (design.md §7). Decode draws each token greedily on the GPU and feeds it
// back, so the loop moves 4 bytes per token to the host, as generation with device sampling does.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "app/cli/bench_cuda.h"
#include "app/cli/commands.h"
#include "app/cli/model_args.h"
#include "engine/backend/cuda_backend.h"
#include "engine/model.h"
#include "engine/model/random_checkpoint.h"

namespace ponder::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Keys and values a decoded token reads at `depth` (bf16 cache; sliding layers see the window).
double kv_bytes_read(const ModelConfig& config, std::int64_t depth) {
    double total = 0.0;
    for (bool sliding : config.layer_is_sliding) {
        const std::int64_t keys = sliding ? std::min(depth, config.sliding_window) : depth;
        total += static_cast<double>(keys * config.kv_width() * 2) * 2.0;
    }
    return total;
}

Status prefill(Session& session, std::span<const std::int32_t> tokens, std::vector<float>* logits) {
    ForwardRequest request;
    request.tokens = tokens;
    request.logits = logits != nullptr ? LogitsWanted::last : LogitsWanted::none;
    request.logits_out = logits != nullptr ? logits->data() : nullptr;
    return session.forward(request);
}

}  // namespace

int run_bench_cuda(const Args& args, const BenchSizes& sizes) {
    const std::string fill = args.get_or("depth-fill", "prefill");
    if (fill != "prefill" && fill != "synthetic") {
        return fail("bench", "--depth-fill must be prefill or synthetic, got '" + fill + "'", 2);
    }
    auto chunk = args.get_int("prefill-chunk", 0);
    auto seed = args.get_int("seed", 1);
    for (const Status& status : {chunk.status(), seed.status()}) {
        if (!status.ok()) return fail("bench", status.message(), 2);
    }
    auto options = model_options(args);
    if (!options) return fail("bench", options.status().message(), 2);
    const std::int64_t filled = std::max(sizes.prompt_tokens, sizes.context_depth);
    const std::int64_t warmup = std::min<std::int64_t>(2, sizes.gen_tokens);
    const std::int64_t needed = filled + warmup + sizes.gen_tokens;
    options->backend = BackendPreference::cuda;
    options->gpu_context_tokens = std::max<std::int64_t>(needed, 4096);
    options->gpu_prefill_chunk = static_cast<int>(*chunk);

    std::string source;
    const auto load_start = Clock::now();
    Result<std::unique_ptr<Model>> model = Status(StatusCode::invalid_argument, "");
    if (auto preset = args.get("random-weights")) {
        auto config = random_model_preset(*preset);
        if (!config) return fail("bench", config.status().message(), 2);
        model = Model::random_on_gpu(*config, static_cast<std::uint64_t>(*seed), *options);
        source =
            "random " + *preset + " weights made on the GPU (seed " + std::to_string(*seed) + ")";
    } else if (auto dir = args.get("model")) {
        model = Model::load(*dir, *options);
        source = *dir;
    } else {
        return fail("bench", "give --model DIR or --random-weights 20b|120b", 2);
    }
    if (!model) return fail("bench", model.status().to_string());
    const double load_seconds = seconds_since(load_start);
    const auto* cuda = dynamic_cast<const CudaBackend*>(&(*model)->backend());
    if (cuda == nullptr) return fail("bench", "the model is not on the CUDA backend");
    const ModelConfig& config = (*model)->config();

    std::mt19937 random(1234);
    std::uniform_int_distribution<std::int32_t> any_token(
        0, static_cast<std::int32_t>(config.vocab_size - 1));
    std::vector<std::int32_t> tokens(static_cast<size_t>(filled));
    for (std::int32_t& token : tokens)
        token = any_token(random);
    const auto prompt = std::span(tokens).first(static_cast<size_t>(sizes.prompt_tokens));
    std::vector<float> logits(static_cast<size_t>(config.vocab_size));
    SessionOptions session_options;
    session_options.max_tokens = needed;

    // An untimed prefill of the same size first: module loading, cuBLAS's heuristics and
    // workspace, first touches.
    {
        auto warm = (*model)->backend().new_session(session_options);
        if (!warm) return fail("bench", warm.status().to_string());
        if (Status status = prefill(**warm, prompt, &logits); !status.ok()) {
            return fail("bench", status.to_string());
        }
    }
    auto session = (*model)->backend().new_session(session_options);
    if (!session) return fail("bench", session.status().to_string());
    const auto prefill_start = Clock::now();
    if (Status status = prefill(**session, prompt, &logits); !status.ok()) {
        return fail("bench", status.to_string());
    }
    const double prefill_seconds = seconds_since(prefill_start);

    const auto fill_start = Clock::now();
    if (filled > sizes.prompt_tokens) {
        const auto rest = std::span(tokens).subspan(static_cast<size_t>(sizes.prompt_tokens));
        Status status = fill == "synthetic" ? static_cast<CudaSession&>(**session).fill_synthetic(
                                                  static_cast<std::int64_t>(rest.size()),
                                                  static_cast<std::uint64_t>(*seed))
                                            : prefill(**session, rest, nullptr);
        if (!status.ok()) return fail("bench", status.to_string());
    }
    const double fill_seconds = seconds_since(fill_start);

    // Decode: greedy on the GPU, each sampled id fed back; timed per step on the host clock
    // (the step ends when the 4-byte token has reached the host).
    DeviceSampling greedy;
    std::int32_t next =
        static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    double decode_seconds = 0.0;
    for (std::int64_t i = 0; i < warmup + sizes.gen_tokens; ++i) {
        const std::int32_t step[] = {next};
        ForwardRequest request;
        request.tokens = step;
        request.logits = LogitsWanted::last;
        request.sample = &greedy;
        request.sampled_token = &next;
        const auto step_start = Clock::now();
        if (Status status = (*session)->forward(request); !status.ok()) {
            return fail("bench", status.to_string());
        }
        if (i >= warmup) decode_seconds += seconds_since(step_start);
    }
    const double decode_rate = static_cast<double>(sizes.gen_tokens) / decode_seconds;
    const double depth =
        static_cast<double>(filled + warmup) + static_cast<double>(sizes.gen_tokens) / 2.0;
    const double weight_bytes = static_cast<double>((*model)->weight_bytes_per_decoded_token());
    const double kv_bytes = kv_bytes_read(config, static_cast<std::int64_t>(depth));
    const double effective = (weight_bytes + kv_bytes) * decode_rate;
    auto copy = cuda->copy_bandwidth(std::uint64_t{1} << 30);
    if (!copy) return fail("bench", copy.status().to_string());
    const CudaBackend::MemoryUse use = cuda->memory_use();
    const double prefill_rate = static_cast<double>(sizes.prompt_tokens) / prefill_seconds;
    const double gb = 1e9;

    std::printf("ponder-cli bench: %s\n", source.c_str());
    std::printf("  %-34s %s\n", "backend", cuda->description().c_str());
    std::printf("  %-34s %.2f s\n", "load (weights to the GPU)", load_seconds);
    std::printf("  %-34s %.1f tok/s (%lld tokens in %.3f s, chunks of %s)\n", "prefill",
                prefill_rate, static_cast<long long>(sizes.prompt_tokens), prefill_seconds,
                *chunk > 0 ? std::to_string(*chunk).c_str() : "1024");
    if (filled > sizes.prompt_tokens) {
        std::printf("  %-34s %lld positions by %s in %.2f s\n", "context fill",
                    static_cast<long long>(filled - sizes.prompt_tokens), fill.c_str(),
                    fill_seconds);
    }
    std::printf("  %-34s %.1f tok/s (%lld tokens at depth %lld, greedy on the GPU)\n", "decode",
                decode_rate, static_cast<long long>(sizes.gen_tokens),
                static_cast<long long>(filled + warmup));
    std::printf("  %-34s %.3f GB\n", "weights read per decoded token", weight_bytes / gb);
    std::printf("  %-34s %.3f GB\n", "KV cache read per decoded token", kv_bytes / gb);
    std::printf("  %-34s %.1f GB/s\n", "decode effective bandwidth", effective / gb);
    std::printf("  %-34s %.1f GB/s (read + write)\n", "device copy bandwidth", *copy / gb);
    std::printf("  %-34s %.2f\n", "decode / copy", effective / *copy);
    std::printf("  %-34s %.3f GB (weights %.3f GB)\n", "peak VRAM allocated by Ponder",
                use.peak_allocated / gb, use.weights / gb);
    std::printf("  %-34s %.3f GB of %.3f GB (CUDA context and cuBLAS included)\n",
                "device memory in use", (use.device_total - use.device_free) / gb,
                use.device_total / gb);
    std::printf(
        "bench-row: prompt=%lld depth=%lld prefill_tok_s=%.1f decode_tok_s=%.1f "
        "bytes_per_token=%.0f effective_gb_s=%.1f copy_gb_s=%.1f ratio=%.3f "
        "peak_vram_gb=%.3f device_used_gb=%.3f\n",
        static_cast<long long>(sizes.prompt_tokens), static_cast<long long>(filled + warmup),
        prefill_rate, decode_rate, weight_bytes + kv_bytes, effective / gb, *copy / gb,
        effective / *copy, use.peak_allocated / gb, (use.device_total - use.device_free) / gb);
    return 0;
}

}  // namespace ponder::cli
