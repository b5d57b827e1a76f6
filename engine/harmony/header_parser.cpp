#include "engine/harmony/header_parser.h"

#include <vector>

namespace ponder::harmony {
namespace {

constexpr std::string_view kChannelMarker = "<|channel|>";
constexpr std::string_view kConstrainMarker = "<|constrain|>";

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i]))
            ++i;
        const std::size_t start = i;
        while (i < text.size() && !is_space(text[i]))
            ++i;
        if (i > start) words.emplace_back(text.substr(start, i - start));
    }
    return words;
}

// Removes "<|channel|>name" from `text` and returns the name ("" when the marker has no name,
// nullopt without a marker). The name ends at whitespace or '<' (the next marker).
std::optional<std::string> take_channel(std::string& text) {
    const std::size_t marker = text.find(kChannelMarker);
    if (marker == std::string::npos) return std::nullopt;
    const std::size_t start = marker + kChannelMarker.size();
    std::size_t end = start;
    while (end < text.size() && !is_space(text[end]) && text[end] != '<')
        ++end;
    std::string channel = text.substr(start, end - start);
    text.erase(marker, end - marker);
    return channel;
}

// "user" -> user; "assistant:bob" -> assistant named bob; nullopt for anything else.
std::optional<std::pair<Role, std::optional<std::string>>> parse_author(std::string_view word) {
    const std::size_t colon = word.find(':');
    auto role = parse_role(word.substr(0, colon));
    if (!role) return std::nullopt;
    std::optional<std::string> name;
    if (colon != std::string_view::npos) name = std::string(word.substr(colon + 1));
    return std::make_pair(*role, name);
}

std::string strip_to(std::string word) {
    return word.rfind("to=", 0) == 0 ? word.substr(3) : word;
}

}  // namespace

ParsedHeader parse_header(std::string_view text, std::optional<Role> known_role) {
    ParsedHeader result;
    Message& header = result.header;
    std::string rest(text);
    if (auto channel = take_channel(rest)) {
        if (channel->empty()) {
            result.problem = "<|channel|> without a channel name";
        } else {
            header.channel = std::move(*channel);
        }
    }
    // "to=functions.f<|constrain|>json": the content type is its own word.
    std::string spaced;
    for (std::size_t i = 0; i < rest.size();) {
        if (rest.compare(i, kConstrainMarker.size(), kConstrainMarker) == 0) {
            spaced += ' ';
            spaced += kConstrainMarker;
            i += kConstrainMarker.size();
        } else {
            spaced += rest[i++];
        }
    }
    std::vector<std::string> words = split_words(spaced);

    if (known_role) {
        header.role = *known_role;
        if (!words.empty()) {
            auto author = parse_author(words.front());
            if (author && author->first == *known_role) {  // the model repeated the role
                header.name = author->second;
                words.erase(words.begin());
            }
        }
    } else if (words.empty()) {
        result.role_found = false;
        result.problem = "the header names no author";
        header.role = Role::assistant;
        return result;
    } else if (auto author = parse_author(words.front())) {
        header.role = author->first;
        header.name = author->second;
        words.erase(words.begin());
    } else {
        // Not a role: a tool speaking ("browser.search to=assistant", "functions.get_temp").
        header.role = Role::tool;
        header.name = words.front();
        words.erase(words.begin());
    }

    if (!words.empty()) {
        const std::size_t count = words.size();
        std::string last = std::move(words.back());
        words.pop_back();
        if (last.rfind("to=", 0) == 0) {
            header.recipient = last.substr(3);
        } else if (count == 1 && last.rfind(kConstrainMarker, 0) != 0) {
            header.recipient = std::move(last);
        } else {
            header.content_type = std::move(last);
            if (!words.empty()) {
                header.recipient = strip_to(std::move(words.back()));
                words.pop_back();
            }
        }
    }
    if (!words.empty()) {
        std::string leftover;
        for (const std::string& word : words)
            leftover += (leftover.empty() ? "" : " ") + word;
        if (!result.problem.empty()) result.problem += "; ";
        result.problem += "unexpected words in the header: " + leftover;
    }
    return result;
}

HeaderlessMessage recover_headerless_message(std::string_view text,
                                             std::optional<Role> known_role) {
    HeaderlessMessage result;
    Message& message = result.message;
    std::string rest(text);
    if (auto channel = take_channel(rest); channel && !channel->empty())
        message.channel = std::move(*channel);
    std::string_view content = rest;
    while (!content.empty() && is_space(content.front()))
        content.remove_prefix(1);

    std::size_t word_end = 0;
    while (word_end < content.size() && !is_space(content[word_end]))
        ++word_end;
    auto author = parse_author(content.substr(0, word_end));
    if (known_role) {
        message.role = *known_role;
        if (!author || author->first != *known_role) author.reset();
    } else if (author) {
        message.role = author->first;
    } else {
        result.role_found = false;
        message.role = Role::assistant;
        message.text = std::string(trim(content));
        return result;
    }
    if (author) {  // the author word is header, not content
        message.name = author->second;
        content.remove_prefix(word_end);
        while (!content.empty() && is_space(content.front()))
            content.remove_prefix(1);
    }
    message.text = std::string(content);
    return result;
}

}  // namespace ponder::harmony
