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

// memcpy throughput with `threads` threads, each copying its slice of a 1 GiB buffer (larger
// than any cache): bytes copied per second, each byte read once and written once. On a shared
// machine the bandwidth left to us changes from second to second, so the bench takes one sample
// before every timed decode step and compares the two averages.
class CopyMeter {
  public:
    explicit CopyMeter(int threads) : threads_(threads), source_(bytes, 1), target_(bytes, 0) {
        copy();  // the first pass faults the pages in; not counted
    }

    void sample() {
        const auto start = Clock::now();
        copy();
        seconds_ += seconds_since(start);
        copied_ += static_cast<double>(bytes);
    }

    double bytes_per_second() const { return copied_ / seconds_; }

  private:
    void copy() {
        const size_t slice = bytes / static_cast<size_t>(threads_);
        std::vector<std::thread> workers;
        for (int t = 1; t < threads_; ++t) {
            workers.emplace_back([&, t] {
                std::memcpy(target_.data() + t * slice, source_.data() + t * slice, slice);
            });
        }
        std::memcpy(target_.data(), source_.data(), slice);
        for (std::thread& worker : workers)
            worker.join();
    }

    static constexpr size_t bytes = size_t{1} << 30;
    int threads_;
    std::vector<char> source_;
    std::vector<char> target_;
    double seconds_ = 0.0;
    double copied_ = 0.0;
};

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

struct BenchArgs {
    std::int64_t prompt = 128;
    std::int64_t generate = 32;
    std::int64_t depth = 0;
};

Result<BenchArgs> bench_args(const Args& args) {
    const std::string backend = args.get_or("backend", "cpu");
    if (backend != "cpu" && backend != "cuda") {
        return Status(StatusCode::invalid_argument,
                      "--backend must be cpu or cuda, got '" + backend + "'");
    }
    auto prompt = args.get_int("prompt-tokens", 128);
    auto generate = args.get_int("gen-tokens", 32);
    auto depth = args.get_int("context-depth", 0);
    for (const Status& status : {prompt.status(), generate.status(), depth.status()}) {
        if (!status.ok()) return status;
    }
    return BenchArgs{*prompt, *generate, *depth};
}

}  // namespace

int run_bench(const Words& words) {
    std::set<std::string> names(std::begin(model_option_names), std::end(model_option_names));
    names.insert({"backend", "prompt-tokens", "gen-tokens", "context-depth", "random-weights",
                  "depth-fill", "prefill-chunk", "seed"});
    auto args = Args::parse(words, names, {});
    if (!args) return fail("bench", args.status().message(), 2);
    if (!args->positional().empty()) {
        return fail("bench", "unexpected argument '" + args->positional()[0] + "'", 2);
    }
    auto bench = bench_args(*args);
    if (!bench) {
        const bool usage = bench.status().code() == StatusCode::invalid_argument;
        return fail("bench", bench.status().message(), usage ? 2 : 1);
    }
    if (auto options = model_options(*args); !options) {
        return fail("bench", options.status().message(), 2);
    }
    if (args->get_or("backend", "cpu") == "cuda") {
        return run_bench_cuda(*args, {bench->prompt, bench->generate, bench->depth});
    }
    if (!args->has("model")) return fail("bench", "missing required option --model", 2);

    const auto load_start = Clock::now();
    auto model = load_model(*args);
    if (!model) return fail("bench", model.status().to_string());
    const double load_seconds = seconds_since(load_start);
    const ModelConfig& config = (*model)->config();
    const std::int64_t prompt = bench->prompt;
    const std::int64_t filled = std::max(prompt, bench->depth);  // context before decoding
    // Two untimed decode steps first: the first decode touches code paths and pages that
    // prefill did not.
    const std::int64_t warmup = 2;

    ContextOptions context_options;
    context_options.max_tokens = filled + warmup + bench->generate;
    auto context = Context::create(**model, context_options);
    if (!context) return fail("bench", context.status().to_string());
    std::mt19937 random(1234);
    std::uniform_int_distribution<std::int32_t> any_token(
        0, static_cast<std::int32_t>(config.vocab_size - 1));
    std::vector<std::int32_t> tokens(static_cast<size_t>(filled));
    for (std::int32_t& token : tokens)
        token = any_token(random);
    const std::span<const std::int32_t> all(tokens);

    // Prefill the first `prompt` tokens, timed; the first touch of mapped weights is included,
    // as it is in what a user's first prompt costs.
    const auto prefill_start = Clock::now();
    if (Status status = (*context)->append(all.first(static_cast<size_t>(prompt))); !status.ok()) {
        return fail("bench", status.to_string());
    }
    const double prefill_seconds = seconds_since(prefill_start);
    if (Status status = (*context)->append(all.subspan(static_cast<size_t>(prompt)));
        !status.ok()) {
        return fail("bench", status.to_string());
    }

    CopyMeter copy((*model)->threads());
    auto sampler = Sampler::create({.temperature = 0.0});
    double decode_seconds = 0.0;
    for (std::int64_t i = 0; i < warmup + bench->generate; ++i) {
        const std::int32_t next[] = {sampler->sample((*context)->logits())};
        if (i >= warmup) copy.sample();
        const auto step_start = Clock::now();
        if (Status status = (*context)->append(next); !status.ok()) {
            return fail("bench", status.to_string());
        }
        if (i >= warmup) decode_seconds += seconds_since(step_start);
    }
    const double decode_rate = static_cast<double>(bench->generate) / decode_seconds;
    const std::int64_t mid_depth = filled + warmup + bench->generate / 2;
    const double weight_bytes = static_cast<double>((*model)->weight_bytes_per_decoded_token());
    const double kv_bytes = kv_bytes_read(config, mid_depth);
    const double effective = (weight_bytes + kv_bytes) * decode_rate;

    const auto row = [](const char* name) { std::printf("  %-34s ", name); };
    std::printf("ponder-cli bench: %s\n", args->get("model")->c_str());
    row("backend");
    std::printf("%s\n", (*model)->backend().description().c_str());
    row("load (open + validate + map)");
    std::printf("%.2f s\n", load_seconds);
    row("prefill");
    std::printf("%.2f tok/s (%lld tokens in %.2f s)\n",
                static_cast<double>(prompt) / prefill_seconds, static_cast<long long>(prompt),
                prefill_seconds);
    row("decode");
    std::printf("%.2f tok/s (%lld tokens from depth %lld)\n", decode_rate,
                static_cast<long long>(bench->generate), static_cast<long long>(filled + warmup));
    row("weights read per decoded token");
    std::printf("%.3f GB\n", weight_bytes / 1e9);
    row("KV cache read per decoded token");
    std::printf("%.3f GB\n", kv_bytes / 1e9);
    row("decode effective bandwidth");
    std::printf("%.2f GB/s\n", effective / 1e9);
    row("memcpy bandwidth (between steps)");
    std::printf("%.2f GB/s (%d threads)\n", copy.bytes_per_second() / 1e9, (*model)->threads());
    row("decode / memcpy");
    std::printf("%.2f\n", effective / copy.bytes_per_second());
    row("peak RSS");
    std::printf("%.2f GiB (mapped weights count once touched)\n",
                peak_rss_bytes() / (1024.0 * 1024.0 * 1024.0));
    return 0;
}

}  // namespace ponder::cli
