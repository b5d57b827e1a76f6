// `ponder-cli bench --model DIR [--backend cpu|cuda] [--prompt-tokens N] [--gen-tokens N]
//  [--context-depth D] [--threads N] [--layout ...]`: load time, prefill and decode speed, and
// decode's memory traffic next to this machine's memcpy bandwidth measured in the same run
// (design.md §7: benchmarks print the ratio to the physical limit). Decode of a batch of one is
// memory-bound: every token reads the active weights once. --backend cuda runs the CUDA half
// (cmd_bench_cuda.cpp), which also takes --random-weights, --depth-fill, --prefill-chunk, --seed.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/bench_cuda.h"
#include "app/cli/commands.h"
#include "app/cli/model_args.h"
#include "engine/context.h"
#include "engine/generate/sampler.h"
#include "engine/model.h"

namespace ponder::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// memcpy throughput with `threads` threads each copying its own slice: bytes copied per second
// (each byte is read once and written once), best of three after a warm-up.
double copy_bandwidth(int threads) {
    const size_t bytes = size_t{1} << 30;
    std::vector<char> source(bytes, 1);
    std::vector<char> target(bytes, 0);
    const size_t slice = bytes / static_cast<size_t>(threads);
    double best = 0.0;
    for (int round = 0; round < 4; ++round) {
        const auto start = Clock::now();
        std::vector<std::thread> workers;
        for (int t = 1; t < threads; ++t) {
            workers.emplace_back([&, t] {
                std::memcpy(target.data() + t * slice, source.data() + t * slice, slice);
            });
        }
        std::memcpy(target.data(), source.data(), slice);
        for (std::thread& worker : workers)
            worker.join();
        const double rate =
            static_cast<double>(slice * static_cast<size_t>(threads)) / seconds_since(start);
        if (round > 0) best = std::max(best, rate);
    }
    return best;
}

double peak_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports KiB
}

// Bytes of cached keys and values a decoded token reads at `depth` (the CPU cache is f32).
double kv_bytes_read(const ModelConfig& config, std::int64_t depth) {
    double total = 0.0;
    for (bool sliding : config.layer_is_sliding) {
        const std::int64_t keys = sliding ? std::min(depth, config.sliding_window) : depth;
        total += static_cast<double>(keys * config.kv_width() * 2) * sizeof(float);
    }
    return total;
}

}  // namespace

int run_bench(const Words& words) {
    std::set<std::string> names(std::begin(model_option_names), std::end(model_option_names));
    names.insert({"backend", "prompt-tokens", "gen-tokens", "context-depth", "random-weights",
                  "depth-fill", "prefill-chunk", "seed"});
    auto args = Args::parse(words, names, {});
    if (!args) return fail("bench", args.status().message(), 2);
    if (!args->positional().empty())
        return fail("bench", "unexpected argument '" + args->positional()[0] + "'", 2);
    const std::string backend = args->get_or("backend", "cpu");
    if (backend != "cpu" && backend != "cuda")
        return fail("bench", "--backend must be cpu or cuda, got '" + backend + "'", 2);
    if (backend == "cpu" && !args->has("model"))
        return fail("bench", "missing required option --model", 2);
    auto prompt_tokens = args->get_int("prompt-tokens", 128);
    auto gen_tokens = args->get_int("gen-tokens", 32);
    auto depth = args->get_int("context-depth", 0);
    for (const Status& status : {prompt_tokens.status(), gen_tokens.status(), depth.status()}) {
        if (!status.ok()) return fail("bench", status.message(), 2);
    }
    if (*prompt_tokens < 1 || *gen_tokens < 1 || *depth < 0) {
        return fail("bench", "--prompt-tokens and --gen-tokens must be >= 1, --context-depth >= 0",
                    2);
    }
    if (backend == "cuda") {
        return run_bench_cuda(*args, {*prompt_tokens, *gen_tokens, *depth});
    }
    auto options = model_options(*args);
    if (!options) return fail("bench", options.status().message(), 2);

    const auto load_start = Clock::now();
    auto model = load_model(*args);
    if (!model) return fail("bench", model.status().to_string());
    const double load_seconds = seconds_since(load_start);
    const ModelConfig& config = (*model)->config();
    const std::int64_t prompt = *prompt_tokens;
    const std::int64_t filled =
        std::max<std::int64_t>(prompt, *depth);  // tokens in the context before decoding

    // Two untimed decode steps first: the first decode touches code paths and pages prefill did
    // not.
    const std::int64_t warmup = std::min<std::int64_t>(2, *gen_tokens);
    ContextOptions context_options;
    context_options.max_tokens = filled + warmup + *gen_tokens;
    auto context = Context::create(**model, context_options);
    if (!context) return fail("bench", context.status().to_string());
    std::mt19937 random(1234);
    std::uniform_int_distribution<std::int32_t> any_token(
        0, static_cast<std::int32_t>(config.vocab_size - 1));
    std::vector<std::int32_t> tokens(static_cast<size_t>(filled));
    for (std::int32_t& token : tokens)
        token = any_token(random);

    // Prefill: the first `prompt` tokens, timed (the first touch of mapped weights included:
    // that is what a user's first prompt costs).
    const auto prefill_start = Clock::now();
    if (Status status = (*context)->append(std::span(tokens).first(static_cast<size_t>(prompt)));
        !status.ok()) {
        return fail("bench", status.to_string());
    }
    const double prefill_seconds = seconds_since(prefill_start);
    if (filled > prompt) {
        if (Status status =
                (*context)->append(std::span(tokens).subspan(static_cast<size_t>(prompt)));
            !status.ok()) {
            return fail("bench", status.to_string());
        }
    }

    auto sampler = Sampler::create({.temperature = 0.0});
    double decode_seconds = 0.0;
    for (std::int64_t i = 0; i < warmup + *gen_tokens; ++i) {
        const std::int32_t next[] = {sampler->sample((*context)->logits())};
        const auto step_start = Clock::now();
        if (Status status = (*context)->append(next); !status.ok())
            return fail("bench", status.to_string());
        if (i >= warmup) decode_seconds += seconds_since(step_start);
    }
    const double decode_rate = static_cast<double>(*gen_tokens) / decode_seconds;
    const double mid_depth =
        static_cast<double>(filled + warmup) + static_cast<double>(*gen_tokens) / 2.0;
    const double weight_bytes = static_cast<double>((*model)->weight_bytes_per_decoded_token());
    const double kv_bytes = kv_bytes_read(config, static_cast<std::int64_t>(mid_depth));
    const double effective = (weight_bytes + kv_bytes) * decode_rate;
    const double copy = copy_bandwidth((*model)->threads());

    std::printf("ponder-cli bench: %s\n", args->get("model")->c_str());
    std::printf("  %-34s %s\n", "backend", (*model)->backend().description().c_str());
    std::printf("  %-34s %.2f s\n", "load (open + validate + map)", load_seconds);
    std::printf("  %-34s %.2f tok/s (%lld tokens in %.2f s)\n", "prefill",
                static_cast<double>(prompt) / prefill_seconds, static_cast<long long>(prompt),
                prefill_seconds);
    std::printf("  %-34s %.2f tok/s (%lld tokens at depth %lld)\n", "decode", decode_rate,
                static_cast<long long>(*gen_tokens), static_cast<long long>(filled + warmup));
    std::printf("  %-34s %.3f GB\n", "weights read per decoded token", weight_bytes / 1e9);
    std::printf("  %-34s %.3f GB\n", "KV cache read per decoded token", kv_bytes / 1e9);
    std::printf("  %-34s %.2f GB/s\n", "decode effective bandwidth", effective / 1e9);
    std::printf("  %-34s %.2f GB/s (%d threads)\n", "memcpy bandwidth (this machine)", copy / 1e9,
                (*model)->threads());
    std::printf("  %-34s %.2f\n", "decode / memcpy", effective / copy);
    std::printf("  %-34s %.2f GiB\n", "peak RSS", peak_rss_bytes() / (1024.0 * 1024.0 * 1024.0));
    return 0;
}

}  // namespace ponder::cli
