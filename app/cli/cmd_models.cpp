// `ponder-cli models`: the gpt-oss models already on this machine (the demo model, Hugging Face
// snapshots, GGUF files of LM Studio, Ollama, llama.cpp and the Hugging Face cache), with their
// size next to the machine's memory, and the path to pass as --model. Nothing is opened beyond
// the GGUF headers, nothing is copied.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/core/model_discovery.h"

namespace ponder::cli {

namespace {

double gib(std::uint64_t bytes) {
    return static_cast<double>(bytes) / (1ull << 30);
}

std::uint64_t folder_bytes(const std::filesystem::path& folder) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        if (entry.path().extension() == ".safetensors") total += entry.file_size(ec);
    }
    return total;
}

}  // namespace

int run_models(const Words& words) {
    auto args = Args::parse(words, {}, {});
    if (!args) return fail("models", args.status().message(), 2);
    const auto memory = static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                        static_cast<std::uint64_t>(sysconf(_SC_PAGE_SIZE));
    std::printf(
        "this machine has %.1f GiB of memory; a model needs about its size plus the "
        "context\n\n",
        gib(memory));
    std::printf("%-13s %-48s %9s  %s\n", "store", "model", "size", "--model");
    int count = 0;
    const auto row = [&](const std::string& store, const std::string& name, std::uint64_t bytes,
                         const std::filesystem::path& path) {
        std::printf("%-13s %-48s %5.1f GiB%s  %s\n", store.c_str(), name.c_str(), gib(bytes),
                    bytes > memory ? "!" : " ", path.c_str());
        ++count;
    };
    if (auto demo = core::demo_model_folder())
        row("Ponder", "demo model", folder_bytes(*demo), *demo);
    for (const core::FoundModel& model : core::find_huggingface_models())
        row("Hugging Face", model.name, folder_bytes(model.folder), model.folder);
    for (const core::FoundGguf& model : core::find_gguf_models())
        row(model.store, model.name, model.bytes, model.file);
    if (count == 0) std::printf("(no gpt-oss models found)\n");
    return 0;
}

}  // namespace ponder::cli
