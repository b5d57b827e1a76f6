// The chat core end to end with a real SQLite file, the real o200k tokenizer, the real harmony
// renderer and parser, and scripted model outputs in place of sampling.
#include <QtTest>

#include "app/core/chat/chat_session.h"
#include "app/core/storage/conversation_tree.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "tests/support/scripted_token_source.h"

using namespace ponder;
using namespace ponder::core;
using ponder::test::ScriptedTokenSource;

namespace {

const char* kAnswer =
    "<|channel|>analysis<|message|>Add 23 and 19: 3 + 9 = 12, carry 1; 2 + 1 + 1 = 4.<|end|>"
    "<|start|>assistant<|channel|>final<|message|>23 + 19 = 42<|return|>";

struct Fixture {
    QTemporaryDir dir;
    std::unique_ptr<HistoryStore> store;
    std::optional<Tokenizer> tokenizer;

    bool open() {
        auto opened = HistoryStore::open(dir.filePath("history.sqlite3").toStdString());
        if (!opened) return false;
        store = std::move(*opened);
        auto loaded = load_o200k_harmony();
        if (!loaded) return false;
        tokenizer.emplace(std::move(*loaded));
        return true;
    }
    std::string new_conversation(ReasoningEffort effort = ReasoningEffort::medium) {
        ConversationSettings settings;
        settings.effort = effort;
        return store->create_conversation("", settings).value().id;
    }
    std::vector<Message> visible(const std::string& id) {
        auto record = store->load_conversation(id).value();
        ConversationTree tree(record.messages);
        std::vector<Message> path;
        for (MessageId m : tree.active_path(record.conversation.active_leaf)) {
            for (const Message& message : record.messages)
                if (message.id == m) path.push_back(message);
        }
        return path;
    }
};

}  // namespace

class TestChatSession : public QObject {
    Q_OBJECT
  private slots:
    void answerWithReasoningIsStoredApart() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(kAnswer);
        ChatSession session(*f.store, source, *f.tokenizer, {});
        const std::string id = f.new_conversation(ReasoningEffort::high);

        std::vector<TurnEvent> events;
        auto summary = session.run_turn({TurnRequest::Kind::send, id, "What is 23 + 19?", {}},
                                        [&](const TurnEvent& e) { events.push_back(e); });
        QVERIFY2(summary.ok(), summary.status().to_string().c_str());
        QCOMPARE(summary->state, MessageState::complete);
        QCOMPARE(summary->messages.size(), size_t(2));

        const auto path = f.visible(id);
        QCOMPARE(path.size(), size_t(3));
        QCOMPARE(path[0].role, MessageRole::user);
        QCOMPARE(path[0].text, std::string("What is 23 + 19?"));
        QCOMPARE(path[1].channel, std::string("analysis"));
        QVERIFY(path[1].text.find("carry 1") != std::string::npos);
        QCOMPARE(path[2].channel, std::string("final"));
        QCOMPARE(path[2].text, std::string("23 + 19 = 42"));
        QCOMPARE(path[2].state, MessageState::complete);
        QCOMPARE(path[2].effort, std::optional(ReasoningEffort::high));
        QVERIFY(path[2].metrics.completion_tokens.value_or(0) > 10);
        QVERIFY(path[2].metrics.reasoning_tokens.value_or(0) > 5);
        QVERIFY(path[2].metrics.prompt_tokens.value_or(0) > 20);
        QVERIFY(path[2].metrics.ttft_ms.has_value());
        QCOMPARE(f.store->conversation(id)->title, std::string("What is 23 + 19?"));

        // The prompt said what the conversation says, and asked the assistant to speak.
        const std::string prompt = source.prompt_text(0);
        QVERIFY(prompt.find("Reasoning: high") != std::string::npos);
        QVERIFY(prompt.find("Current date: ") != std::string::npos);
        QVERIFY(prompt.find("<|start|>user<|message|>What is 23 + 19?<|end|><|start|>assistant") !=
                std::string::npos);

        // Events: both messages started, streamed and finished; then the turn.
        std::string final_text;
        int started = 0, finished = 0;
        for (const auto& e : events) {
            if (e.kind == TurnEvent::Kind::message_started) ++started;
            if (e.kind == TurnEvent::Kind::message_finished) ++finished;
            if (e.kind == TurnEvent::Kind::text_delta && e.message_id == path[2].id)
                final_text += e.text;
        }
        QCOMPARE(started, 3);  // the user's message, the reasoning, the answer
        QCOMPARE(finished, 3);
        QCOMPARE(events.front().kind, TurnEvent::Kind::message_started);
        QCOMPARE(events.front().role, std::string("user"));
        QCOMPARE(events.front().text, std::string("What is 23 + 19?"));
        QCOMPARE(final_text, std::string("23 + 19 = 42"));
        QCOMPARE(events.back().kind, TurnEvent::Kind::turn_finished);
        QCOMPARE(events.back().state, std::string("complete"));
    }

    void followUpReusesThePrefixAndDropsOldReasoning() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(kAnswer);
        source.add_output("<|channel|>final<|message|>42 - 2 = 40<|return|>");
        ChatSession session(*f.store, source, *f.tokenizer, {});
        const std::string id = f.new_conversation();
        QVERIFY(session.run_turn({TurnRequest::Kind::send, id, "What is 23 + 19?", {}}, {}).ok());
        auto second = session.run_turn({TurnRequest::Kind::send, id, "Minus 2?", {}}, {});
        QVERIFY(second.ok());

        const std::string prompt = source.prompt_text(1);
        // The finished answer is replayed with <|end|>, its reasoning left out
        // (docs/gpt-oss.md §6.6).
        QVERIFY(
            prompt.find(
                "<|channel|>final<|message|>23 + 19 = 42<|end|><|start|>user<|message|>Minus 2?") !=
            std::string::npos);
        QVERIFY(prompt.find("carry 1") == std::string::npos);
        // Only the part after the system/developer/first-user prefix was new.
        QVERIFY(second->prefilled_tokens < static_cast<std::int64_t>(source.prompts()[1].size()));
        QVERIFY(second->prefilled_tokens > 0);
        QCOMPARE(f.visible(id).size(), size_t(5));
    }

    void stopKeepsThePartialAnswer() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output("<|channel|>final<|message|>one two three four five six seven<|return|>");
        std::atomic<bool> cancel{false};
        source.cancel_after(6, &cancel);
        ChatSession session(*f.store, source, *f.tokenizer, {});
        const std::string id = f.new_conversation();
        auto summary = session.run_turn({TurnRequest::Kind::send, id, "Count", {}}, {}, &cancel);
        QVERIFY(summary.ok());
        QCOMPARE(summary->state, MessageState::stopped);
        const auto path = f.visible(id);
        QCOMPARE(path.size(), size_t(2));
        QCOMPARE(path[1].state, MessageState::stopped);
        QVERIFY(!path[1].text.empty());
        QVERIFY(std::string("one two three four five six seven").rfind(path[1].text, 0) == 0);
        QVERIFY(path[1].text.size() < std::string("one two three four five six seven").size());
    }

    void regenerateAndEditMakeSiblings() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output("<|channel|>final<|message|>first<|return|>");
        source.add_output("<|channel|>final<|message|>second<|return|>");
        source.add_output("<|channel|>final<|message|>third<|return|>");
        ChatSession session(*f.store, source, *f.tokenizer, {});
        const std::string id = f.new_conversation();
        auto first = session.run_turn({TurnRequest::Kind::send, id, "Hi", {}}, {});
        QVERIFY(first.ok());
        const MessageId answer = first->messages.back();
        auto regenerated = session.run_turn({TurnRequest::Kind::regenerate, id, "", answer}, {});
        QVERIFY(regenerated.ok());
        QCOMPARE(regenerated->user_message, first->user_message);

        auto record = f.store->load_conversation(id).value();
        ConversationTree tree(record.messages);
        auto siblings = tree.siblings(regenerated->messages.back()).value();
        QCOMPARE(siblings.ids.size(), size_t(2));
        QCOMPARE(siblings.index, size_t(1));
        QCOMPARE(f.visible(id).back().text, std::string("second"));
        // The regenerated prompt is the same conversation without the old answer.
        QCOMPARE(source.prompt_text(1), source.prompt_text(0));

        auto edited =
            session.run_turn({TurnRequest::Kind::edit, id, "Hello", first->user_message}, {});
        QVERIFY(edited.ok());
        const auto path = f.visible(id);
        QCOMPARE(path.size(), size_t(2));
        QCOMPARE(path[0].text, std::string("Hello"));
        QCOMPARE(path[1].text, std::string("third"));
        record = f.store->load_conversation(id).value();
        QCOMPARE(ConversationTree(record.messages).siblings(path[0].id)->ids.size(), size_t(2));
    }

    void toolCallWithoutToolsIsAnsweredWithAnError() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(
            "<|channel|>analysis<|message|>Use the "
            "calculator.<|end|><|start|>assistant<|channel|>commentary "
            "to=functions.calculator "
            "<|constrain|>json<|message|>{\"expression\":\"123*456\"}<|call|>");
        source.add_output("<|channel|>final<|message|>56088<|return|>");
        ChatSession session(*f.store, source, *f.tokenizer, {});
        const std::string id = f.new_conversation();
        auto summary = session.run_turn({TurnRequest::Kind::send, id, "123*456?", {}}, {});
        QVERIFY2(summary.ok(), summary.status().to_string().c_str());
        QCOMPARE(summary->state, MessageState::complete);
        const auto path = f.visible(id);
        QCOMPARE(path.size(), size_t(5));  // user, analysis, call, tool result, final
        QCOMPARE(path[2].recipient, std::string("functions.calculator"));
        QCOMPARE(path[3].role, MessageRole::tool);
        QCOMPARE(path[3].author_name, std::string("functions.calculator"));
        QVERIFY(path[3].text.find("Error: no tools") == 0);
        // The second prompt shows the call and its (error) result to the model.
        const std::string prompt = source.prompt_text(1);
        QVERIFY(
            prompt.find(
                "<|start|>assistant to=functions.calculator<|channel|>commentary <|constrain|>json"
                "<|message|>{\"expression\":\"123*456\"}<|call|>") != std::string::npos);
        QVERIFY(prompt.find("<|start|>functions.calculator "
                            "to=assistant<|channel|>commentary<|message|>Error:") !=
                std::string::npos);
        auto record = f.store->load_conversation(id).value();
        QCOMPARE(record.tool_calls.size(), size_t(1));
        QCOMPARE(record.tool_calls[0].approval, ToolApproval::denied);
        QVERIFY(record.tool_calls[0].error.has_value());
    }

    void malformedOutputIsKeptAndMarked() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output("garbage without a header<|end|>");
        ChatSession session(*f.store, source, *f.tokenizer, {});
        const std::string id = f.new_conversation();
        std::vector<TurnEvent> events;
        auto summary = session.run_turn({TurnRequest::Kind::send, id, "Hi", {}},
                                        [&](const TurnEvent& e) { events.push_back(e); });
        QVERIFY(summary.ok());
        auto record = f.store->load_conversation(id).value();
        bool kept = false;
        for (const Message& m : record.messages)
            if (m.state == MessageState::error && m.text.find("garbage") != std::string::npos)
                kept = true;
        QVERIFY(kept);
        bool reported = false;
        for (const auto& e : events)
            reported |= e.kind == TurnEvent::Kind::error;
        QVERIFY(reported);
    }

    void fullContextIsAClearError() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer, 120);
        ChatSession session(*f.store, source, *f.tokenizer, {});
        const std::string id = f.new_conversation();
        auto summary =
            session.run_turn({TurnRequest::Kind::send, id, std::string(2000, 'x'), {}}, {});
        QVERIFY(summary.ok());
        QCOMPARE(summary->state, MessageState::error);
        QVERIFY(summary->detail.find("context window") != std::string::npos);
        QCOMPARE(source.prompts().size(), size_t(0));  // nothing was sent to the model
    }

    void dropOldestPolicyLeavesOutOldTurns() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer, 400);
        for (int i = 0; i < 6; ++i)
            source.add_output("<|channel|>final<|message|>ok<|return|>");
        ChatSession session(*f.store, source, *f.tokenizer, {});
        ConversationSettings settings;
        settings.context_policy = ContextPolicy::drop_oldest;
        const std::string id = f.store->create_conversation("t", settings).value().id;
        std::string long_text;
        for (int i = 0; i < 40; ++i)
            long_text += "word ";
        std::int64_t dropped = 0;
        for (int turn = 0; turn < 6; ++turn) {
            auto summary = session.run_turn(
                {TurnRequest::Kind::send, id, long_text + std::to_string(turn), {}}, {});
            QVERIFY(summary.ok());
            QCOMPARE(summary->state, MessageState::complete);
            dropped = std::max(dropped, summary->dropped_messages);
        }
        QVERIFY(dropped > 0);
        // Every prompt fit, and the newest message is always in it.
        for (size_t i = 0; i < source.prompts().size(); ++i) {
            QVERIFY(source.prompts()[i].size() + 100 <= 400);
            QVERIFY(source.prompt_text(i).find("word " + std::to_string(i)) != std::string::npos);
        }
    }

    void titleFromMessage() {
        QCOMPARE(title_from_message("  Hello there\nsecond line"), std::string("Hello there"));
        const std::string long_title =
            title_from_message(std::string(50, 'a') + " " + std::string(30, 'b'));
        QCOMPARE(long_title, std::string(50, 'a') + "…");
        const std::string korean =
            title_from_message(std::string(30, 'x') + "안녕하세요안녕하세요안녕하세요");
        QVERIFY(korean.size() <= 64 + 3);
        QVERIFY(QString::fromUtf8(korean.c_str()).toUtf8().toStdString() == korean);
    }
};

QTEST_GUILESS_MAIN(TestChatSession)
#include "test_chat_session.moc"
