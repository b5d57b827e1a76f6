#include "app/core/export/html_export.h"

#include "app/core/text/markdown_blocks.h"

namespace ponder::core {
namespace {

// Light and dark from the reader's system setting; no fonts or images to fetch.
constexpr const char* kStyle = R"css(
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #6e6e73;
  --panel: #f4f4f6; --line: #d9d9de; --user: #eef3ff; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececf1; --bg: #1b1b1f; --muted: #a0a0aa; --panel: #26262c; --line: #3a3a42;
    --user: #232a3a; }
}
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif;
  color: var(--fg); background: var(--bg); max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; }
h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  margin: 0 0 .4rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
  font-size: .85rem; color: var(--muted); }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
article + article { border-top: 3px double var(--line); margin-top: 3rem; padding-top: 1rem; }
section.turn { border-top: 1px solid var(--line); padding: 1rem 0; }
section.user .prose { background: var(--user); border-radius: 8px; padding: .6rem .8rem; }
.prose { white-space: pre-wrap; overflow-wrap: anywhere; margin: .4rem 0; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: .6rem .8rem; overflow-x: auto; white-space: pre; font-size: .88rem; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
details.reasoning { border-left: 3px solid var(--line); padding-left: .8rem; color: var(--muted);
  margin: .4rem 0; }
details.reasoning summary { cursor: pointer; font-size: .9rem; }
.tool { font-size: .9rem; margin: .4rem 0; }
.tool .label { font-weight: 600; }
p.summary { font-size: .8rem; color: var(--muted); margin: .3rem 0 0; }
p.note { font-size: .85rem; font-weight: 600; color: #b4443a; margin: .3rem 0 0; }
footer { margin-top: 2rem; font-size: .8rem; color: var(--muted); }
)css";

// Text -> prose blocks and <pre><code> blocks, all escaped.
void render_text(std::string& out, const std::string& text) {
    for (const MarkdownBlock& block : split_markdown_blocks(text)) {
        if (block.kind == MarkdownBlock::Kind::code) {
            out += "<pre><code>" + escape_html(block.text) + "</code></pre>\n";
            continue;
        }
        // Blank lines around code fences are layout, not content.
        const size_t first = block.text.find_first_not_of("\n");
        if (first == std::string::npos) continue;
        const size_t last = block.text.find_last_not_of("\n");
        out += "<div class=\"prose\">" + escape_html(block.text.substr(first, last - first + 1)) +
               "</div>\n";
    }
}

void render_footer_lines(std::string& out, const Message& m) {
    const std::string summary = answer_summary(m);
    if (!summary.empty()) out += "<p class=\"summary\">" + escape_html(summary) + "</p>\n";
    const std::string note = state_note(m);
    if (!note.empty()) out += "<p class=\"note\">" + escape_html(note) + "</p>\n";
}

void render_tool_block(std::string& out, const std::string& label, const std::string& name,
                       const std::string& summary, const std::string& body) {
    out += "<div class=\"tool\"><span class=\"label\">" + escape_html(label) + "</span> <code>" +
           escape_html(name) + "</code>";
    if (!summary.empty()) out += " · " + escape_html(summary);
    out += "<pre><code>" + escape_html(body) + "</code></pre></div>\n";
}

void render_message(std::string& out, const ConversationRecord& record, const Message& m) {
    if (is_reasoning(m)) {
        out += "<details class=\"reasoning\"><summary>Reasoning</summary>\n";
        render_text(out, m.text);
        out += "</details>\n";
    } else if (m.role == MessageRole::assistant && !m.recipient.empty()) {
        const auto calls = calls_of(record, m);
        if (calls.empty()) render_tool_block(out, "Tool call", m.recipient, "", m.text);
        for (const ToolCall* call : calls) {
            render_tool_block(out, "Tool call", call->tool_name, tool_call_summary(*call), m.text);
            if (call->result && !has_result_message(record, m)) {
                render_tool_block(out, "Tool result", call->tool_name, "", *call->result);
            }
        }
    } else if (m.role == MessageRole::tool) {
        render_tool_block(out, "Tool result", m.author_name, "", m.text);
    } else {
        render_text(out, m.text);
    }
    render_footer_lines(out, m);
}

const char* heading_for(MessageRole role) {
    switch (role) {
        case MessageRole::user:
            return "User";
        case MessageRole::system:
            return "System";
        case MessageRole::developer:
            return "Developer";
        case MessageRole::assistant:
        case MessageRole::tool:
            return "Assistant";
    }
    return "Message";
}

void render_conversation(std::string& out, const ConversationRecord& record,
                         const ExportOptions& options) {
    const Conversation& c = record.conversation;
    out += "<article>\n<header>\n<h1>" + escape_html(display_title(c)) +
           "</h1>\n<dl class=\"meta\">\n";
    for (const auto& [label, value] : metadata_rows(c)) {
        out += "<dt>" + escape_html(label) + "</dt><dd>" + escape_html(value) + "</dd>\n";
    }
    out += "</dl>\n";
    if (!c.settings.developer_instructions.empty()) {
        out += "<details class=\"reasoning\"><summary>Developer instructions</summary>\n";
        render_text(out, c.settings.developer_instructions);
        out += "</details>\n";
    }
    out += "</header>\n";
    const char* open_heading = nullptr;
    for (const Message* m : visible_messages(record, options)) {
        const char* heading = heading_for(m->role);
        if (heading != open_heading) {
            if (open_heading) out += "</section>\n";
            const bool user = m->role == MessageRole::user;
            out += std::string("<section class=\"turn ") + (user ? "user" : "assistant") +
                   "\">\n<h2>" + heading + "</h2>\n";
            open_heading = heading;
        }
        render_message(out, record, *m);
    }
    if (open_heading) out += "</section>\n";
    out += "</article>\n";
}

std::string document(const std::string& title, const std::string& body) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        // Defence in depth: even if something slipped through escaping, nothing runs or loads.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">\n"
        "<meta name=\"generator\" content=\"Ponder\">\n<title>" +
        escape_html(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
    out += body;
    out += "<footer>Exported from Ponder.</footer>\n</body>\n</html>\n";
    return out;
}

}  // namespace

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string conversation_to_html(const ConversationRecord& record, const ExportOptions& options) {
    std::string body;
    render_conversation(body, record, options);
    return document(display_title(record.conversation), body);
}

std::string history_to_html(const std::vector<ConversationRecord>& records,
                            const ExportOptions& options) {
    std::string body;
    for (const ConversationRecord& record : records)
        render_conversation(body, record, options);
    return document("Ponder history (" + std::to_string(records.size()) + " conversations)", body);
}

}  // namespace ponder::core
