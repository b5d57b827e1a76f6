#include "engine/harmony/renderer.h"

#include <algorithm>

#include "engine/harmony/format_tokens.h"
#include "engine/harmony/tool_definitions.h"

namespace ponder::harmony {
namespace {

// Receives the rendering as a sequence of text pieces and format tokens.
class Sink {
  public:
    virtual ~Sink() = default;
    virtual void text(std::string_view piece) = 0;
    virtual void token(FormatToken token) = 0;
};

class TextSink final : public Sink {
  public:
    void text(std::string_view piece) override { out += piece; }
    void token(FormatToken token) override { out += format_token_text(token); }
    std::string out;
};

class TokenSink final : public Sink {
  public:
    TokenSink(const Tokenizer& tokenizer, const FormatTokenIds& ids)
        : tokenizer_(tokenizer), ids_(ids) {}
    void text(std::string_view piece) override { tokenizer_.encode(piece, out); }
    void token(FormatToken token) override { out.push_back(ids_.id(token)); }
    std::vector<TokenId> out;

  private:
    const Tokenizer& tokenizer_;
    const FormatTokenIds& ids_;
};

std::string join(const std::vector<std::string>& parts, const char* separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += separator;
        out += parts[i];
    }
    return out;
}

void render_plain(Sink& sink, std::string_view role, const std::string& content) {
    sink.token(FormatToken::start);
    sink.text(role);
    sink.token(FormatToken::message);
    sink.text(content);
    sink.token(FormatToken::end);
}

Status render_message(Sink& sink, const Message& message) {
    sink.token(FormatToken::start);
    if (message.role == Role::tool) {
        // A tool message is authored by the tool itself: "functions.get_temp", not "tool".
        if (!message.name || message.name->empty()) {
            return Status(
                StatusCode::invalid_argument,
                "a tool message needs the tool's name as its author (e.g. functions.get_temp)");
        }
        sink.text(*message.name);
    } else {
        sink.text(role_name(message.role));
        if (message.name) sink.text(":" + *message.name);
    }
    if (message.recipient && *message.recipient != "all") sink.text(" to=" + *message.recipient);
    if (message.channel) {
        sink.token(FormatToken::channel);
        sink.text(*message.channel);
    }
    if (message.content_type) {
        // "<|constrain|>json" keeps <|constrain|> as the special token, not as text.
        const std::string_view constrain = format_token_text(FormatToken::constrain);
        const std::string& type = *message.content_type;
        if (type.compare(0, constrain.size(), constrain) == 0) {
            sink.text(" ");
            sink.token(FormatToken::constrain);
            if (type.size() > constrain.size())
                sink.text(std::string_view(type).substr(constrain.size()));
        } else {
            sink.text(" " + type);
        }
    }
    sink.token(FormatToken::message);
    sink.text(message.text);
    const bool tool_call = message.role == Role::assistant && message.recipient.has_value();
    sink.token(tool_call ? FormatToken::call : FormatToken::end);
    return Status::success();
}

Status render_conversation(Sink& sink, const Conversation& conversation,
                           const RenderOptions& options) {
    const bool has_function_tools =
        conversation.developer && !conversation.developer->function_tools.empty();
    if (conversation.system)
        render_plain(sink, "system", system_message_text(*conversation.system, has_function_tools));
    if (conversation.developer && !conversation.developer->empty()) {
        render_plain(sink, "developer", developer_message_text(*conversation.developer));
    }

    const std::vector<Message>& messages = conversation.messages;
    auto is_on = [](const Message& message, std::string_view channel) {
        return message.channel && *message.channel == channel;
    };
    auto last_assistant = std::find_if(messages.rbegin(), messages.rend(),
                                       [](const Message& m) { return m.role == Role::assistant; });
    const bool drop = options.auto_drop_analysis && last_assistant != messages.rend() &&
                      is_on(*last_assistant, "final");
    const auto first_final = std::find_if(messages.begin(), messages.end(),
                                          [&](const Message& m) { return is_on(m, "final"); });
    for (auto it = messages.begin(); it != messages.end(); ++it) {
        if (drop && it < first_final && is_on(*it, "analysis")) continue;
        Status status = render_message(sink, *it);
        if (!status.ok()) return status;
    }
    return Status::success();
}

void render_generation_start(Sink& sink) {
    sink.token(FormatToken::start);
    sink.text(role_name(Role::assistant));
}

}  // namespace

std::string system_message_text(const SystemContent& system, bool has_function_tools) {
    std::vector<std::string> sections;
    std::vector<std::string> identity;
    if (system.model_identity) identity.push_back(*system.model_identity);
    if (system.knowledge_cutoff)
        identity.push_back("Knowledge cutoff: " + *system.knowledge_cutoff);
    if (system.current_date) identity.push_back("Current date: " + *system.current_date);
    if (!identity.empty()) sections.push_back(join(identity, "\n"));
    sections.push_back("Reasoning: " + std::string(reasoning_effort_name(system.reasoning_effort)));

    std::vector<ToolNamespace> builtin;
    for (BuiltinTool tool : {BuiltinTool::browser, BuiltinTool::python}) {
        if (std::find(system.builtin_tools.begin(), system.builtin_tools.end(), tool) !=
            system.builtin_tools.end()) {
            builtin.push_back(builtin_tool_namespace(tool));
        }
    }
    if (!builtin.empty()) sections.push_back(render_tools_section(builtin));

    if (!system.channels.empty()) {
        std::string channels = "# Valid channels: " + join(system.channels, ", ") +
                               ". Channel must be included for every message.";
        if (has_function_tools) {
            channels += "\nCalls to these tools must go to the commentary channel: 'functions'.";
        }
        sections.push_back(std::move(channels));
    }
    return join(sections, "\n\n");
}

std::string developer_message_text(const DeveloperContent& developer) {
    std::vector<std::string> sections;
    if (developer.instructions) {
        sections.push_back("# Instructions");
        sections.push_back(*developer.instructions);
    }
    if (!developer.function_tools.empty()) {
        sections.push_back(
            render_tools_section({{"functions", std::nullopt, developer.function_tools}}));
    }
    return join(sections, "\n\n");
}

Result<std::string> render_text(const Conversation& conversation, const RenderOptions& options) {
    TextSink sink;
    Status status = render_conversation(sink, conversation, options);
    if (!status.ok()) return status;
    return std::move(sink.out);
}

Result<std::string> render_prompt_text(const Conversation& conversation,
                                       const RenderOptions& options) {
    TextSink sink;
    Status status = render_conversation(sink, conversation, options);
    if (!status.ok()) return status;
    render_generation_start(sink);
    return std::move(sink.out);
}

Result<std::vector<TokenId>> render_tokens(const Tokenizer& tokenizer,
                                           const Conversation& conversation,
                                           const RenderOptions& options) {
    auto ids = FormatTokenIds::lookup(tokenizer);
    if (!ids) return ids.status();
    TokenSink sink(tokenizer, *ids);
    Status status = render_conversation(sink, conversation, options);
    if (!status.ok()) return status;
    return std::move(sink.out);
}

Result<std::vector<TokenId>> render_prompt_tokens(const Tokenizer& tokenizer,
                                                  const Conversation& conversation,
                                                  const RenderOptions& options) {
    auto ids = FormatTokenIds::lookup(tokenizer);
    if (!ids) return ids.status();
    TokenSink sink(tokenizer, *ids);
    Status status = render_conversation(sink, conversation, options);
    if (!status.ok()) return status;
    render_generation_start(sink);
    return std::move(sink.out);
}

}  // namespace ponder::harmony
