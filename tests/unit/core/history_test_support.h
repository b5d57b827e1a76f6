// Helpers shared by the history tests: temporary database files, raw file inspection and a
// conversation with every kind of record (branches, reasoning, tool calls, metrics, settings).
#pragma once

#include <QtTest>

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <filesystem>
#include <memory>
#include <string>

#include "app/core/storage/history_store.h"
#include "app/core/storage/timestamps.h"

namespace history_test {

using namespace ponder::core;
using ponder::Result;
using ponder::Status;
using ponder::StatusCode;

// Fails the current test slot when a Status or Result is not ok, printing its message.
#define REQUIRE_OK(expression)                                  \
    do {                                                        \
        const auto& checked_ = (expression);                    \
        if (!checked_.ok()) {                                   \
            QFAIL(history_test::status_text(checked_).c_str()); \
        }                                                       \
    } while (false)

inline std::string status_text(const ponder::Status& status) {
    return status.to_string();
}
template <typename T>
std::string status_text(const ponder::Result<T>& result) {
    return result.status().to_string();
}

inline std::filesystem::path path_in(const QTemporaryDir& dir, const char* name) {
    return std::filesystem::path(dir.path().toStdString()) / name;
}

inline QByteArray file_bytes(const std::filesystem::path& file) {
    QFile f(QString::fromStdString(file.string()));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

inline QByteArray file_hash(const std::filesystem::path& file) {
    return QCryptographicHash::hash(file_bytes(file), QCryptographicHash::Sha256).toHex();
}

inline void write_file(const std::filesystem::path& file, const QByteArray& bytes) {
    QFile f(QString::fromStdString(file.string()));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

inline std::unique_ptr<HistoryStore> open_store(const std::filesystem::path& file,
                                                OpenOptions options = {}) {
    auto store = HistoryStore::open(file, options);
    if (!store) qWarning("open failed: %s", store.status().message().c_str());
    return store ? std::move(*store) : nullptr;
}

inline NewMessage new_message(MessageRole role, std::string text,
                              std::optional<MessageId> parent = std::nullopt,
                              std::string channel = {}) {
    NewMessage m;
    m.role = role;
    m.text = std::move(text);
    m.parent = parent;
    m.channel = std::move(channel);
    return m;
}

// The ids of the messages of sample_conversation().
struct Sample {
    std::string id;
    MessageId question = 0;
    MessageId reasoning = 0;    // first answer's reasoning
    MessageId call = 0;         // tool call (commentary, to=functions.get_temp)
    MessageId result = 0;       // tool result message
    MessageId answer = 0;       // first final answer
    MessageId regenerated = 0;  // second answer, a sibling of `reasoning` (regenerate)
    ToolCallId tool_call = 0;
};

// "Oslo weather": question -> reasoning -> tool call -> result -> answer, then a regenerated
// answer under the question (so the question has two children), with the first branch selected
// again at the end. Every optional field is filled somewhere.
inline Sample sample_conversation(HistoryStore& store) {
    Sample s;
    ConversationSettings settings;
    settings.model = "gpt-oss-20b";
    settings.effort = ReasoningEffort::high;
    settings.developer_instructions = "Answer briefly.\nUse metric units.";
    settings.sampling.temperature = 0.7;
    settings.sampling.top_p = 0.95;
    settings.sampling.top_k = 40;
    settings.sampling.seed = 1234;
    settings.sampling.max_output_tokens = 2048;
    settings.context_policy = ContextPolicy::drop_oldest;
    settings.enabled_tools = {"functions.get_temp", "python"};
    auto conversation = store.create_conversation("Oslo weather", settings);
    if (!conversation) return s;
    s.id = conversation->id;

    NewMessage question = new_message(MessageRole::user, "How warm is Oslo?");
    question.created_at = 1'790'000'000'000;
    s.question = store.append_message(s.id, question)->id;

    NewMessage reasoning = new_message(MessageRole::assistant, "Need temperature; call get_temp.",
                                       s.question, "analysis");
    reasoning.effort = ReasoningEffort::high;
    reasoning.created_at = 1'790'000'001'000;
    s.reasoning = store.append_message(s.id, reasoning)->id;

    NewMessage call =
        new_message(MessageRole::assistant, R"({"city":"Oslo"})", s.reasoning, "commentary");
    call.recipient = "functions.get_temp";
    call.content_type = "<|constrain|>json";
    call.created_at = 1'790'000'002'000;
    s.call = store.append_message(s.id, call)->id;
    auto tool = store.add_tool_call(s.call, "functions.get_temp", R"({"city":"Oslo"})");
    s.tool_call = tool->id;
    (void)store.set_tool_approval(s.tool_call, ToolApproval::approved_once);
    (void)store.start_tool_call(s.tool_call);
    (void)store.finish_tool_call(s.tool_call, std::string(R"({"temp":12,"unit":"c"})"),
                                 std::nullopt);

    NewMessage result =
        new_message(MessageRole::tool, R"({"temp":12,"unit":"c"})", s.call, "commentary");
    result.author_name = "functions.get_temp";
    result.recipient = "assistant";
    result.created_at = 1'790'000'003'000;
    s.result = store.append_message(s.id, result)->id;

    NewMessage answer = new_message(MessageRole::assistant,
                                    "It is about **12 °C** in Oslo.\n\n```python\nprint(12)\n```\n",
                                    s.result, "final");
    answer.effort = ReasoningEffort::high;
    answer.metrics.prompt_tokens = 180;
    answer.metrics.completion_tokens = 64;
    answer.metrics.reasoning_tokens = 20;
    answer.metrics.ttft_ms = 350;
    answer.metrics.reasoning_ms = 1200;
    answer.metrics.tokens_per_second = 45.5;
    answer.created_at = 1'790'000'004'000;
    s.answer = store.append_message(s.id, answer)->id;

    NewMessage again =
        new_message(MessageRole::assistant, "Around twelve degrees.", s.question, "final");
    again.state = MessageState::stopped;
    again.created_at = 1'790'000'005'000;
    s.regenerated = store.append_message(s.id, again)->id;

    (void)store.select_branch(s.id, s.reasoning);
    return s;
}

}  // namespace history_test
