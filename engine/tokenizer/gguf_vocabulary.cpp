#include "engine/tokenizer/gguf_vocabulary.h"

#include <unordered_map>

#include "engine/io/mapped_file.h"
#include "engine/tokenizer/byte_level.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "engine/tokenizer/pretokenizer.h"

namespace ponder {

namespace {

// llama.cpp's token types (llama_token_type).
constexpr std::int64_t token_normal = 1;
constexpr std::int64_t token_control = 3;
constexpr std::int64_t token_user_defined = 4;
constexpr std::int64_t token_unused = 5;

// The harmony tokens a gpt-oss vocabulary must hold at these ids (harmony_added_tokens): the
// named ones of harmony_added_tokens(), not the <|reserved_N|> fillers.
bool is_named_harmony_token(const AddedToken& token) {
    return token.text.rfind("<|reserved_", 0) != 0;
}

// The two tokens whose merge makes `bytes` (rank `rank`): BPE over its bytes using only lower
// ranks (the merge that makes it, in tiktoken's rank order). Empty when no two-part split exists.
std::pair<std::string, std::string> merge_of(const std::unordered_map<std::string, TokenId>& ranks,
                                             const std::string& bytes, TokenId rank) {
    std::vector<std::string> parts;
    for (char b : bytes)
        parts.emplace_back(1, b);
    while (parts.size() > 2) {
        std::size_t best = parts.size();
        TokenId best_rank = rank;
        for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
            auto it = ranks.find(parts[k] + parts[k + 1]);
            if (it != ranks.end() && it->second < best_rank) {
                best_rank = it->second;
                best = k;
            }
        }
        if (best == parts.size()) return {};
        parts[best] += parts[best + 1];
        parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    }
    if (parts.size() != 2) return {};
    return {parts[0], parts[1]};
}

}  // namespace

Result<Tokenizer> load_gguf_tokenizer(const GgufFile& file, std::string_view source_view) {
    const std::string source(source_view);
    const GgufValue* tokens = file.find("tokenizer.ggml.tokens");
    if (tokens == nullptr) return load_o200k_harmony();
    const auto fail = [&](const std::string& message) {
        return Status(StatusCode::bad_model, source + ": " + message);
    };
    if (tokens->type != GgufValueType::array || tokens->element_type != GgufValueType::string) {
        return fail("tokenizer.ggml.tokens is not an array of strings");
    }
    if (const GgufValue* model = file.find("tokenizer.ggml.model")) {
        if (model->type != GgufValueType::string || model->string_value != "gpt2") {
            return Status(StatusCode::unsupported,
                          source + ": tokenizer.ggml.model is \"" +
                              std::string(model->string_value) +
                              "\"; gpt-oss's tokenizer is byte-level BPE (\"gpt2\")");
        }
    }
    const GgufValue* types = file.find("tokenizer.ggml.token_type");
    if (types != nullptr &&
        (types->type != GgufValueType::array || types->count != tokens->count)) {
        return fail("tokenizer.ggml.token_type must be an array with one entry per token");
    }
    if (tokens->count > (std::uint64_t{1} << 24)) {
        return fail("tokenizer.ggml.tokens has " + std::to_string(tokens->count) +
                    " entries (at most 2^24)");
    }
    std::vector<std::pair<std::string, TokenId>> ranked;
    std::vector<AddedToken> added;
    ranked.reserve(tokens->strings.size());
    for (std::size_t id = 0; id < tokens->strings.size(); ++id) {
        std::int64_t type = token_normal;
        if (types != nullptr) {
            auto t = types->int_element(id);
            if (!t)
                return fail("tokenizer.ggml.token_type[" + std::to_string(id) +
                            "] is not an integer");
            type = *t;
        }
        const std::string_view text = tokens->strings[id];
        if (type == token_control || type == token_user_defined) {
            added.push_back({std::string(text), static_cast<TokenId>(id), true});
        } else if (type == token_normal) {
            auto bytes = byte_level_decode(text);
            if (!bytes || bytes->empty()) {
                return fail("token " + std::to_string(id) +
                            " is not a byte-level spelling of any bytes");
            }
            ranked.emplace_back(std::move(*bytes), static_cast<TokenId>(id));
        } else if (type != token_unused) {
            return fail("token " + std::to_string(id) + " has token type " + std::to_string(type) +
                        ", which a byte-level BPE vocabulary does not use");
        }
    }
    auto tokenizer = Tokenizer::create(std::move(ranked), std::move(added),
                                       PreTokenizer::o200k_pattern(), source);
    if (!tokenizer) return tokenizer.status();
    for (const AddedToken& harmony : harmony_added_tokens()) {
        if (!is_named_harmony_token(harmony)) continue;
        const auto id = tokenizer->token_id(harmony.text);
        if (!id) {
            return fail("the vocabulary has no " + harmony.text +
                        " token, which gpt-oss's chat format needs");
        }
        if (*id != harmony.id) {
            return fail("the vocabulary has " + harmony.text + " at id " + std::to_string(*id) +
                        ", but o200k_harmony (which gpt-oss was trained with) has it at " +
                        std::to_string(harmony.id));
        }
    }
    return tokenizer;
}

std::vector<GgufEntry> gguf_vocabulary_metadata(const Tokenizer& tokenizer) {
    std::vector<std::string> tokens;
    std::vector<std::int32_t> types;
    std::unordered_map<std::string, TokenId> ranks;
    for (TokenId id = 0; id < tokenizer.id_limit(); ++id) {
        const auto bytes = tokenizer.token_bytes(id);
        if (!bytes) {
            tokens.push_back("[PAD" + std::to_string(id) + "]");
            types.push_back(static_cast<std::int32_t>(token_unused));
        } else if (tokenizer.is_added(id)) {
            tokens.emplace_back(*bytes);
            types.push_back(static_cast<std::int32_t>(token_control));
        } else {
            tokens.push_back(byte_level_encode(*bytes));
            types.push_back(static_cast<std::int32_t>(token_normal));
            ranks.emplace(std::string(*bytes), id);
        }
    }
    std::vector<std::string> merges;
    for (TokenId id = 0; id < tokenizer.id_limit(); ++id) {
        const auto bytes = tokenizer.token_bytes(id);
        if (!bytes || bytes->size() < 2 || tokenizer.is_added(id)) continue;
        auto [left, right] = merge_of(ranks, std::string(*bytes), id);
        if (!left.empty())
            merges.push_back(byte_level_encode(left) + " " + byte_level_encode(right));
    }
    return {gguf_string("tokenizer.ggml.model", "gpt2"),
            gguf_string("tokenizer.ggml.pre", "gpt-4o"),
            gguf_strings("tokenizer.ggml.tokens", std::move(tokens)),
            gguf_i32s("tokenizer.ggml.token_type", types),
            gguf_strings("tokenizer.ggml.merges", std::move(merges))};
}

Result<Tokenizer> load_gguf_file_tokenizer(const std::string& path) {
    auto mapped = MappedFile::open(path);
    if (!mapped) return mapped.status();
    auto file = parse_gguf(mapped->bytes(), path);
    if (!file) return file.status();
    // The tokenizer copies every string it keeps, so the mapping may go when this returns.
    return load_gguf_tokenizer(*file, path);
}

}  // namespace ponder
