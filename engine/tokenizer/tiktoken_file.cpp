#include "engine/tokenizer/tiktoken_file.h"

#include <array>
#include <charconv>

#include "engine/io/text_file.h"
#include "engine/tokenizer/sha256.h"

namespace ponder {
namespace {

// Standard base64 with '=' padding; nullopt-like false on any other character.
bool decode_base64(std::string_view text, std::string& out) {
    static const std::array<std::int8_t, 256> value = [] {
        std::array<std::int8_t, 256> table{};
        table.fill(-1);
        const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i)
            table[static_cast<unsigned char>(alphabet[i])] = std::int8_t(i);
        return table;
    }();
    out.clear();
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    if (text.size() % 4 == 1) return false;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const int v = value[static_cast<unsigned char>(c)];
        if (v < 0) return false;
        buffer = (buffer << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return true;
}

}  // namespace

Result<std::vector<std::pair<std::string, TokenId>>> parse_tiktoken_ranks(std::string_view content,
                                                                          const std::string& path) {
    std::vector<std::pair<std::string, TokenId>> ranks;
    ranks.reserve(content.size() / 16);
    std::size_t line_number = 0;
    std::string bytes;
    while (!content.empty()) {
        const std::size_t newline = content.find('\n');
        std::string_view line = content.substr(0, newline);
        content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        const std::size_t space = line.find(' ');
        auto fail = [&](const char* what) {
            return Status(StatusCode::bad_model, path + ":" + std::to_string(line_number) + ": " +
                                                     what + " (expected 'base64 rank')");
        };
        if (space == std::string_view::npos) return fail("no rank");
        const std::string_view rank_text = line.substr(space + 1);
        TokenId rank = 0;
        auto [end, error] =
            std::from_chars(rank_text.data(), rank_text.data() + rank_text.size(), rank);
        if (error != std::errc() || end != rank_text.data() + rank_text.size()) {
            return fail("rank is not a number");
        }
        if (!decode_base64(line.substr(0, space), bytes)) return fail("token is not valid base64");
        ranks.emplace_back(bytes, rank);
    }
    return ranks;
}

Result<Tokenizer> load_tiktoken_tokenizer(const std::string& path, std::string_view expected_sha256,
                                          std::vector<AddedToken> added, std::string_view pattern) {
    auto content = read_text_file(path, file_caps::tiktoken);
    if (!content) return content.status();
    if (!expected_sha256.empty()) {
        const std::string actual = sha256_hex(*content);
        if (actual != expected_sha256) {
            return Status(StatusCode::bad_model,
                          path + " has SHA-256 " + actual + ", expected " +
                              std::string(expected_sha256) +
                              " (the file is damaged or not the one Ponder ships)");
        }
    }
    auto ranks = parse_tiktoken_ranks(*content, path);
    if (!ranks) return ranks.status();
    return Tokenizer::create(std::move(*ranks), std::move(added), pattern, path);
}

}  // namespace ponder
