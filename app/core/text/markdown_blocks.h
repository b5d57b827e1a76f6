// Splits a Markdown answer into prose and fenced code blocks, so the chat view can give each
// code block its own monospace box with a copy button, and exports can treat code verbatim.
// Streaming-safe: an opening fence without its closing fence yet is a code block with
// closed == false, so a half-streamed answer renders without flicker.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ponder::core {

struct MarkdownBlock {
    enum class Kind { prose, code };
    Kind kind = Kind::prose;
    std::string text;      // prose: Markdown source; code: the code, without the fences
    std::string language;  // code: the info string's first word ("python"), may be empty
    bool closed = true;    // code: false while the closing fence has not arrived
};

// CommonMark fences: a line of 3+ backticks or tildes, indented at most 3 spaces; it closes at
// a line of the same character, at least as long, with nothing after it but spaces.
std::vector<MarkdownBlock> split_markdown_blocks(std::string_view markdown);

}  // namespace ponder::core
