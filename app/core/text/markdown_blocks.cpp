#include "app/core/text/markdown_blocks.h"

namespace ponder::core {
namespace {

struct Fence {
    char marker = 0;
    size_t length = 0;
    std::string info;
};

// Returns the fence opened or closed by `line`, or a Fence with marker 0.
Fence parse_fence(std::string_view line) {
    size_t indent = 0;
    while (indent < line.size() && indent < 4 && line[indent] == ' ')
        ++indent;
    if (indent > 3 || indent >= line.size()) return {};
    const char marker = line[indent];
    if (marker != '`' && marker != '~') return {};
    size_t end = indent;
    while (end < line.size() && line[end] == marker)
        ++end;
    const size_t length = end - indent;
    if (length < 3) return {};
    std::string_view info = line.substr(end);
    // A backtick fence's info string may not contain backticks (CommonMark 4.5).
    if (marker == '`' && info.find('`') != std::string_view::npos) return {};
    while (!info.empty() && (info.front() == ' ' || info.front() == '\t'))
        info.remove_prefix(1);
    const size_t word_end = info.find_first_of(" \t\r");
    return {marker, length, std::string(info.substr(0, word_end))};
}

bool closes(const Fence& open, std::string_view line) {
    const Fence candidate = parse_fence(line);
    if (candidate.marker != open.marker || candidate.length < open.length) return false;
    return candidate.info.empty();
}

void append_line(std::string& text, std::string_view line) {
    text.append(line);
    text.push_back('\n');
}

}  // namespace

std::vector<MarkdownBlock> split_markdown_blocks(std::string_view markdown) {
    std::vector<MarkdownBlock> blocks;
    MarkdownBlock current;
    Fence open;
    size_t start = 0;
    while (start < markdown.size()) {
        size_t end = markdown.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last) end = markdown.size();
        std::string_view line = markdown.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        start = end + 1;

        if (open.marker == 0) {
            Fence fence = parse_fence(line);
            if (fence.marker != 0) {
                if (!current.text.empty()) blocks.push_back(std::move(current));
                current = MarkdownBlock{MarkdownBlock::Kind::code, {}, fence.info, false};
                open = std::move(fence);
            } else {
                append_line(current.text, line);
            }
        } else if (closes(open, line)) {
            current.closed = true;
            blocks.push_back(std::move(current));
            current = MarkdownBlock{};
            open = Fence{};
        } else {
            append_line(current.text, line);
        }
    }
    // Lines were stored with '\n'; the final line of the input had none unless it ended with one.
    if (!markdown.empty() && markdown.back() != '\n' && !current.text.empty())
        current.text.pop_back();
    if (!current.text.empty() || current.kind == MarkdownBlock::Kind::code) {
        blocks.push_back(std::move(current));
    }
    for (MarkdownBlock& block : blocks) {
        // Code keeps its text exactly; a trailing newline before the closing fence is not code.
        if (block.kind == MarkdownBlock::Kind::code && block.closed && !block.text.empty() &&
            block.text.back() == '\n') {
            block.text.pop_back();
        }
    }
    return blocks;
}

}  // namespace ponder::core
