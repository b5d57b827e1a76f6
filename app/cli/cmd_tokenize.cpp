// `ponder-cli tokenize [--model DIR | --vocab FILE] [--special] [--text-file FILE] [--bench]`:
// UTF-8 text (stdin by default) -> token ids on one line, separated by spaces.
#include <chrono>
#include <cstdio>

#include "app/cli/commands.h"
#include "app/cli/tokenize_bench.h"
#include "app/cli/tokenizer_option.h"

namespace ponder::cli {

int run_tokenize(const Words& words) {
    auto args = Args::parse(words, {kModelOption, kVocabOption, "text-file"}, {"special", "bench"});
    if (!args) return fail("tokenize", args.status().message(), 2);
    if (!args->positional().empty())
        return fail("tokenize", "unexpected argument '" + args->positional()[0] + "'", 2);
    const auto started = std::chrono::steady_clock::now();
    auto tokenizer = load_tokenizer(*args);
    if (!tokenizer) {
        return fail("tokenize", tokenizer.status().to_string(),
                    tokenizer.status().code() == StatusCode::invalid_argument ? 2 : 1);
    }
    const double load_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    if (args->has("bench"))
        return run_tokenize_bench(*tokenizer, load_ms, args->get_or("text-file", ""));

    auto text = read_input(args->get_or("text-file", ""));
    if (!text) return fail("tokenize", text.status().to_string());
    const std::vector<TokenId> ids =
        args->has("special") ? tokenizer->encode_with_special(*text) : tokenizer->encode(*text);
    std::string line;
    line.reserve(ids.size() * 7);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) line += ' ';
        line += std::to_string(ids[i]);
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    return 0;
}

}  // namespace ponder::cli
