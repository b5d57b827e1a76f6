#include "app/cli/model_args.h"

namespace ponder::cli {

Result<ModelOptions> model_options(const Args& args) {
    ModelOptions options;
    const std::string layout = args.get_or("layout", "auto");
    if (layout == "auto") {
        options.layout = CheckpointLayout::automatic;
    } else if (layout == "hf") {
        options.layout = CheckpointLayout::hf;
    } else if (layout == "original") {
        options.layout = CheckpointLayout::original;
    } else {
        return Status(StatusCode::invalid_argument,
                      "--layout must be auto, hf or original, got '" + layout + "'");
    }
    auto threads = args.get_int("threads", 0);
    if (!threads) return threads.status();
    options.threads = static_cast<int>(*threads);
    const std::string backend = args.get_or("backend", "cpu");
    if (backend == "cpu") {
        options.backend = BackendPreference::cpu;
    } else if (backend == "cuda") {
        options.backend = BackendPreference::cuda;
    } else if (backend == "auto") {
        options.backend = BackendPreference::automatic;
    } else {
        return Status(StatusCode::invalid_argument,
                      "--backend must be cpu, cuda or auto, got '" + backend + "'");
    }
    return options;
}

Result<std::unique_ptr<Model>> load_model(const Args& args) {
    auto dir = args.require("model");
    if (!dir) return dir.status();
    auto options = model_options(args);
    if (!options) return options.status();
    return Model::load(*dir, *options);
}

}  // namespace ponder::cli
