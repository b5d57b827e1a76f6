// Grouping a stored branch into the rows people read: user rows, and answer rows that gather
// reasoning, tool calls with their results, and the final answer.
#include <QtTest>

#include "app/core/chat/chat_session.h"
#include "app/core/chat/transcript.h"
#include "app/core/storage/conversation_tree.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "tests/support/scripted_token_source.h"

using namespace ponder;
using namespace ponder::core;

class TestTranscript : public QObject {
    Q_OBJECT
  private slots:
    void groupsATurnIntoOneAnswerRow() {
        QTemporaryDir dir;
        auto store = HistoryStore::open(dir.filePath("h.sqlite3").toStdString()).value();
        auto tokenizer = load_o200k_harmony().value();
        test::ScriptedTokenSource source(tokenizer);
        source.add_output(
            "<|channel|>analysis<|message|>Need the "
            "calculator.<|end|><|start|>assistant<|channel|>commentary "
            "to=functions.calculator "
            "<|constrain|>json<|message|>{\"expression\":\"12*34\"}<|call|>");
        source.add_output(
            "<|channel|>analysis<|message|>It returned an error; 12*34 = 408.<|end|>"
            "<|start|>assistant<|channel|>final<|message|>**408**<|return|>");
        source.add_output("<|channel|>final<|message|>again<|return|>");
        ChatSession session(*store, source, tokenizer, {});
        ConversationSettings settings;
        settings.effort = ReasoningEffort::low;
        const std::string id = store->create_conversation("", settings)->id;
        auto first = session.run_turn({TurnRequest::Kind::send, id, "12*34?", {}}, {});
        QVERIFY(first.ok());
        auto second =
            session.run_turn({TurnRequest::Kind::regenerate, id, "", first->messages.back()}, {});
        QVERIFY(second.ok());

        auto record = store->load_conversation(id).value();
        ConversationTree tree(record.messages);
        // The visible branch is the regenerated one; the first answer is sibling 1 of 2.
        auto rows = build_transcript(record, tree.active_path(record.conversation.active_leaf));
        QCOMPARE(rows.size(), size_t(2));
        QCOMPARE(rows[1].text, std::string("again"));
        QCOMPARE(rows[1].sibling_index, size_t(1));
        QCOMPARE(rows[1].sibling_count, size_t(2));

        auto old_leaf = first->messages.back();
        rows = build_transcript(record, tree.path_to(old_leaf));
        QCOMPARE(rows.size(), size_t(2));
        const TranscriptRow& user = rows[0];
        QCOMPARE(user.kind, TranscriptRow::Kind::user);
        QCOMPARE(user.text, std::string("12*34?"));
        const TranscriptRow& answer = rows[1];
        QCOMPARE(answer.kind, TranscriptRow::Kind::answer);
        QCOMPARE(answer.sibling_index, size_t(0));
        QCOMPARE(answer.sibling_count, size_t(2));
        QCOMPARE(answer.reasoning,
                 std::string("Need the calculator.\n\nIt returned an error; 12*34 = 408."));
        QCOMPARE(answer.text, std::string("**408**"));
        QCOMPARE(answer.tool_calls.size(), size_t(1));
        QCOMPARE(answer.tool_calls[0].tool, std::string("functions.calculator"));
        QCOMPARE(answer.tool_calls[0].arguments, std::string("{\"expression\":\"12*34\"}"));
        QCOMPARE(answer.tool_calls[0].status, std::string("denied"));
        QVERIFY(answer.tool_calls[0].result.find("Error:") == 0);
        QCOMPARE(answer.effort, std::optional(ReasoningEffort::low));
        QVERIFY(answer.reasoning_tokens > 0);
        const std::string footer = answer_footer(answer);
        QVERIFY2(footer.find("low effort · ") == 0, footer.c_str());
        QVERIFY(footer.find(" tokens") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestTranscript)
#include "test_transcript.moc"
