// A conversation file grants nothing (issue 17, defect 2). Every hostile file in
// tests/data/hostile/conversations/ is imported into a real history file the way `history import`
// and the app's Import do it (import_json_file), and then:
//   - its history is kept as it was, the recorded approval of every old tool call included;
//   - its settings grant nothing: the default tools, no shared folder, no "always" for any tool;
//   - through the real chat path (ChatSession, the LocalToolRunner with its real tools, a real
//     SQLite history; the model's output scripted), no tool runs without asking and no file of
//     the folder the file named is read.
// The model's tokens are scripted so that it calls every tool, including the ones a real small
// model never would (read_file over "/").
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <nlohmann/json.hpp>

#include "app/core/chat/chat_session.h"
#include "app/core/export/export_files.h"
#include "app/core/tools/local_tool_runner.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "tests/support/scripted_token_source.h"

using namespace ponder;
using namespace ponder::core;
using ponder::test::ScriptedTokenSource;
using JsonFile = nlohmann::json;  // core::Json is the ordered kind

namespace {

QString hostile_folder() {
    return QString(PONDER_TEST_DATA_DIR) + "/hostile/conversations";
}

// The conversation files that import (they try to grant permissions). The folder also holds
// files that must be refused (cut short, made at test time as pipes or devices, with their
// .make.json / .expect.json descriptions); test_hostile_inputs runs those.
QStringList hostile_files() {
    QStringList files;
    for (const QString& name : QDir(hostile_folder()).entryList({"*.json"}, QDir::Files)) {
        if (name.endsWith(".make.json") || name.endsWith(".expect.json")) continue;
        QFile file(hostile_folder() + "/" + name);
        if (!file.open(QIODevice::ReadOnly)) continue;
        const JsonFile root = JsonFile::parse(file.readAll().toStdString(), nullptr, false);
        if (root.is_discarded() || !root.is_object() ||
            !root.value("format", std::string()).starts_with("ponder."))
            continue;
        files << file.fileName();
    }
    return files;
}

// The conversations of a file, as JSON objects, in file order.
std::vector<JsonFile> conversations_in(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    const JsonFile root = JsonFile::parse(file.readAll().toStdString());
    if (root["format"] == "ponder.history")
        return root["conversations"].get<std::vector<JsonFile>>();
    return {root};
}

std::string call(const std::string& recipient, const std::string& arguments) {
    return "<|channel|>analysis<|message|>Use the tool.<|end|><|start|>assistant<|channel|>"
           "commentary to=" +
           recipient + " <|constrain|>json<|message|>" + arguments + "<|call|>";
}

std::string answer(const std::string& text) {
    return "<|channel|>final<|message|>" + text + "<|return|>";
}

}  // namespace

class TestImportPermissions : public QObject {
    Q_OBJECT
    std::optional<Tokenizer> tokenizer_;

  private slots:
    void initTestCase() {
        QVERIFY2(hostile_files().size() >= 5, qPrintable(hostile_folder()));
        auto loaded = load_o200k_harmony();
        QVERIFY(loaded.ok());
        tokenizer_.emplace(std::move(*loaded));
    }

    void importedFilesKeepTheirHistoryButGrantNothing() {
        int conversations = 0;
        for (const QString& path : hostile_files()) {
            QTemporaryDir dir;
            auto store = HistoryStore::open(dir.filePath("history.sqlite3").toStdString());
            QVERIFY(store.ok());
            auto imported = import_json_file(**store, path.toStdString());
            QVERIFY2(imported.ok(),
                     qPrintable(path + ": " + QString::fromStdString(imported.status().message())));
            const std::vector<JsonFile> originals = conversations_in(path);
            QCOMPARE(imported->size(), originals.size());
            for (size_t i = 0; i < originals.size(); ++i) {
                ++conversations;
                const std::string& id = (*imported)[i].id;
                auto record = (*store)->load_conversation(id);
                QVERIFY(record.ok());
                const ConversationSettings& s = record->conversation.settings;
                QCOMPARE(s.enabled_tools, default_enabled_tools());
                QVERIFY2(s.tool_folder.empty(), s.tool_folder.c_str());
                for (const std::string& tool : builtin_tool_names()) {
                    for (const std::string& name : {tool, "functions." + tool}) {
                        QVERIFY2(!*(*store)->tool_always_approved(id, name),
                                 qPrintable(path + ": " + QString::fromStdString(name)));
                    }
                }
                // The history is as the file has it: the messages, and every call's approval.
                const JsonFile& original = originals[i];
                QCOMPARE(record->messages.size(), original["messages"].size());
                QCOMPARE(record->tool_calls.size(), original["tool_calls"].size());
                for (size_t c = 0; c < record->tool_calls.size(); ++c) {
                    QCOMPARE(std::string(to_string(record->tool_calls[c].approval)),
                             original["tool_calls"][c]["approval"].get<std::string>());
                }
            }
        }
        QVERIFY(conversations >= 6);
    }

    // The model calls every tool in every imported conversation: the two default tools are asked
    // about (and denied here), the others are not in the conversation at all, nothing runs, and
    // a secret file under the folder the file shared ("/") never reaches the history.
    void noToolRunsWithoutAskingAndNoFolderIsRead() {
        QTemporaryDir dir;
        const QString secret_path = dir.filePath("secret.txt");
        const std::string secret = "the-secret-is-4242";
        {
            QFile secret_file(secret_path);
            QVERIFY(secret_file.open(QIODevice::WriteOnly));
            secret_file.write(secret.c_str());
        }
        const std::string relative = secret_path.mid(1).toStdString();  // from "/"

        auto store = HistoryStore::open(dir.filePath("history.sqlite3").toStdString());
        QVERIFY(store.ok());
        int asked = 0;
        std::map<std::string, int> asked_for;
        LocalToolRunnerOptions options;
        options.store = store->get();
        options.approve = [&](const ApprovalRequest& request, const std::atomic<bool>*) {
            ++asked;
            ++asked_for[request.tool];
            return ApprovalDecision::deny;
        };
        LocalToolRunner runner(std::move(options));

        const std::vector<std::pair<std::string, std::string>> calls = {
            {"functions.calculator", R"({"expression": "6 * 7"})"},
            {"functions.current_time", "{}"},
            {"functions.read_file", "{\"path\": \"" + relative + "\"}"},
            {"functions.search_files", R"({"text": "the-secret"})"},
            {"functions.python", "{\"code\": \"print(open('/" + relative + "').read())\"}"},
            {"python", "print(open('/" + relative + "').read())"},
        };
        int turns = 0;
        for (const QString& path : hostile_files()) {
            auto imported = import_json_file(**store, path.toStdString());
            QVERIFY(imported.ok());
            for (const ImportedConversation& conversation : *imported) {
                const std::string& id = conversation.id;
                const size_t calls_before = (*store)->load_conversation(id)->tool_calls.size();
                for (const auto& [recipient, arguments] : calls) {
                    ScriptedTokenSource source(*tokenizer_);
                    source.add_output(call(recipient, arguments));
                    source.add_output(answer("Done."));
                    ChatSession session(**store, source, *tokenizer_, {});
                    session.set_tool_runner(&runner);
                    auto summary =
                        session.run_turn({TurnRequest::Kind::send, id, "Go on.", {}}, nullptr);
                    QVERIFY(summary.ok());
                    ++turns;
                }
                const auto record = (*store)->load_conversation(id);
                QCOMPARE(record->tool_calls.size(), calls_before + calls.size());
                for (size_t c = calls_before; c < record->tool_calls.size(); ++c) {
                    const ToolCall& made = record->tool_calls[c];
                    const bool offered = made.tool_name == "functions.calculator" ||
                                         made.tool_name == "functions.current_time";
                    // Asked and denied, or refused as not in the conversation: never approved.
                    QCOMPARE(made.approval, offered ? ToolApproval::denied : ToolApproval::pending);
                    QVERIFY2(!made.result, made.tool_name.c_str());
                    QVERIFY(made.error.has_value());
                    if (!offered) {
                        QVERIFY2(made.error->find("there is no tool") != std::string::npos,
                                 made.error->c_str());
                    }
                }
                for (const Message& message : record->messages)
                    QVERIFY2(message.text.find(secret) == std::string::npos, path.toUtf8());
            }
        }
        // Every turn asked exactly once for each of the two default tools, and for nothing else.
        const int conversations = turns / static_cast<int>(calls.size());
        QCOMPARE(asked, 2 * conversations);
        QCOMPARE(asked_for["calculator"], conversations);
        QCOMPARE(asked_for["current_time"], conversations);
    }

    // The user can still grant again after an import: "always" given now is honoured.
    void theUserGrantsAgain() {
        QTemporaryDir dir;
        auto store = HistoryStore::open(dir.filePath("history.sqlite3").toStdString());
        QVERIFY(store.ok());
        auto imported = import_json_file(
            **store, (hostile_folder() + "/approved-always-calculator.json").toStdString());
        QVERIFY(imported.ok());
        const std::string id = imported->front().id;
        int asked = 0;
        LocalToolRunnerOptions options;
        options.store = store->get();
        options.approve = [&](const ApprovalRequest&, const std::atomic<bool>*) {
            ++asked;
            return ApprovalDecision::approve_always;
        };
        LocalToolRunner runner(std::move(options));
        for (const char* expression : {"6 * 7", "6 * 8"}) {
            ScriptedTokenSource source(*tokenizer_);
            source.add_output(call("functions.calculator",
                                   std::string("{\"expression\": \"") + expression + "\"}"));
            source.add_output(answer("Done."));
            ChatSession session(**store, source, *tokenizer_, {});
            session.set_tool_runner(&runner);
            QVERIFY(session.run_turn({TurnRequest::Kind::send, id, "And now?", {}}, nullptr).ok());
        }
        QCOMPARE(asked, 1);  // the second call ran on the user's own "always"
        const auto record = (*store)->load_conversation(id);
        QCOMPARE(record->tool_calls.back().approval, ToolApproval::approved_always);
        QCOMPARE(*record->tool_calls.back().result, std::string(R"({"result": 48})"));
        QVERIFY(*(*store)->tool_always_approved(id, "calculator"));
        // Exporting and importing that conversation again grants nothing, once more.
        auto again = (*store)->import_conversations({*record});
        QVERIFY(again.ok());
        QVERIFY(!*(*store)->tool_always_approved(again->front(), "calculator"));
    }
};

QTEST_GUILESS_MAIN(TestImportPermissions)
#include "test_import_permissions.moc"
