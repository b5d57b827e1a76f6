// Whether a tokenizer and a model belong together, checked when a model is opened for chat rather
// than discovered at the first token. A folder without its tokenizer.json gets the shipped
// o200k_harmony vocabulary (load_model_tokenizer), which is right for gpt-oss and wrong for a
// model with its own small vocabulary: ids such as <|start|> = 200006 are not rows of its
// embedding, and the first prompt would fail with "token id 200006 is outside the vocabulary".
#pragma once

#include <cstdint>

#include "engine/status.h"
#include "engine/tokenizer/tokenizer.h"

namespace ponder::harmony {

// Checks that `tokenizer` can drive a model whose embedding has `vocab_size` rows in the harmony
// chat format: it has every harmony format token (<|start|>, <|message|>, ..., <|call|>), and
// every id it can produce, those tokens' included, is below `vocab_size`. Fails with bad_model
// saying which does not hold and what to do about it.
Status check_chat_tokenizer(const Tokenizer& tokenizer, std::int64_t vocab_size);

}  // namespace ponder::harmony
