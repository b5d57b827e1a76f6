#include "app/core/storage/search_query.h"

#include <vector>

namespace ponder::core {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// ASCII letters and digits, and any byte of a non-ASCII character (the tokenizer decides those).
bool has_word_character(std::string_view text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
            (c >= 'A' && c <= 'Z')) {
            return true;
        }
    }
    return false;
}

// An FTS5 string: double quotes inside are doubled, everything else is literal.
std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

void add_term(std::vector<std::string>& terms, std::string_view word, bool phrase) {
    bool prefix = false;
    if (!phrase && word.size() > 1 && word.back() == '*') {
        prefix = true;
        word.remove_suffix(1);
    }
    if (!has_word_character(word)) return;
    terms.push_back(quoted(word) + (prefix ? "*" : ""));
}

}  // namespace

std::string fts_query(std::string_view text) {
    std::vector<std::string> terms;
    size_t at = 0;
    while (at < text.size()) {
        if (is_space(text[at])) {
            ++at;
            continue;
        }
        if (text[at] == '"') {
            const size_t close = text.find('"', at + 1);
            if (close != std::string_view::npos) {
                add_term(terms, text.substr(at + 1, close - at - 1), /*phrase=*/true);
                at = close + 1;
                continue;
            }
            ++at;  // an unpaired quote is not a phrase; read on as words
            continue;
        }
        size_t end = at;
        while (end < text.size() && !is_space(text[end]) && text[end] != '"')
            ++end;
        add_term(terms, text.substr(at, end - at), /*phrase=*/false);
        at = end;
    }
    std::string query;
    for (const std::string& term : terms) {
        if (!query.empty()) query += ' ';
        query += term;
    }
    return query;
}

}  // namespace ponder::core
