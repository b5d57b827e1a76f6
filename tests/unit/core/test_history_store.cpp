// HistoryStore operations: conversations (list order, paging, trash), settings, the message
// tree and branch selection, tool calls, text repair, and streamed answers with checkpoints.
#include <thread>

#include "app/core/storage/conversation_tree.h"
#include "app/core/storage/utf8.h"
#include "history_test_support.h"

using namespace history_test;
using namespace std::chrono_literals;

namespace {

NewMessage generating(std::optional<MessageId> parent, std::string channel = "final") {
    NewMessage m = new_message(MessageRole::assistant, "", parent, std::move(channel));
    m.state = MessageState::generating;
    m.effort = ReasoningEffort::low;
    return m;
}

std::vector<std::string> titles(const std::vector<Conversation>& list) {
    std::vector<std::string> out;
    for (const Conversation& c : list)
        out.push_back(c.title);
    return out;
}

}  // namespace

class TestHistoryStore : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    int next_ = 0;
    // A fresh database per test.
    std::filesystem::path fresh() {
        return path_in(dir_, ("store" + std::to_string(next_++) + ".sqlite3").c_str());
    }

  private slots:
    void createReadRenamePin() {
        auto store = open_store(fresh());
        QVERIFY(store);
        ConversationSettings settings;
        settings.model = "gpt-oss-120b";
        settings.effort = ReasoningEffort::low;
        auto created = store->create_conversation("First", settings);
        QVERIFY(created.ok());
        QCOMPARE(created->id.size(), size_t(36));
        QCOMPARE(created->id[14], '4');  // UUID version 4
        auto read = store->conversation(created->id);
        QVERIFY(read.ok());
        QVERIFY(*read == *created);
        REQUIRE_OK(store->rename_conversation(created->id, "Renamed"));
        REQUIRE_OK(store->set_pinned(created->id, true));
        read = store->conversation(created->id);
        QCOMPARE(read->title, std::string("Renamed"));
        QVERIFY(read->pinned);
        QCOMPARE(read->settings.model, std::string("gpt-oss-120b"));
        auto unknown = store->rename_conversation("no-such-id", "x");
        QCOMPARE(unknown.code(), StatusCode::invalid_argument);
        QVERIFY(unknown.message().find("no-such-id") != std::string::npos);
        QVERIFY(!store->conversation("no-such-id").ok());
    }

    void listsPinnedFirstThenNewestWithPaging() {
        auto store = open_store(fresh());
        QVERIFY(store);
        std::vector<std::string> ids;
        for (int i = 0; i < 5; ++i) {
            auto c = store->create_conversation("c" + std::to_string(i));
            ids.push_back(c->id);
            NewMessage m = new_message(MessageRole::user, "hi");
            m.created_at = 1'800'000'000'000 + i * 1000;  // c4 is the most recently updated
            QVERIFY(store->append_message(c->id, m).ok());
        }
        REQUIRE_OK(store->set_pinned(ids[1], true));
        auto all = store->list_conversations();
        QVERIFY(all.ok());
        QCOMPARE(titles(*all), (std::vector<std::string>{"c1", "c4", "c3", "c2", "c0"}));
        auto page = store->list_conversations({2, 2, false});
        QCOMPARE(titles(*page), (std::vector<std::string>{"c3", "c2"}));
        QCOMPARE(*store->count_conversations(), 5LL);
        // A new message moves a conversation to the top of the unpinned ones.
        NewMessage late = new_message(MessageRole::user, "again");
        late.created_at = 1'900'000'000'000;
        QVERIFY(store->append_message(ids[0], late).ok());
        QCOMPARE(titles(*store->list_conversations({2, 0, false})),
                 (std::vector<std::string>{"c1", "c0"}));
        QVERIFY(!store->list_conversations({-1, 0, false}).ok());
    }

    void deleteIsUndoableAndPurgeIsFinal() {
        auto store = open_store(fresh());
        QVERIFY(store);
        Sample s = sample_conversation(*store);
        auto other = store->create_conversation("Other");
        REQUIRE_OK(store->delete_conversation(s.id));
        QCOMPARE(titles(*store->list_conversations()), (std::vector<std::string>{"Other"}));
        auto trash = store->list_conversations({50, 0, true});
        QCOMPARE(titles(*trash), (std::vector<std::string>{"Oslo weather"}));
        QVERIFY((*trash)[0].deleted_at.has_value());
        // In the trash: readable (for a preview), not writable.
        QVERIFY(store->load_conversation(s.id).ok());
        auto refused = store->append_message(s.id, new_message(MessageRole::user, "x"));
        QVERIFY(!refused.ok());
        QVERIFY(refused.status().message().find("trash") != std::string::npos);

        REQUIRE_OK(store->restore_conversation(s.id));
        QCOMPARE(store->list_conversations()->size(), size_t(2));
        QCOMPARE(store->load_conversation(s.id)->messages.size(), size_t(6));

        REQUIRE_OK(store->delete_conversation(s.id));
        REQUIRE_OK(store->delete_conversation(other->id));
        auto purged = store->purge_trash(now_ms());
        QVERIFY(purged.ok());
        QCOMPARE(*purged, 2LL);
        QVERIFY(!store->conversation(s.id).ok());
        QCOMPARE(*store->count_messages(), 0LL);
        QVERIFY(!store->restore_conversation(s.id).ok());
        QVERIFY(!store->purge_conversation(s.id).ok());
    }

    void settingsAreValidatedAndStored() {
        auto store = open_store(fresh());
        QVERIFY(store);
        auto c = store->create_conversation("Settings");
        ConversationSettings settings;
        settings.effort = ReasoningEffort::high;
        settings.developer_instructions = "Be terse.";
        settings.sampling.temperature = 0.2;
        settings.sampling.top_p = 0.9;
        settings.sampling.min_p = 0.05;
        settings.sampling.seed = -7;
        settings.context_policy = ContextPolicy::drop_oldest;
        settings.enabled_tools = {"python", "browser"};
        REQUIRE_OK(store->update_settings(c->id, settings));
        QVERIFY(store->conversation(c->id)->settings == settings);

        ConversationSettings bad = settings;
        bad.sampling.top_p = 0;
        Status status = store->update_settings(c->id, bad);
        QVERIFY(!status.ok());
        QVERIFY2(status.message().find("sampling.top_p") != std::string::npos,
                 status.message().c_str());
        bad = settings;
        bad.sampling.temperature = std::nan("");
        QVERIFY(!store->update_settings(c->id, bad).ok());
        bad = settings;
        bad.enabled_tools = {"python", "python"};
        QVERIFY(!store->update_settings(c->id, bad).ok());
        QVERIFY(!store->create_conversation("x", bad).ok());
        QVERIFY(store->conversation(c->id)->settings == settings);  // unchanged by the failures
    }

    void branchesAreSiblingsAndTheChoiceIsRemembered() {
        const auto file = fresh();
        auto store = open_store(file);
        QVERIFY(store);
        Sample s = sample_conversation(*store);
        auto record = store->load_conversation(s.id);
        QVERIFY(record.ok());
        QCOMPARE(record->messages.size(), size_t(6));
        // sample_conversation selected the first answer's branch at the end.
        QCOMPARE(record->conversation.active_leaf, std::optional<MessageId>(s.answer));
        ConversationTree tree(record->messages);
        QCOMPARE(tree.active_path(record->conversation.active_leaf),
                 (std::vector<MessageId>{s.question, s.reasoning, s.call, s.result, s.answer}));
        auto siblings = tree.siblings(s.regenerated);
        QVERIFY(siblings.has_value());
        QCOMPARE(siblings->ids, (std::vector<MessageId>{s.reasoning, s.regenerated}));
        QCOMPARE(siblings->index, size_t(1));
        QCOMPARE(tree.siblings(s.question)->ids, (std::vector<MessageId>{s.question}));
        QVERIFY(!tree.siblings(999999).has_value());

        // Switch to the regenerated answer; the choice survives reopening.
        auto leaf = store->select_branch(s.id, s.regenerated);
        QCOMPARE(*leaf, s.regenerated);
        store.reset();
        store = open_store(file);
        record = store->load_conversation(s.id);
        QCOMPARE(record->conversation.active_leaf, std::optional<MessageId>(s.regenerated));
        QCOMPARE(ConversationTree(record->messages).active_path(record->conversation.active_leaf),
                 (std::vector<MessageId>{s.question, s.regenerated}));
        // Selecting an inner message lands on the newest leaf below it.
        QCOMPARE(*store->select_branch(s.id, s.question), s.regenerated);
        QCOMPARE(*store->select_branch(s.id, s.reasoning), s.answer);

        // Edit: a second first message is a sibling of the first (a new root).
        auto edited = store->append_message(s.id, new_message(MessageRole::user, "How cold?"));
        QVERIFY(edited.ok());
        record = store->load_conversation(s.id);
        tree = ConversationTree(record->messages);
        QCOMPARE(tree.siblings(edited->id)->ids, (std::vector<MessageId>{s.question, edited->id}));
        QCOMPARE(tree.active_path(record->conversation.active_leaf),
                 (std::vector<MessageId>{edited->id}));
        // Nothing was overwritten.
        QCOMPARE(record->messages.size(), size_t(7));
    }

    void parentMustBeInTheSameConversation() {
        auto store = open_store(fresh());
        QVERIFY(store);
        Sample s = sample_conversation(*store);
        auto other = store->create_conversation("Other");
        auto wrong =
            store->append_message(other->id, new_message(MessageRole::user, "x", s.question));
        QVERIFY(!wrong.ok());
        QVERIFY(wrong.status().message().find("another conversation") != std::string::npos);
        QVERIFY(
            !store->append_message(other->id, new_message(MessageRole::user, "x", 424242)).ok());
        QVERIFY(!store->select_branch(other->id, s.question).ok());
        // A streamed message needs the streaming API, and vice versa.
        QVERIFY(!store->append_message(other->id, generating(std::nullopt)).ok());
        QVERIFY(!store->start_stream(other->id, new_message(MessageRole::user, "x")).ok());
    }

    void toolCallsRecordApprovalResultAndTiming() {
        auto store = open_store(fresh());
        QVERIFY(store);
        Sample s = sample_conversation(*store);
        auto record = store->load_conversation(s.id);
        QCOMPARE(record->tool_calls.size(), size_t(1));
        const ToolCall& call = record->tool_calls[0];
        QCOMPARE(call.message_id, s.call);
        QCOMPARE(call.tool_name, std::string("functions.get_temp"));
        QCOMPARE(call.arguments, std::string(R"({"city":"Oslo"})"));
        QCOMPARE(call.approval, ToolApproval::approved_once);
        QCOMPARE(call.result, std::optional<std::string>(R"({"temp":12,"unit":"c"})"));
        QVERIFY(call.started_at && call.finished_at && call.duration_ms);
        QCOMPARE(*call.duration_ms, *call.finished_at - *call.started_at);
        QVERIFY(!call.error);

        auto denied = store->add_tool_call(s.call, "python", "import os");
        REQUIRE_OK(store->set_tool_approval(denied->id, ToolApproval::denied));
        REQUIRE_OK(
            store->finish_tool_call(denied->id, std::nullopt, std::string("denied by user")));
        auto read = store->tool_call(denied->id);
        QCOMPARE(read->approval, ToolApproval::denied);
        QCOMPARE(read->error, std::optional<std::string>("denied by user"));
        QVERIFY(!read->duration_ms);  // it never started
        QVERIFY(!store->add_tool_call(999999, "python", "").ok());
        QVERIFY(!store->add_tool_call(s.call, "", "").ok());
        QVERIFY(!store->set_tool_approval(999999, ToolApproval::denied).ok());
    }

    void invalidUtf8IsRepairedLongTextIsKept() {
        auto store = open_store(fresh());
        QVERIFY(store);
        auto c = store->create_conversation("bad \xFF title");
        QCOMPARE(c->title, std::string("bad \xEF\xBF\xBD title"));
        // A stray continuation byte, an overlong '/', a surrogate, a cut-off 3-byte character.
        auto m = store->append_message(c->id, new_message(MessageRole::user,
                                                          "a\x80"
                                                          "b\xC0\xAF"
                                                          "c\xED\xA0\x80"
                                                          "d\xE2\x82"));
        QVERIFY(m.ok());
        const std::string expected =
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c\xEF\xBF\xBD"
            "\xEF\xBF\xBD\xEF\xBF\xBD"
            "d\xEF\xBF\xBD";
        QCOMPARE(store->message(m->id)->text, expected);
        QVERIFY(is_valid_utf8(expected));
        // Valid text, NUL bytes and emoji included, is kept byte for byte.
        const std::string valid = std::string("zero\0byte ", 10) + "é 日本 🦀";
        auto kept = store->append_message(c->id, new_message(MessageRole::user, valid));
        QCOMPARE(store->message(kept->id)->text, valid);
        // 8 MB of text.
        std::string big;
        while (big.size() < 8'000'000)
            big += "A long line of generated text, 0123456789. ";
        auto large = store->append_message(c->id, new_message(MessageRole::assistant, big));
        QVERIFY(large.ok());
        QCOMPARE(store->message(large->id)->text.size(), big.size());
        QVERIFY(store->message(large->id)->text == big);
    }

    void streamedTextIsCheckpointed() {
        auto store = open_store(fresh());
        QVERIFY(store);
        auto c = store->create_conversation("Stream");
        auto q = store->append_message(c->id, new_message(MessageRole::user, "Count"));
        // Interval 0: every delta is committed.
        auto stream = store->start_stream(c->id, generating(q->id), StreamOptions{0ms});
        QVERIFY(stream.ok());
        for (const char* delta : {"one", " two", " three"})
            REQUIRE_OK(stream->append(delta));
        QCOMPARE(stream->commits(), 3LL);
        QCOMPARE(store->message(stream->id())->text, std::string("one two three"));
        QCOMPARE(store->message(stream->id())->state, MessageState::generating);
        QCOMPARE(store->load_conversation(c->id)->conversation.active_leaf,
                 std::optional<MessageId>(stream->id()));

        MessageMetrics metrics;
        metrics.completion_tokens = 3;
        metrics.tokens_per_second = 50.0;
        REQUIRE_OK(stream->finish(MessageState::complete, metrics));
        auto done = store->message(stream->id());
        QCOMPARE(done->state, MessageState::complete);
        QCOMPARE(done->metrics.completion_tokens, std::optional<std::int64_t>(3));
        QCOMPARE(done->effort, std::optional<ReasoningEffort>(ReasoningEffort::low));
        QVERIFY(!stream->append("more").ok());
        QVERIFY(!stream->finish(MessageState::complete).ok());

        // A time-based interval: nothing is written until it has passed.
        auto timed = store->start_stream(c->id, generating(q->id), StreamOptions{50ms});
        REQUIRE_OK(timed->append("a"));
        QCOMPARE(timed->commits(), 0LL);
        QCOMPARE(store->message(timed->id())->text, std::string());
        std::this_thread::sleep_for(60ms);
        REQUIRE_OK(timed->append("b"));
        QCOMPARE(timed->commits(), 1LL);
        QCOMPARE(store->message(timed->id())->text, std::string("ab"));
        REQUIRE_OK(timed->finish(MessageState::stopped, {}, "stopped by the user"));
        QCOMPARE(store->message(timed->id())->state_detail, std::string("stopped by the user"));
    }

    void streamHoldsBackASplitCharacter() {
        auto store = open_store(fresh());
        QVERIFY(store);
        auto c = store->create_conversation("UTF-8");
        auto stream = store->start_stream(c->id, generating(std::nullopt), StreamOptions{0ms});
        REQUIRE_OK(stream->append("caf\xC3"));  // "é" is C3 A9; a byte-level token may split it
        QCOMPARE(store->message(stream->id())->text, std::string("caf"));
        REQUIRE_OK(stream->append("\xA9 \xF0\x9F"));
        QCOMPARE(stream->text(), std::string("caf\xC3\xA9 "));
        REQUIRE_OK(stream->append("\xA6\x80!"));  // completes U+1F980
        QCOMPARE(stream->text(), std::string("caf\xC3\xA9 \xF0\x9F\xA6\x80!"));
        REQUIRE_OK(stream->append("\xFF ok \xE2\x82"));  // invalid byte; unfinished character
        REQUIRE_OK(stream->finish(MessageState::complete));
        QCOMPARE(store->message(stream->id())->text,
                 std::string("caf\xC3\xA9 \xF0\x9F\xA6\x80!\xEF\xBF\xBD ok \xEF\xBF\xBD"));
    }

    void crashLeavesTheLastCheckpointAndOpenMarksItInterrupted() {
        const auto file = fresh();
        auto store = open_store(file);
        QVERIFY(store);
        auto c = store->create_conversation("Crash");
        auto q = store->append_message(c->id, new_message(MessageRole::user, "Tell me a story"));
        // An interval long enough that only explicit checkpoints write.
        auto stream = store->start_stream(c->id, generating(q->id), StreamOptions{1h});
        REQUIRE_OK(stream->append("Once upon"));
        REQUIRE_OK(stream->append(" a time"));
        REQUIRE_OK(stream->checkpoint());
        REQUIRE_OK(stream->append(", lost in the crash"));
        auto call = store->add_tool_call(stream->id(), "python", "print(1)");
        REQUIRE_OK(store->start_tool_call(call->id));

        // The "crash": finish() is never called. What another process sees is what is on disk.
        {
            auto observer = open_store(file, OpenOptions{false});
            QVERIFY(observer);
            auto seen = observer->message(stream->id());
            QCOMPARE(seen->text, std::string("Once upon a time"));
            QCOMPARE(seen->state, MessageState::generating);
        }
        // The next start of the app marks it interrupted, keeping the text.
        {
            auto restarted = open_store(file);
            QVERIFY(restarted);
            auto seen = restarted->message(stream->id());
            QCOMPARE(seen->text, std::string("Once upon a time"));
            QCOMPARE(seen->state, MessageState::stopped);
            QCOMPARE(seen->state_detail, std::string("interrupted"));
            auto tool = restarted->tool_call(call->id);
            QCOMPARE(tool->error, std::optional<std::string>("interrupted"));
            QVERIFY(tool->finished_at.has_value());
            // And now it is searchable like any finished answer.
            SearchOptions query;
            query.text = "upon";
            QCOMPARE(restarted->search(query)->size(), size_t(1));
            QCOMPARE(*restarted->recover_interrupted(), 0LL);
        }
    }

    void transactionsAreAllOrNothing() {
        auto store = open_store(fresh());
        QVERIFY(store);
        Status failed = store->transaction([&]() -> Status {
            auto c = store->create_conversation("inside");
            if (!c) return c.status();
            auto m = store->append_message(c->id, new_message(MessageRole::user, "x"));
            if (!m) return m.status();
            return Status(StatusCode::cancelled, "changed my mind");
        });
        QCOMPARE(failed.code(), StatusCode::cancelled);
        QCOMPARE(*store->count_conversations(), 0LL);
        QCOMPARE(*store->count_messages(), 0LL);
        REQUIRE_OK(store->transaction(
            [&]() -> Status { return store->create_conversation("kept").status(); }));
        QCOMPARE(*store->count_conversations(), 1LL);
    }

    void twoConnectionsShareTheFile() {
        // One store per thread: here two in one thread, as the GUI's worker and UI thread would.
        const auto file = fresh();
        auto writer = open_store(file);
        auto reader = open_store(file, OpenOptions{false});
        QVERIFY(writer && reader);
        auto c = writer->create_conversation("Shared");
        auto stream = writer->start_stream(c->id, generating(std::nullopt), StreamOptions{0ms});
        REQUIRE_OK(stream->append("visible"));
        QCOMPARE(reader->message(stream->id())->text, std::string("visible"));
        auto record = reader->load_conversation(c->id);
        QVERIFY(record.ok());
        REQUIRE_OK(stream->finish(MessageState::complete));
    }
};

QTEST_APPLESS_MAIN(TestHistoryStore)
#include "test_history_store.moc"
