// `ponder-cli generate --model DIR --tokens-file FILE --max-tokens N [--temperature T]
//  [--top-p P] [--top-k K] [--min-p P] [--seed S] [--stop ID,ID...] [--layout ...] [--threads N]`:
// continues the prompt in the token file and prints the generated ids on one line, separated by
// spaces, as they come (stdout); the stop reason and speed go to stderr.
#include <chrono>
#include <cstdio>
#include <set>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/model_args.h"
#include "app/cli/token_file.h"
#include "engine/context.h"
#include "engine/generate/generate.h"
#include "engine/model.h"

namespace ponder::cli {

int run_generate(const Words& words) {
    std::set<std::string> names(std::begin(model_option_names), std::end(model_option_names));
    names.insert(
        {"tokens-file", "max-tokens", "temperature", "top-p", "top-k", "min-p", "seed", "stop"});
    auto args = Args::parse(words, names, {});
    if (!args) return fail("generate", args.status().message(), 2);
    for (const char* required : {"model", "tokens-file", "max-tokens"}) {
        if (!args->has(required))
            return fail("generate", std::string("missing required option --") + required, 2);
    }
    if (!args->positional().empty())
        return fail("generate", "unexpected argument '" + args->positional()[0] + "'", 2);
    if (!model_options(*args)) return fail("generate", model_options(*args).status().message(), 2);

    auto max_tokens = args->get_int("max-tokens", 0);
    auto temperature = args->get_double("temperature", 1.0);
    auto top_p = args->get_double("top-p", 1.0);
    auto top_k = args->get_int("top-k", 0);
    auto min_p = args->get_double("min-p", 0.0);
    auto seed = args->get_int("seed", 0);
    for (const Status& status : {max_tokens.status(), temperature.status(), top_p.status(),
                                 top_k.status(), min_p.status(), seed.status()}) {
        if (!status.ok()) return fail("generate", status.message(), 2);
    }
    SamplerOptions sampling;
    sampling.temperature = *temperature;
    sampling.top_p = *top_p;
    sampling.top_k = *top_k;
    sampling.min_p = *min_p;
    sampling.seed = static_cast<std::uint64_t>(*seed);
    auto sampler = Sampler::create(sampling);
    if (!sampler) return fail("generate", sampler.status().message(), 2);
    GenerateOptions options;
    options.max_tokens = *max_tokens;
    if (auto stop = args->get("stop")) {
        auto ids = parse_token_ids(*stop, "--stop");
        if (!ids) return fail("generate", ids.status().message(), 2);
        options.stop_tokens = *ids;
    }

    auto prompt = read_token_file(*args->get("tokens-file"));
    if (!prompt) return fail("generate", prompt.status().message());
    if (prompt->empty()) return fail("generate", *args->get("tokens-file") + " holds no token ids");
    auto model = load_model(*args);
    if (!model) return fail("generate", model.status().to_string());
    auto context = Context::create(**model);
    if (!context) return fail("generate", context.status().to_string());

    const auto start = std::chrono::steady_clock::now();
    bool first = true;
    auto result = generate(**context, *prompt, *sampler, options, [&](std::int32_t token) {
        std::printf(first ? "%d" : " %d", token);
        std::fflush(stdout);
        first = false;
        return true;
    });
    std::printf("\n");
    if (!result) return fail("generate", result.status().to_string());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "%zu tokens (stop: %s) in %.2f s including the prompt of %zu tokens\n",
                 result->tokens.size(), stop_reason_name(result->reason), seconds, prompt->size());
    return 0;
}

}  // namespace ponder::cli
