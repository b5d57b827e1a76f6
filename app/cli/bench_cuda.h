// The CUDA half of `ponder-cli bench` (cmd_bench.cpp parses the common options).
#pragma once

#include <cstdint>

#include "app/cli/args.h"

namespace ponder::cli {

struct BenchSizes {
    std::int64_t prompt_tokens = 128;  // timed prefill
    std::int64_t gen_tokens = 32;      // timed decode steps
    std::int64_t context_depth = 0;    // positions in the cache before decoding
};

// --model DIR or --random-weights 20b|120b (weights made on the GPU, no file), --depth-fill
// prefill|synthetic (how positions beyond the prompt get into the cache: a forward pass, or
// random keys and values written straight into it), --prefill-chunk N, --seed N.
// Prints the same table as the CPU bench plus the device's numbers, and one "bench-row:" line
// of key=value pairs for scripts. Returns the process exit status.
int run_bench_cuda(const Args& args, const BenchSizes& sizes);

}  // namespace ponder::cli
