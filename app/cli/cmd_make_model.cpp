// `ponder-cli make-model --preset tiny|20b|120b --out DIR [--seed S] [--layout hf|original]`:
// writes a random-weight gpt-oss checkpoint with the real tensor names, dtypes, shapes and MXFP4
// packing, streaming (20b is ~13.8 GB on disk but never in memory). See random_checkpoint.h.
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "engine/model/random_checkpoint.h"

namespace ponder::cli {

int run_make_model(const Words& words) {
    constexpr const char* name = "make-model";
    auto args = Args::parse(words, {"preset", "out", "seed", "layout", "threads"}, {});
    if (!args) return fail(name, args.status().message(), 2);
    auto preset = args->require("preset");
    auto out = args->require("out");
    if (!preset) return fail(name, preset.status().message(), 2);
    if (!out) return fail(name, out.status().message(), 2);
    auto config = random_model_preset(*preset);
    if (!config) return fail(name, config.status().message(), 2);
    auto seed = args->get_int("seed", 0);
    auto threads = args->get_int("threads", 0);
    if (!seed) return fail(name, seed.status().message(), 2);
    if (!threads) return fail(name, threads.status().message(), 2);

    RandomCheckpointOptions options;
    options.seed = static_cast<std::uint64_t>(*seed);
    options.threads = static_cast<unsigned>(*threads);
    const std::string layout = args->get_or("layout", "hf");
    if (layout == "hf") {
        options.layout = CheckpointLayout::hf;
    } else if (layout == "original") {
        options.layout = CheckpointLayout::original;
    } else {
        return fail(name, "--layout must be hf or original", 2);
    }
    // A percentage that rewrites itself on a terminal; nothing in logs and pipes.
    int last_percent = -1;
    if (isatty(STDERR_FILENO)) {
        options.progress = [&](double fraction, const std::string&) {
            const int percent = static_cast<int>(fraction * 100);
            if (percent != last_percent) {
                std::fprintf(stderr, "\rwriting %3d%%", percent);
                std::fflush(stderr);
                last_percent = percent;
            }
            return true;
        };
    }

    const auto start = std::chrono::steady_clock::now();
    Status status = write_random_checkpoint(*config, *out, options);
    if (options.progress) std::fprintf(stderr, "\n");
    if (!status.ok()) return fail(name, status.to_string());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wrote %s gpt-oss checkpoint (%s layout, seed %lld) to %s in %.1f s\n",
                preset->c_str(), layout.c_str(), static_cast<long long>(*seed), out->c_str(),
                seconds);
    return 0;
}

}  // namespace ponder::cli
