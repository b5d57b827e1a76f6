// Issue 17, defect 5: a model folder is checked for everything a chat needs before anything is
// created. The shipped demo model (resources/demo-model, its own 1053-token vocabulary) is copied
// and damaged: without its tokenizer.json, Ponder's o200k vocabulary does not fit it (ids up to
// 201087); a tokenizer.json missing a harmony token, or with ids past the embedding, does not
// either. `model-info` must refuse such a folder, and `chat` must refuse it before it creates a
// conversation: no empty "(untitled)" conversation is left in the history.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "tests/support/cli_process.h"

using Json = nlohmann::json;
using cli_test::Run;
using cli_test::run_cli;

namespace {

QString demo_model() {
    return QString(PONDER_SOURCE_DIR) + "/resources/demo-model";
}

// A copy of the demo model in `dir`/`name`.
QString copy_demo(const QTemporaryDir& dir, const QString& name) {
    const QString to = dir.filePath(name);
    QDir().mkpath(to);
    for (const QString& file : QDir(demo_model()).entryList(QDir::Files))
        QFile::copy(demo_model() + "/" + file, to + "/" + file);
    return to;
}

// Rewrites the tokenizer.json of `folder` through `edit`.
void edit_tokenizer(const QString& folder, const std::function<void(Json&)>& edit) {
    QFile file(folder + "/tokenizer.json");
    QVERIFY(file.open(QIODevice::ReadOnly));
    Json json = Json::parse(file.readAll().toStdString());
    file.close();
    edit(json);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray::fromStdString(json.dump()));
}

// The conversations `history list` shows.
int conversations_in(const QString& db) {
    Run list = run_cli({"history", "list", "--db", db});
    return static_cast<int>(list.out.split('\n', Qt::SkipEmptyParts).size());
}

}  // namespace

class TestCliModelCheck : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    // model-info and chat both refuse `folder` with a message containing every one of `words`,
    // and chat leaves the history without a conversation.
    void refused(const QString& folder, const QStringList& words) {
        Run info = run_cli({"model-info", "--model", folder});
        QCOMPARE(info.exit_code, 1);
        const QString db = folder + ".sqlite3";
        Run chat = run_cli({"chat", "--model", folder, "--db", db, "--new", "--prompt",
                            "What is 23 + 19?", "--max-tokens", "8"});
        QCOMPARE(chat.exit_code, 1);
        for (const QString& word : words) {
            QVERIFY2(info.err.contains(word), qPrintable(word + " | " + info.err));
            QVERIFY2(chat.err.contains(word), qPrintable(word + " | " + chat.err));
        }
        QVERIFY2(!chat.err.contains("outside the vocabulary"), qPrintable(chat.err));
        QCOMPARE(conversations_in(db), 0);
    }

  private slots:
    void theIntactDemoModelIsReady() {
        Run info = run_cli({"model-info", "--model", demo_model()});
        QVERIFY2(info.exit_code == 0, qPrintable(info.err));
        QVERIFY2(info.out.contains("chat         ready (tokenizer "), qPrintable(info.out));
        QVERIFY(info.out.contains("ids below 1053"));
    }

    void withoutItsTokenizer() {
        const QString folder = copy_demo(dir_, "no-tokenizer");
        QVERIFY(QFile::remove(folder + "/tokenizer.json"));
        refused(folder, {"has no tokenizer.json", "1053 token ids", "ids up to 201087"});
    }

    void aTokenizerWithoutAHarmonyToken() {
        const QString folder = copy_demo(dir_, "no-call-token");
        edit_tokenizer(folder, [](Json& json) {
            Json kept = Json::array();
            for (const Json& token : json["added_tokens"])
                if (token["content"] != "<|call|>") kept.push_back(token);
            json["added_tokens"] = kept;
        });
        refused(folder, {"has no <|call|> token"});
    }

    void aTokenizerPastTheEmbedding() {
        const QString folder = copy_demo(dir_, "past-the-embedding");
        edit_tokenizer(folder, [](Json& json) {
            json["added_tokens"].push_back({{"id", 5000},
                                            {"content", "<|extra|>"},
                                            {"single_word", false},
                                            {"lstrip", false},
                                            {"rstrip", false},
                                            {"normalized", false},
                                            {"special", true}});
        });
        refused(folder, {"ids up to 5000", "1053 token ids"});
    }

    // A new conversation that no turn used is not kept: quitting the interactive chat at once
    // (stdin at its end) leaves nothing behind either.
    void anUnusedNewConversationIsNotKept() {
        const QString db = dir_.filePath("unused.sqlite3");
        Run chat = run_cli({"chat", "--model", demo_model(), "--db", db, "--new"});
        QVERIFY2(chat.exit_code == 0, qPrintable(chat.err));
        QVERIFY(chat.err.contains("conversation "));
        QCOMPARE(conversations_in(db), 0);
        Run used = run_cli({"chat", "--model", demo_model(), "--db", db, "--new", "--prompt",
                            "What is 23 + 19?", "--max-tokens", "8"});
        QVERIFY2(used.exit_code == 0, qPrintable(used.err));
        QCOMPARE(conversations_in(db), 1);
    }
};

QTEST_GUILESS_MAIN(TestCliModelCheck)
#include "test_cli_model_check.moc"
