#include "app/core/chat/prompt_builder.h"

#include <ctime>

namespace ponder::core {

bool belongs_in_prompt(const Message& message) {
    if (message.state == MessageState::error || message.state == MessageState::generating) {
        return false;
    }
    // System and developer content come from the conversation's settings, not from rows.
    return message.role != MessageRole::system && message.role != MessageRole::developer;
}

harmony::ReasoningEffort to_harmony(ReasoningEffort effort) {
    switch (effort) {
        case ReasoningEffort::low:
            return harmony::ReasoningEffort::low;
        case ReasoningEffort::medium:
            return harmony::ReasoningEffort::medium;
        case ReasoningEffort::high:
            return harmony::ReasoningEffort::high;
    }
    return harmony::ReasoningEffort::medium;
}

std::optional<harmony::Role> to_harmony(MessageRole role) {
    switch (role) {
        case MessageRole::system:
            return harmony::Role::system;
        case MessageRole::developer:
            return harmony::Role::developer;
        case MessageRole::user:
            return harmony::Role::user;
        case MessageRole::assistant:
            return harmony::Role::assistant;
        case MessageRole::tool:
            return harmony::Role::tool;
    }
    return std::nullopt;
}

namespace {

std::optional<std::string> optional_text(const std::string& text) {
    if (text.empty()) return std::nullopt;
    return text;
}

}  // namespace

harmony::Conversation build_prompt_conversation(const PromptInputs& inputs) {
    harmony::Conversation conversation;
    harmony::SystemContent system;
    if (!inputs.identity.model_identity.empty())
        system.model_identity = inputs.identity.model_identity;
    if (!inputs.identity.knowledge_cutoff.empty()) {
        system.knowledge_cutoff = inputs.identity.knowledge_cutoff;
    }
    system.current_date = optional_text(inputs.current_date);
    system.reasoning_effort = to_harmony(inputs.settings.effort);
    conversation.system = std::move(system);

    harmony::DeveloperContent developer;
    developer.instructions = optional_text(inputs.settings.developer_instructions);
    developer.function_tools = inputs.function_tools;
    if (!developer.empty()) conversation.developer = std::move(developer);

    for (const Message& stored : inputs.path) {
        if (!belongs_in_prompt(stored)) continue;
        harmony::Message message;
        message.role = *to_harmony(stored.role);
        message.name = optional_text(stored.author_name);
        message.recipient = optional_text(stored.recipient);
        message.channel = optional_text(stored.channel);
        message.content_type = optional_text(stored.content_type);
        message.text = stored.text;
        conversation.messages.push_back(std::move(message));
    }
    return conversation;
}

std::string local_date_today() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char text[16];
    std::strftime(text, sizeof(text), "%Y-%m-%d", &local);
    return text;
}

}  // namespace ponder::core
