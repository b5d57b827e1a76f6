// `ponder-cli logits --model DIR --tokens-file FILE --out OUT.npy [--layout auto|hf|original]
//  [--mode prefill|decode|mixed:K] [--threads N]`: float32 logits [T, vocab] of every position
// of the token file, as .npy. The modes compute the same numbers by different paths (the whole
// file as one batch; one token at a time; the first K as a batch, then one at a time), which is
// how the golden tests catch a bug that only one path has (positions, ring buffers).
#include <charconv>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/model_args.h"
#include "app/cli/token_file.h"
#include "engine/context.h"
#include "engine/io/npy.h"
#include "engine/io/output_file.h"

namespace ponder::cli {

namespace {

// How many leading tokens run as one batch: all (prefill), 1 (decode) or K (mixed:K).
Result<std::int64_t> batched_prefix(const std::string& mode, std::int64_t tokens) {
    if (mode == "prefill") return tokens;
    if (mode == "decode") return std::int64_t{0};
    if (mode.rfind("mixed:", 0) == 0) {
        std::int64_t k = 0;
        const char* begin = mode.data() + 6;
        const char* end = mode.data() + mode.size();
        auto [stop, error] = std::from_chars(begin, end, k);
        if (error == std::errc() && stop == end && k >= 0) return std::min(k, tokens);
    }
    return Status(StatusCode::invalid_argument,
                  "--mode must be prefill, decode or mixed:K (K >= 0), got '" + mode + "'");
}

}  // namespace

int run_logits(const Words& words) {
    std::set<std::string> names(std::begin(model_option_names), std::end(model_option_names));
    names.insert({"tokens-file", "out", "mode"});
    auto args = Args::parse(words, names, {});
    if (!args) return fail("logits", args.status().message(), 2);
    for (const char* required : {"model", "tokens-file", "out"}) {
        if (!args->has(required))
            return fail("logits", std::string("missing required option --") + required, 2);
    }
    if (!args->positional().empty())
        return fail("logits", "unexpected argument '" + args->positional()[0] + "'", 2);
    if (!model_options(*args)) return fail("logits", model_options(*args).status().message(), 2);

    // Checked before the model loads, so a wrong --out costs nothing and destroys nothing.
    if (Status allowed = check_output_file(*args->get("out")); !allowed.ok()) {
        return fail("logits", allowed.message(), 2);
    }
    auto tokens = read_token_file(*args->get("tokens-file"));
    if (!tokens) return fail("logits", tokens.status().message());
    if (tokens->empty()) return fail("logits", *args->get("tokens-file") + " holds no token ids");
    const auto count = static_cast<std::int64_t>(tokens->size());
    auto prefix = batched_prefix(args->get_or("mode", "prefill"), count);
    if (!prefix) return fail("logits", prefix.status().message(), 2);

    auto model = load_model(*args);
    if (!model) return fail("logits", model.status().to_string());
    const std::int64_t vocab = (*model)->config().vocab_size;

    ContextOptions context_options;
    context_options.max_batch = std::max<std::int64_t>(1, *prefix);
    auto context = Context::create(**model, context_options);
    if (!context) return fail("logits", context.status().to_string());

    std::vector<float> logits(static_cast<size_t>(count * vocab));
    AppendOptions all;
    all.all_logits = true;
    const std::span<const std::int32_t> ids(*tokens);
    if (*prefix > 0) {
        if (Status status = (*context)->append(ids.first(static_cast<size_t>(*prefix)), all);
            !status.ok()) {
            return fail("logits", status.to_string());
        }
        const auto batch = (*context)->all_logits();
        std::copy(batch.begin(), batch.end(), logits.begin());
    }
    for (std::int64_t i = *prefix; i < count; ++i) {
        if (Status status = (*context)->append(ids.subspan(static_cast<size_t>(i), 1));
            !status.ok()) {
            return fail("logits", status.to_string());
        }
        const auto row = (*context)->logits();
        std::copy(row.begin(), row.end(), logits.begin() + i * vocab);
    }

    const std::int64_t shape[] = {count, vocab};
    if (Status status = write_npy(*args->get("out"), shape, logits); !status.ok()) {
        return fail("logits", status.message());
    }
    std::fprintf(stderr, "wrote %s: [%lld, %lld] float32\n", args->get("out")->c_str(),
                 static_cast<long long>(count), static_cast<long long>(vocab));
    return 0;
}

}  // namespace ponder::cli
