// ponder-cli: Ponder's engine and chat core from a terminal, for scripting, tests and benchmarks.
#include <cstdio>
#include <cstring>
#include <string>

#include "app/cli/commands.h"
#ifndef PONDER_CLI_ENGINE_ONLY
#include "app/core/version.h"
#endif

namespace ponder::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"backend", "print the compute backend Ponder would use (CUDA device or CPU, and why)",
         run_backend},
#ifndef PONDER_CLI_ENGINE_ONLY  // a GPU machine's build: no chat core, history or tokenizer
        {"chat", "chat with a model; reasoning and answers are stored in the history", run_chat},
#endif
        {"logits", "write the logits of every position of a token file as .npy", run_logits},
        {"generate", "continue a token file's prompt and print the generated ids", run_generate},
        {"bench", "measure load, prefill and decode speed against memory bandwidth", run_bench},
        {"make-model",
         "write a random-weight gpt-oss checkpoint (--preset tiny|20b|120b --out DIR; "
         "--format gguf --out FILE.gguf)",
         run_make_model},
        {"model-info", "open a model folder or GGUF file, check every tensor, print its shape",
         run_model_info},
#ifndef PONDER_CLI_ENGINE_ONLY
        {"models", "list the gpt-oss models on this machine (Hugging Face, LM Studio, Ollama, ...)",
         run_models},
        {"tokenize", "text (stdin or --text-file) -> token ids; --special, --bench", run_tokenize},
        {"detokenize", "token ids (stdin or --ids-file) -> the bytes they stand for",
         run_detokenize},
        {"render", "the harmony prompt for a conversation JSON file (text or --ids)", run_render},
        {"history", "list, show, search, export, import and delete conversations (history help)",
         run_history},
        {"tool", "run one local tool by hand (calculator, python, ...); no name: list them",
         run_tool},
#endif
#ifdef PONDER_CLI_SERVE
        {"serve", "serve a model to programs on this computer (OpenAI-compatible, loopback only)",
         run_serve},
#endif
    };
    return table;
}

int fail(const char* command, const std::string& message, int exit_code) {
    std::fprintf(stderr, "ponder-cli %s: %s\n", command, message.c_str());
    return exit_code;
}

namespace {

void print_help() {
    std::printf("usage: ponder-cli <command> [options]\n\ncommands:\n");
    for (const Command& command : commands())
        std::printf("  %-12s %s\n", command.name, command.summary);
    std::printf("\n  ponder-cli --version   print the version\n");
}

}  // namespace
}  // namespace ponder::cli

int main(int argc, char** argv) {
    using namespace ponder::cli;
    if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0) {
        print_help();
        return argc < 2 ? 2 : 0;
    }
    if (std::strcmp(argv[1], "--version") == 0) {
#ifdef PONDER_CLI_ENGINE_ONLY
        std::printf("ponder-cli %s (engine only)\n", PONDER_VERSION);
#else
        std::printf("ponder-cli %s\n", ponder::core::version_string());
#endif
        return 0;
    }
    for (const Command& command : commands()) {
        if (command.name == std::string(argv[1])) return command.run(Words(argv + 2, argv + argc));
    }
    std::fprintf(stderr, "ponder-cli: unknown command '%s' (try ponder-cli help)\n", argv[1]);
    return 2;
}
