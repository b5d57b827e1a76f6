// `ponder-cli make-model --preset tiny|20b|120b --out DIR [--seed S] [--layout hf|original]`:
// writes a random-weight gpt-oss checkpoint with the real tensor names, dtypes, shapes and MXFP4
// packing, streaming (20b is ~13.8 GB on disk but never in memory). See random_checkpoint.h.
// `--format gguf --out FILE.gguf [--dense bf16|f32|f16|q8_0] [--naming llama.cpp|fused|ollama]`
// writes the same weights as one GGUF file (gguf_export.h) with the o200k_harmony vocabulary:
// the safetensors checkpoint is written next to it first and removed afterwards.
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "engine/model/checkpoint.h"
#include "engine/model/gguf_export.h"
#include "engine/model/random_checkpoint.h"
#ifndef PONDER_CLI_ENGINE_ONLY  // a GPU machine's build has no tokenizer: files get no vocabulary
#include "engine/tokenizer/gguf_vocabulary.h"
#include "engine/tokenizer/o200k_harmony.h"
#endif

namespace ponder::cli {

namespace {

// Writes `config`'s random weights (options.seed) as the GGUF file `out`, going through a
// safetensors checkpoint in a scratch folder beside it.
Status write_random_gguf(const ModelConfig& config, const std::filesystem::path& out,
                         const RandomCheckpointOptions& random, const GgufExportOptions& gguf) {
    std::error_code error;
    if (std::filesystem::exists(out, error)) {
        return Status(StatusCode::invalid_argument, out.string() + " already exists");
    }
    const std::filesystem::path scratch = out.string() + ".safetensors-scratch";
    std::filesystem::remove_all(scratch, error);
    Status status = write_random_checkpoint(config, scratch, random);
    if (status.ok()) {
        auto checkpoint = Checkpoint::open(scratch);
        status = checkpoint
                     ? export_gguf((*checkpoint)->config(), (*checkpoint)->weights(), out, gguf)
                     : checkpoint.status();
    }
    std::filesystem::remove_all(scratch, error);
    return status;
}

}  // namespace

int run_make_model(const Words& words) {
    constexpr const char* name = "make-model";
    auto args = Args::parse(
        words, {"preset", "out", "seed", "layout", "threads", "format", "dense", "naming"}, {});
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

    const std::string format = args->get_or("format", "safetensors");
    if (format != "safetensors" && format != "gguf") {
        return fail(name, "--format must be safetensors or gguf", 2);
    }
    GgufExportOptions gguf;
    if (format == "gguf") {
        const std::string dense = args->get_or("dense", "bf16");
        const std::string naming = args->get_or("naming", "llama.cpp");
        if (dense == "bf16")
            gguf.dense_type = GgmlType::bf16;
        else if (dense == "f32")
            gguf.dense_type = GgmlType::f32;
        else if (dense == "f16")
            gguf.dense_type = GgmlType::f16;
        else if (dense == "q8_0")
            gguf.dense_type = GgmlType::q8_0;
        else
            return fail(name, "--dense must be bf16, f32, f16 or q8_0", 2);
        if (naming == "llama.cpp")
            gguf.naming = GgufNaming::llama_cpp;
        else if (naming == "fused")
            gguf.naming = GgufNaming::llama_cpp_fused;
        else if (naming == "ollama")
            gguf.naming = GgufNaming::ollama;
        else
            return fail(name, "--naming must be llama.cpp, fused or ollama", 2);
#ifndef PONDER_CLI_ENGINE_ONLY
        auto vocabulary = load_o200k_harmony();
        if (!vocabulary) return fail(name, vocabulary.status().to_string());
        gguf.extra_metadata = gguf_vocabulary_metadata(*vocabulary);
#endif
    } else if (args->get("dense") || args->get("naming")) {
        return fail(name, "--dense and --naming go with --format gguf", 2);
    }

    const auto start = std::chrono::steady_clock::now();
    Status status = format == "gguf" ? write_random_gguf(*config, *out, options, gguf)
                                     : write_random_checkpoint(*config, *out, options);
    if (options.progress) std::fprintf(stderr, "\n");
    if (!status.ok()) return fail(name, status.to_string());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wrote %s gpt-oss checkpoint (%s, seed %lld) to %s in %.1f s\n", preset->c_str(),
                format == "gguf" ? "gguf" : (layout + " layout").c_str(),
                static_cast<long long>(*seed), out->c_str(), seconds);
    return 0;
}

}  // namespace ponder::cli
