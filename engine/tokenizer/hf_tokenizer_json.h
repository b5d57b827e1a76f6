// Hugging Face tokenizer.json (docs/gpt-oss.md §5.3): a byte-level BPE vocabulary, added tokens and
// the Split regex of the pre-tokenizer, read into a Tokenizer with tiktoken semantics.
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder {

// Reads a tokenizer.json text. Requirements (else bad_model or unsupported, naming the field):
// model.type BPE with a byte-level vocab (GPT-2 byte<->unicode alphabet); no normalizer; a
// pre_tokenizer that is a Split regex (behaviour Isolated) and/or a ByteLevel with use_regex
// (the GPT-2 pattern), giving exactly one regex. Merge priority is the token id, which is what
// tiktoken-converted files (every gpt-oss tokenizer.json) encode; the merges list itself is
// skipped without being materialised (it is most of the file). Added tokens keep their ids and
// their `special` flag.
Result<Tokenizer> parse_hf_tokenizer_json(std::string_view json_text, const std::string& path);

Result<Tokenizer> load_hf_tokenizer_json(const std::string& path);

}  // namespace ponder
