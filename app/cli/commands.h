// The ponder-cli subcommands. Each lives in its own cmd_*.cpp, takes the words after its name
// and returns the process exit status (0 ok, 1 failure, 2 bad usage). Errors go to stderr.
#pragma once

#include <string>
#include <vector>

namespace ponder::cli {

using Words = std::vector<std::string>;

struct Command {
    const char* name;
    const char* summary;  // one line for `ponder-cli help`
    int (*run)(const Words& args);
};

int run_backend(const Words& args);
int run_chat(const Words& args);
int run_make_model(const Words& args);
int run_logits(const Words& args);
int run_generate(const Words& args);
int run_bench(const Words& args);
int run_model_info(const Words& args);
int run_models(const Words& args);
int run_tokenize(const Words& args);
int run_detokenize(const Words& args);
int run_render(const Words& args);
int run_history(const Words& args);
int run_tool(const Words& args);
int run_serve(const Words& args);

// All subcommands, in the order `ponder-cli help` lists them.
const std::vector<Command>& commands();

// Prints "ponder-cli <command>: <message>" to stderr and returns `exit_code`.
int fail(const char* command, const std::string& message, int exit_code = 1);

}  // namespace ponder::cli
