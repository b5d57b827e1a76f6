#include "app/core/export/markdown_export.h"

#include <algorithm>
#include <cctype>

namespace ponder::core {
namespace {

// Headings and list items are one line; a title with newlines would break the structure.
std::string one_line(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\r', ' ');
    return text;
}

// Inside <details>, a literal "</details" in the reasoning would close the block early. Renderers
// decode entities in text, so "&lt;/details" still reads as "</details".
std::string inside_details(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '<' && i + 8 <= text.size()) {
            std::string next = text.substr(i + 1, 8);
            std::transform(next.begin(), next.end(), next.begin(),
                           [](unsigned char c) { return char(std::tolower(c)); });
            if (next == "/details" || next.substr(0, 7) == "summary" ||
                next.substr(0, 8) == "/summary") {
                out += "&lt;";
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

void fenced(std::string& out, const std::string& info, const std::string& text) {
    const std::string fence = code_fence_for(text);
    out += fence + info + "\n" + text;
    if (!text.empty() && text.back() != '\n') out += "\n";
    out += fence + "\n\n";
}

std::string heading_for(const Message& m) {
    switch (m.role) {
        case MessageRole::user:
            return "User";
        case MessageRole::assistant:
            return "Assistant";
        case MessageRole::system:
            return "System";
        case MessageRole::developer:
            return "Developer";
        case MessageRole::tool:
            return "Tool";
    }
    return "Message";
}

void render_message(std::string& out, const ConversationRecord& record, const Message& m) {
    if (is_reasoning(m)) {
        out += "<details>\n<summary>Reasoning</summary>\n\n";
        out += inside_details(m.text);
        out += "\n\n</details>\n\n";
    } else if (m.role == MessageRole::assistant && !m.recipient.empty()) {
        const auto calls = calls_of(record, m);
        if (calls.empty()) out += "**Tool call** `" + one_line(m.recipient) + "`\n\n";
        for (const ToolCall* call : calls) {
            out += "**Tool call** `" + one_line(call->tool_name) + "` · " +
                   one_line(tool_call_summary(*call)) + "\n\n";
        }
        fenced(out, m.content_type.find("json") != std::string::npos ? "json" : "", m.text);
        // Results normally follow as tool messages; show the stored result when none does.
        if (!has_result_message(record, m)) {
            for (const ToolCall* call : calls) {
                if (!call->result) continue;
                out += "**Tool result** `" + one_line(call->tool_name) + "`\n\n";
                fenced(out, "", *call->result);
            }
        }
    } else if (m.role == MessageRole::tool) {
        out += "**Tool result** `" + one_line(m.author_name) + "`\n\n";
        fenced(out, "", m.text);
    } else {
        out += m.text;
        if (!m.text.empty() && m.text.back() != '\n') out += "\n";
        out += "\n";
    }
    const std::string summary = answer_summary(m);
    const std::string note = state_note(m);
    if (!summary.empty() || !note.empty()) {
        std::string line = summary;
        if (!note.empty()) line += (line.empty() ? "" : " · ") + std::string("**") + note + "**";
        out += "*" + one_line(line) + "*\n\n";
    }
}

}  // namespace

std::string code_fence_for(const std::string& text) {
    size_t longest = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return std::string(std::max<size_t>(3, longest + 1), '`');
}

std::string conversation_to_markdown(const ConversationRecord& record,
                                     const ExportOptions& options) {
    const Conversation& c = record.conversation;
    std::string out = "# " + one_line(display_title(c)) + "\n\n";
    for (const auto& [label, value] : metadata_rows(c)) {
        out += "- **" + label + ":** " + one_line(value) + "\n";
    }
    out += "\n";
    if (!c.settings.developer_instructions.empty()) {
        out += "**Developer instructions**\n\n";
        fenced(out, "", c.settings.developer_instructions);
    }
    out += "---\n\n";
    // One heading per turn: the messages after a user message (reasoning, tool calls, results,
    // the answer) belong under one "Assistant" heading.
    std::string previous_heading;
    for (const Message* m : visible_messages(record, options)) {
        std::string heading = heading_for(*m);
        if (heading == "Tool") heading = "Assistant";
        if (heading != previous_heading) out += "## " + heading + "\n\n";
        previous_heading = heading;
        render_message(out, record, *m);
    }
    return out;
}

std::string history_to_markdown(const std::vector<ConversationRecord>& records,
                                const ExportOptions& options) {
    std::string out;
    for (size_t i = 0; i < records.size(); ++i) {
        if (i > 0) out += "\n---\n\n";
        out += conversation_to_markdown(records[i], options);
    }
    return out;
}

}  // namespace ponder::core
