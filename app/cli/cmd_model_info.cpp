// `ponder-cli model-info --model DIR|FILE.gguf [--layout auto|hf|original]`: opens a checkpoint
// the way the app does (every tensor checked, nothing copied) and prints what it found and how
// long it took.
#include <chrono>
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "engine/model/checkpoint.h"

namespace ponder::cli {

int run_model_info(const Words& words) {
    constexpr const char* name = "model-info";
    auto args = Args::parse(words, {"model", "layout"}, {});
    if (!args) return fail(name, args.status().message(), 2);
    auto model = args->require("model");
    if (!model) return fail(name, model.status().message(), 2);
    LoadOptions options;
    const std::string layout = args->get_or("layout", "auto");
    if (layout == "hf") {
        options.layout = CheckpointLayout::hf;
    } else if (layout == "original") {
        options.layout = CheckpointLayout::original;
    } else if (layout != "auto") {
        return fail(name, "--layout must be auto, hf or original", 2);
    }

    const auto start = std::chrono::steady_clock::now();
    auto checkpoint = Checkpoint::open(*model, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!checkpoint) return fail(name, checkpoint.status().to_string());
    const ModelConfig& c = (*checkpoint)->config();
    std::printf("model        %s (%s layout)\n", (*checkpoint)->folder().c_str(),
                layout_name((*checkpoint)->layout()));
    std::printf("layers       %lld (hidden %lld, vocab %lld)\n",
                static_cast<long long>(c.num_layers), static_cast<long long>(c.hidden_size),
                static_cast<long long>(c.vocab_size));
    std::printf("attention    %lld query / %lld KV heads x %lld, window %lld\n",
                static_cast<long long>(c.num_heads), static_cast<long long>(c.num_kv_heads),
                static_cast<long long>(c.head_dim), static_cast<long long>(c.sliding_window));
    std::printf("experts      %lld, top-%lld, intermediate %lld\n",
                static_cast<long long>(c.num_experts), static_cast<long long>(c.experts_per_token),
                static_cast<long long>(c.intermediate_size));
    std::printf("context      %lld (YaRN x%g over %lld)\n",
                static_cast<long long>(c.max_position_embeddings), c.rope_scaling.factor,
                static_cast<long long>(c.rope_scaling.original_max_position));
    std::printf("tensor bytes %llu\n",
                static_cast<unsigned long long>((*checkpoint)->tensor_bytes()));
    std::printf("opened in    %.3f s\n", seconds);
    return 0;
}

}  // namespace ponder::cli
