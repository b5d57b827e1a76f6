// A GGUF file's own vocabulary (tokenizer.ggml.*) as a Tokenizer, and a Tokenizer written as
// those keys. gpt-oss files carry o200k_harmony in llama.cpp's "gpt2" byte-level form: token i
// is the byte-level spelling (byte_level.h) of the bytes of rank i, special tokens have token
// type 3 (control), and padding ids type 5 (unused).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/io/gguf.h"
#include "engine/io/gguf_writer.h"
#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder {

// The tokenizer of a parsed GGUF file: its tokenizer.ggml.tokens when present (model "gpt2";
// normal tokens rank by id, control and user-defined tokens become special added tokens, unused
// ones are skipped), pre-tokenised with o200k's pattern; else the shipped o200k_harmony. The
// harmony special tokens (<|start|>, <|message|>, <|return|>, ...) must have o200k_harmony's
// ids, looked up by name. bad_model naming the key or token id; unsupported for another
// tokenizer model.
Result<Tokenizer> load_gguf_tokenizer(const GgufFile& file, std::string_view source);

// The keys that describe `tokenizer` in a GGUF file: tokenizer.ggml.model "gpt2", pre "gpt-4o",
// tokens, token_type and merges (one per multi-byte token: the last merge BPE makes when it
// encodes the token's bytes with lower ranks only, so that merge order equals rank order and a
// merges-based BPE reproduces tiktoken's; not checked against llama.cpp itself here).
std::vector<GgufEntry> gguf_vocabulary_metadata(const Tokenizer& tokenizer);

// The tokenizer of the model at `path`: a GGUF file's (above) or a folder's (o200k_harmony.h).
Result<Tokenizer> load_gguf_file_tokenizer(const std::string& path);

}  // namespace ponder
