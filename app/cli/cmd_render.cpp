// `ponder-cli render --conversation FILE.json [--ids] [--keep-analysis] [--model DIR | --vocab
// FILE]`: the harmony prompt for the conversation's next assistant turn (ending in
// <|start|>assistant), as text or as token ids. The JSON shape is docs/conversation-json.md.
#include <cstdio>

#include "app/cli/commands.h"
#include "app/cli/tokenizer_option.h"
#include "engine/harmony/conversation_json.h"
#include "engine/harmony/renderer.h"
#include "engine/io/text_file.h"

namespace ponder::cli {

int run_render(const Words& words) {
    auto args =
        Args::parse(words, {"conversation", kModelOption, kVocabOption}, {"ids", "keep-analysis"});
    if (!args) return fail("render", args.status().message(), 2);
    if (!args->positional().empty())
        return fail("render", "unexpected argument '" + args->positional()[0] + "'", 2);
    auto path = args->require("conversation");
    if (!path) return fail("render", path.status().message(), 2);
    auto text = read_text_file(*path, file_caps::conversation_json);
    if (!text) return fail("render", text.status().to_string());
    auto conversation = harmony::conversation_from_json_text(*text);
    if (!conversation) return fail("render", *path + ": " + conversation.status().message());
    harmony::RenderOptions options;
    options.auto_drop_analysis = !args->has("keep-analysis");

    std::string out;
    if (args->has("ids")) {
        auto tokenizer = load_tokenizer(*args);
        if (!tokenizer) return fail("render", tokenizer.status().to_string());
        auto ids = harmony::render_prompt_tokens(*tokenizer, *conversation, options);
        if (!ids) return fail("render", ids.status().to_string());
        for (std::size_t i = 0; i < ids->size(); ++i)
            out += (i > 0 ? " " : "") + std::to_string((*ids)[i]);
    } else {
        // The text form is the same for every tokenizer: --model/--vocab matter only with --ids.
        auto prompt = harmony::render_prompt_text(*conversation, options);
        if (!prompt) return fail("render", prompt.status().to_string());
        out = std::move(*prompt);
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace ponder::cli
