#include "app/cli/token_file.h"

#include <charconv>
#include <string>

#include "engine/io/text_file.h"

namespace ponder::cli {

Result<std::vector<std::int32_t>> parse_token_ids(std::string_view text, std::string_view source) {
    std::vector<std::int32_t> ids;
    const auto separator = [](char c) {
        return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
    };
    size_t at = 0;
    while (at < text.size()) {
        if (separator(text[at])) {
            ++at;
            continue;
        }
        size_t end = at;
        while (end < text.size() && !separator(text[end]))
            ++end;
        const std::string_view word = text.substr(at, end - at);
        std::int32_t id = 0;
        auto [stop, error] = std::from_chars(word.data(), word.data() + word.size(), id);
        if (error != std::errc() || stop != word.data() + word.size() || id < 0) {
            return Status(StatusCode::invalid_argument,
                          std::string(source) + ": '" + std::string(word) + "' is not a token id");
        }
        ids.push_back(id);
        at = end;
    }
    return ids;
}

Result<std::vector<std::int32_t>> read_token_file(const std::filesystem::path& path) {
    auto text = read_text_file(path, file_caps::token_text);
    if (!text) return text.status();
    return parse_token_ids(*text, path.string());
}

}  // namespace ponder::cli
