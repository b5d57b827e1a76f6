// A turn whose tokenizer does not fit the model stores nothing (issue 17, defect 5), and a
// conversation that no turn used can be discarded without touching one that has messages. The
// real engine runs the shipped demo model (resources/demo-model, 1053 token ids); the shipped
// o200k vocabulary (ids up to 201087) is the tokenizer that does not fit it.
#include <QTemporaryDir>
#include <QtTest>

#include "app/core/chat/chat_session.h"
#include "engine/model.h"
#include "engine/tokenizer/o200k_harmony.h"

using namespace ponder;
using namespace ponder::core;

namespace {

std::string demo_model() {
    return std::string(PONDER_SOURCE_DIR) + "/resources/demo-model";
}

}  // namespace

class TestChatModelFit : public QObject {
    Q_OBJECT
  private slots:
    void aTokenizerThatDoesNotFitStoresNothing() {
        QTemporaryDir dir;
        auto store = HistoryStore::open(dir.filePath("history.sqlite3").toStdString());
        QVERIFY(store.ok());
        ModelOptions options;
        options.backend = BackendPreference::cpu;
        options.threads = 1;
        auto model = Model::load(demo_model(), options);
        QVERIFY2(model.ok(), model.status().message().c_str());
        auto source = EngineTokenSource::create(**model, 512);
        QVERIFY(source.ok());
        QCOMPARE((*source)->vocabulary_size(), std::optional<std::int64_t>(1053));

        auto wrong = load_o200k_harmony();
        QVERIFY(wrong.ok());
        const std::string id = (*store)->create_conversation("").value().id;
        ChatSession session(**store, **source, *wrong, {});
        int events = 0;
        auto turn = session.run_turn({TurnRequest::Kind::send, id, "What is 23 + 19?", {}},
                                     [&](const TurnEvent&) { ++events; });
        QVERIFY(!turn.ok());
        QCOMPARE(turn.status().code(), StatusCode::bad_model);
        QVERIFY2(turn.status().message().find("1053 token ids") != std::string::npos,
                 turn.status().message().c_str());
        QCOMPARE(events, 0);
        QVERIFY((*store)->load_conversation(id)->messages.empty());
        QCOMPARE(*(*store)->count_messages(), 0LL);

        // The conversation made for it goes; the right tokenizer then chats.
        QCOMPARE(*(*store)->discard_if_empty(id), true);
        QVERIFY(!(*store)->conversation(id).ok());
        auto right = load_model_tokenizer(demo_model());
        QVERIFY(right.ok());
        ChatSession working(**store, **source, *right, {});
        ConversationSettings short_answers;
        short_answers.sampling.max_output_tokens = 16;
        const std::string other = (*store)->create_conversation("", short_answers).value().id;
        auto answered =
            working.run_turn({TurnRequest::Kind::send, other, "What is 23 + 19?", {}}, nullptr);
        QVERIFY2(answered.ok(), answered.status().message().c_str());
        QVERIFY(!(*store)->load_conversation(other)->messages.empty());
        QCOMPARE(*(*store)->discard_if_empty(other), false);  // it has messages: kept
        QVERIFY((*store)->conversation(other).ok());
        QVERIFY(!(*store)->discard_if_empty("no-such-conversation").ok());
    }
};

QTEST_GUILESS_MAIN(TestChatModelFit)
#include "test_chat_model_fit.moc"
