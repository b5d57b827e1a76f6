// End to end: the real `ponder` binary with a real model folder and a fresh history file sends a
// message through its window, waits for the answer, saves a screenshot and quits; then the rows
// in SQLite are checked, the answer of the shipped demo model included.
#include <QImage>
#include <QtTest>

#include "app/core/storage/conversation_tree.h"
#include "app/core/storage/history_store.h"

using namespace ponder::core;

namespace {

QString binary(const char* name) {
    return QString(PONDER_BINARY_DIR) + "/" + name;
}

// The trained demo model, part of the tree (tools/demo-model/README.md).
QString demoModel() {
    return QString(PONDER_SOURCE_DIR) + "/resources/demo-model";
}

}  // namespace

class TestEndToEnd : public QObject {
    Q_OBJECT
  private slots:
    void sendAMessageThroughTheWindow() {
        QTemporaryDir dir;
        const QString model = demoModel();
        QVERIFY2(QFileInfo::exists(model + "/model.safetensors"), qPrintable(model));
        // A small context bounds how long a model that never says <|return|> can talk.
        QDir().mkpath(dir.filePath("config/Ponder"));
        QFile config(dir.filePath("config/Ponder/Ponder.conf"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("[model]\ncontextLength=600\n");
        config.close();

        const QString db = dir.filePath("history.sqlite3");
        const QString png = dir.filePath("window.png");
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_CONFIG_HOME", dir.filePath("config"));
        env.insert("XDG_DATA_HOME", dir.filePath("data"));
        app.setProcessEnvironment(env);
        app.start(binary("ponder"), {"--db", db, "--model", model, "--send", "What is 23 + 19?",
                                     "--screenshot", png});
        QVERIFY(app.waitForFinished(280000));
        QVERIFY2(app.exitCode() == 0, app.readAllStandardError().right(2000).constData());

        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 640);

        auto store = HistoryStore::open(db.toStdString());
        QVERIFY2(store.ok(), store.status().to_string().c_str());
        auto list = (*store)->list_conversations();
        QVERIFY(list.ok());
        QCOMPARE(list->size(), size_t(1));
        QCOMPARE(list->front().title, std::string("What is 23 + 19?"));
        auto record = (*store)->load_conversation(list->front().id).value();
        const auto path =
            ConversationTree(record.messages).active_path(record.conversation.active_leaf);
        QVERIFY(path.size() >= 2);
        std::string final_text, reasoning;
        for (const Message& m : record.messages) {
            QVERIFY2(m.state != MessageState::generating, "an answer was left unfinished");
            if (m.role == MessageRole::assistant) {
                QCOMPARE(m.effort, std::optional(ReasoningEffort::medium));
                if (m.channel == "final") final_text += m.text;
                if (m.channel == "analysis") reasoning += m.text;
            }
        }
        QCOMPARE(record.messages.front().role, MessageRole::user);
        QCOMPARE(record.messages.front().text, std::string("What is 23 + 19?"));
        // The new conversation took the demo model's recommended sampling (greedy), which is
        // what makes this answer the same on every run.
        QCOMPARE(record.conversation.settings.sampling.temperature, 0.0);
        QVERIFY2(final_text.find("42") != std::string::npos, final_text.c_str());
        QVERIFY2(!reasoning.empty(), "the reasoning was not stored apart from the answer");
    }
};

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "test_end_to_end.moc"
