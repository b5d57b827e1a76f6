// `ponder-cli detokenize [--model DIR | --vocab FILE] [--ids-file FILE]`: token ids (stdin by
// default; separated by spaces, commas or newlines) -> the bytes they stand for, on stdout.
#include <charconv>
#include <cstdio>

#include "app/cli/commands.h"
#include "app/cli/tokenizer_option.h"

namespace ponder::cli {
namespace {

bool is_separator(char c) {
    return c == ' ' || c == ',' || c == '\n' || c == '\r' || c == '\t';
}

Result<std::vector<TokenId>> parse_ids(std::string_view text) {
    std::vector<TokenId> ids;
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_separator(text[i])) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && !is_separator(text[end]))
            ++end;
        const std::string_view word = text.substr(i, end - i);
        TokenId id = 0;
        auto [stop, error] = std::from_chars(word.data(), word.data() + word.size(), id);
        if (error != std::errc() || stop != word.data() + word.size()) {
            return Status(StatusCode::invalid_argument,
                          "not a token id: '" + std::string(word) + "'");
        }
        ids.push_back(id);
        i = end;
    }
    return ids;
}

}  // namespace

int run_detokenize(const Words& words) {
    auto args = Args::parse(words, {kModelOption, kVocabOption, "ids-file"}, {});
    if (!args) return fail("detokenize", args.status().message(), 2);
    if (!args->positional().empty()) {
        return fail("detokenize", "unexpected argument '" + args->positional()[0] + "'", 2);
    }
    auto tokenizer = load_tokenizer(*args);
    if (!tokenizer) {
        return fail("detokenize", tokenizer.status().to_string(),
                    tokenizer.status().code() == StatusCode::invalid_argument ? 2 : 1);
    }
    auto input = read_input(args->get_or("ids-file", ""));
    if (!input) return fail("detokenize", input.status().to_string());
    auto ids = parse_ids(*input);
    if (!ids) return fail("detokenize", ids.status().message(), 2);
    auto bytes = tokenizer->decode(*ids);
    if (!bytes) return fail("detokenize", bytes.status().message());
    std::fwrite(bytes->data(), 1, bytes->size(), stdout);
    return 0;
}

}  // namespace ponder::cli
