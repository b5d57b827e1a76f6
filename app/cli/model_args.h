// Options shared by the ponder-cli commands that run a model: --model, --layout, --threads,
// --backend.
#pragma once

#include <memory>
#include <string>

#include "app/cli/args.h"
#include "engine/model.h"

namespace ponder::cli {

// The option names model_options() reads, to pass to Args::parse along with a command's own.
inline const char* const model_option_names[] = {"model", "layout", "threads", "backend"};

// --layout auto|hf|original (default auto), --threads N (default 0: every hardware thread) and
// --backend cpu|cuda|auto (default cpu, so that results do not depend on the machine; auto = CUDA
// when a usable GPU fits the model, else the CPU).
Result<ModelOptions> model_options(const Args& args);

// Loads --model with model_options(args).
Result<std::unique_ptr<Model>> load_model(const Args& args);

}  // namespace ponder::cli
