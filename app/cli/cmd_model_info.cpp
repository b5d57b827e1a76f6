// `ponder-cli model-info --model DIR [--layout auto|hf|original]`: opens a checkpoint the way the
// app does (every tensor checked, nothing copied), checks the rest of what a chat needs
// (ponder.json and a tokenizer that fits the model), and prints what it found and how long it took.
#include <chrono>
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "engine/model/checkpoint.h"
#ifndef PONDER_CLI_ENGINE_ONLY  // a GPU machine's build has no chat core or tokenizer
#include "app/core/chat/model_identity.h"
#include "engine/harmony/chat_tokenizer.h"
#include "engine/tokenizer/o200k_harmony.h"
#endif

namespace ponder::cli {
namespace {

// The rest of what a chat needs from the folder besides the weights, so that a folder this
// command accepts does not fail later, mid-chat: a valid ponder.json (when there is one) and a
// tokenizer that fits the model. Says which tokenizer that is.
Result<std::string> chat_readiness(const std::string& dir, const ModelConfig& config) {
#ifndef PONDER_CLI_ENGINE_ONLY
    auto identity = core::read_model_identity(dir);
    if (!identity) return identity.status();
    auto tokenizer = load_model_tokenizer(dir);
    if (!tokenizer) return tokenizer.status();
    if (Status fits = harmony::check_chat_tokenizer(*tokenizer, config.vocab_size); !fits.ok())
        return fits;
    return "ready (tokenizer " + tokenizer->source() + ", ids below " +
           std::to_string(tokenizer->id_limit()) + ")";
#else
    (void)dir;
    (void)config;
    return std::string("not checked (this build has no tokenizer or chat core)");
#endif
}

}  // namespace

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
    std::printf("folder       %s (%s layout)\n", (*checkpoint)->folder().c_str(),
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
    auto chat = chat_readiness(*model, c);
    if (!chat) return fail(name, *model + ": " + chat.status().to_string());
    std::printf("chat         %s\n", chat->c_str());
    return 0;
}

}  // namespace ponder::cli
