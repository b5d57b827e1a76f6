// Import: validation with errors that name the JSON path, all-or-nothing writes, id collisions,
// and export -> import -> export giving the same file but for the permissions, which a file
// never brings (test_import_permissions has the hostile files).
#include <nlohmann/json.hpp>

#include "app/core/export/conversation_json.h"
#include "app/core/export/markdown_export.h"
#include "history_test_support.h"

using namespace history_test;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

namespace {

std::string export_one(HistoryStore& store, const std::string& id) {
    auto record = store.load_conversation(id);
    return record ? conversation_to_json(*record) : std::string();
}

Result<std::vector<std::string>> import_text(HistoryStore& store, const std::string& text) {
    auto records = read_conversations_json(text);
    if (!records) return records.status();
    return store.import_conversations(*records);
}

// A minimal valid conversation file, to be broken one field at a time.
Json minimal() {
    return Json{
        {"format", "ponder.conversation"},
        {"version", 1},
        {"title", "Minimal"},
        {"messages",
         Json::array({Json{{"role", "user"}, {"text", "Hi"}},
                      Json{{"role", "assistant"}, {"channel", "final"}, {"text", "Hello"}}})}};
}

// An exported file as its import keeps it: everything but the permissions, which no file grants
// (the imported conversation gets the default tools and no shared folder). Key order is kept, so
// comparing two of these compares the files field by field and in order.
OrderedJson as_imported(OrderedJson file) {
    if (file["format"] == "ponder.history") {
        for (OrderedJson& conversation : file["conversations"])
            conversation = as_imported(conversation);
        return file;
    }
    file["enabled_tools"] = {"calculator", "current_time"};
    file["tool_folder"] = nullptr;
    file["system"].erase("builtin_tools");
    return file;
}

OrderedJson parsed(const std::string& text) {
    return OrderedJson::parse(text);
}

// The error of reading `json`, or "" when it reads fine.
std::string read_error(const Json& json) {
    auto records = read_conversations_json(json.dump());
    return records ? std::string() : records.status().message();
}

}  // namespace

class TestHistoryImport : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    int next_ = 0;
    std::filesystem::path fresh() {
        return path_in(dir_, ("import" + std::to_string(next_++) + ".sqlite3").c_str());
    }

  private slots:
    void minimalFilesReadAsALinearChain() {
        auto records = read_conversations_json(minimal().dump());
        QVERIFY(records.ok());
        QCOMPARE(records->size(), size_t(1));
        const ConversationRecord& r = (*records)[0];
        QCOMPARE(r.messages.size(), size_t(2));
        QVERIFY(!r.messages[0].parent_id);
        QCOMPARE(r.messages[1].parent_id, std::optional<MessageId>(r.messages[0].id));
        QCOMPARE(r.conversation.settings.effort, ReasoningEffort::medium);
        // Renderer-style files: function tools become enabled tools by name.
        Json renderer = minimal();
        renderer["system"] = {{"reasoning_effort", "low"}, {"builtin_tools", {"browser"}}};
        renderer["developer"] = {{"instructions", "Be brief."},
                                 {"function_tools", {{{"name", "get_temp"}}}}};
        records = read_conversations_json(renderer.dump());
        QVERIFY(records.ok());
        const ConversationSettings& s = (*records)[0].conversation.settings;
        QCOMPARE(s.effort, ReasoningEffort::low);
        QCOMPARE(s.developer_instructions, std::string("Be brief."));
        QCOMPARE(s.enabled_tools, (std::vector<std::string>{"browser", "functions.get_temp"}));
        QVERIFY(s.tool_folder.empty());  // older files share no folder
    }

    void errorsNameThePathAndWhatWasExpected() {
        QVERIFY(read_error(minimal()).empty());
        const auto expect = [](const Json& json, const char* path, const char* words) {
            const std::string error = read_error(json);
            QVERIFY2(error.find(path) != std::string::npos,
                     (path + std::string(" | ") + error).c_str());
            QVERIFY2(error.find(words) != std::string::npos,
                     (words + std::string(" | ") + error).c_str());
        };
        QVERIFY(read_conversations_json("{ not json").status().message().find("not valid JSON") !=
                std::string::npos);
        QVERIFY(!read_conversations_json("[1, 2]").ok());
        Json j = minimal();
        j["format"] = "ponder.chat";
        expect(j, "$.format", "\"ponder.conversation\"");
        j = minimal();
        j["version"] = 2;
        expect(j, "$.version", "reads up to version 1");
        j = minimal();
        j.erase("version");
        expect(j, "$.version", "missing");
        j = minimal();
        j["messages"][1]["role"] = "robot";
        expect(j, "$.messages[1].role", "one of system, developer, user, assistant, tool");
        j = minimal();
        j["messages"][0].erase("text");
        expect(j, "$.messages[0].text", "missing");
        j = minimal();
        j["messages"][0]["text"] = 42;
        expect(j, "$.messages[0].text", "expected a string, got an integer 42");
        j = minimal();
        j["messages"][0]["parent_id"] = 2;
        expect(j, "$.messages[0].parent_id", "earlier message");
        j = minimal();
        j["messages"][1]["id"] = 1;
        expect(j, "$.messages[1].id", "not used before");
        j = minimal();
        j["messages"][0]["created_at"] = "yesterday";
        expect(j, "$.messages[0].created_at", "ISO-8601");
        j = minimal();
        j["messages"][1]["metrics"] = {{"ttft_ms", "fast"}};
        expect(j, "$.messages[1].metrics.ttft_ms", "an integer");
        j = minimal();
        j["sampling"] = {{"top_p", "high"}};
        expect(j, "$.sampling.top_p", "a number");
        j = minimal();
        j["system"] = {{"reasoning_effort", "extreme"}};
        expect(j, "$.system.reasoning_effort", "low, medium, high");
        j = minimal();
        j["tool_calls"] = {{{"message_id", 9}, {"tool", "python"}}};
        expect(j, "$.tool_calls[0].message_id", "a message in this conversation");
        j = minimal();
        j["active_leaf_id"] = 7;
        expect(j, "$.active_leaf_id", "a message in this conversation");
        Json all = {{"format", "ponder.history"},
                    {"version", 1},
                    {"conversations", {minimal(), minimal()}}};
        all["conversations"][1]["messages"][0]["state"] = "sleeping";
        expect(all, "$.conversations[1].messages[0].state", "complete, stopped, error, generating");
    }

    void aBadConversationInTheMiddleImportsNothing() {
        const auto file = fresh();
        auto store = open_store(file);
        QVERIFY(store);
        sample_conversation(*store);
        const auto conversations_before = *store->count_conversations();
        const auto messages_before = *store->count_messages();
        REQUIRE_OK(store->checkpoint());
        const QByteArray db_before = file_hash(file);

        // Bad shape in the middle: refused while reading, before anything is written.
        Json all = {{"format", "ponder.history"},
                    {"version", 1},
                    {"conversations", {minimal(), minimal(), minimal()}}};
        all["conversations"][1]["messages"][1]["role"] = 7;
        auto refused = import_text(*store, all.dump());
        QVERIFY(!refused.ok());
        QVERIFY(refused.status().message().find("$.conversations[1].messages[1].role") !=
                std::string::npos);
        // A value only the store rejects, in the middle: still nothing is written.
        all["conversations"][1]["messages"][1]["role"] = "assistant";
        all["conversations"][1]["sampling"] = {{"top_p", 5}};
        refused = import_text(*store, all.dump());
        QVERIFY(!refused.ok());
        QVERIFY2(
            refused.status().message().find("conversation 1: sampling.top_p") != std::string::npos,
            refused.status().message().c_str());
        QCOMPARE(*store->count_conversations(), conversations_before);
        QCOMPARE(*store->count_messages(), messages_before);
        REQUIRE_OK(store->checkpoint());
        QCOMPARE(file_hash(file), db_before);

        all["conversations"][1].erase("sampling");
        auto ids = import_text(*store, all.dump());
        QVERIFY(ids.ok());
        QCOMPARE(ids->size(), size_t(3));
        QCOMPARE(*store->count_conversations(), conversations_before + 3);
    }

    void exportImportExportIsIdentical() {
        auto source = open_store(fresh());
        QVERIFY(source);
        Sample s = sample_conversation(*source);
        REQUIRE_OK(source->set_pinned(s.id, true));
        auto second = source->create_conversation("Second, with unicode: 日本語 🦀");
        QVERIFY(source->append_message(second->id, new_message(MessageRole::user, "x")).ok());
        const std::string first_export = export_one(*source, s.id);

        auto target = open_store(fresh());
        QVERIFY(target);
        auto ids = import_text(*target, first_export);
        QVERIFY(ids.ok());
        QCOMPARE((*ids)[0], s.id);  // no collision: the id is kept
        QCOMPARE(parsed(export_one(*target, s.id)), as_imported(parsed(first_export)));
        // What was imported exports unchanged from then on.
        auto fourth = open_store(fresh());
        QVERIFY(import_text(*fourth, export_one(*target, s.id)).ok());
        QCOMPARE(export_one(*fourth, s.id), export_one(*target, s.id));
        // The readable exports agree too, but for the tools line.
        ConversationRecord expected = *source->load_conversation(s.id);
        expected.conversation.settings.enabled_tools = {"calculator", "current_time"};
        expected.conversation.settings.tool_folder.clear();
        QCOMPARE(conversation_to_markdown(*target->load_conversation(s.id)),
                 conversation_to_markdown(expected));

        // The whole history.
        std::vector<ConversationRecord> records;
        const auto listed = source->list_conversations();
        QVERIFY(listed.ok());
        for (const Conversation& c : *listed) {
            records.push_back(*source->load_conversation(c.id));
        }
        const std::string history = history_to_json(records);
        auto third = open_store(fresh());
        QVERIFY(import_text(*third, history).ok());
        std::vector<ConversationRecord> again;
        const auto relisted = third->list_conversations();
        for (const Conversation& c : *relisted) {
            again.push_back(*third->load_conversation(c.id));
        }
        QCOMPARE(parsed(history_to_json(again)), as_imported(parsed(history)));
    }

    void equalTimestampsKeepTheFilesOrder() {
        // Conversations updated in the same millisecond list newest row first; an imported
        // history must list in the order it was exported (its file order) all the same.
        auto records = read_conversations_json(minimal().dump());
        QVERIFY(records.ok());
        std::vector<ConversationRecord> history;
        for (const char* title : {"Alpha", "Bravo", "Charlie", "Delta"}) {
            ConversationRecord r = (*records)[0];
            r.conversation.title = title;
            r.conversation.created_at = r.conversation.updated_at = 1'700'000'000'000;
            history.push_back(r);
        }
        auto store = open_store(fresh());
        QVERIFY(store);
        auto ids = store->import_conversations(history);
        QVERIFY(ids.ok());
        const auto listed = store->list_conversations();
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), size_t(4));
        QStringList order;
        for (const Conversation& c : *listed)
            order << QString::fromStdString(c.title);
        QCOMPARE(order, QStringList({"Alpha", "Bravo", "Charlie", "Delta"}));
        // The returned ids follow the file too.
        QCOMPARE((*ids)[0], (*listed)[0].id);
        QCOMPARE((*ids)[3], (*listed)[3].id);
    }

    void collidingIdsAreRemapped() {
        auto store = open_store(fresh());
        QVERIFY(store);
        Sample s = sample_conversation(*store);
        const std::string original = export_one(*store, s.id);
        auto ids = import_text(*store, original);
        QVERIFY(ids.ok());
        QVERIFY((*ids)[0] != s.id);
        QCOMPARE((*ids)[0].size(), size_t(36));
        // Same content under the new id.
        OrderedJson a = as_imported(parsed(original)), b = parsed(export_one(*store, (*ids)[0]));
        a.erase("id");
        b.erase("id");
        QCOMPARE(a, b);
        // The same id twice in one file: the second gets a new one as well.
        const Json one = Json::parse(original);
        const Json twice = {
            {"format", "ponder.history"}, {"version", 1}, {"conversations", {one, one}}};
        auto more = import_text(*store, twice.dump());
        QVERIFY(more.ok());
        QVERIFY((*more)[0] != (*more)[1] && (*more)[0] != s.id && (*more)[1] != s.id);
        QCOMPARE(*store->count_conversations(), 4LL);
        // The original is untouched.
        QCOMPARE(export_one(*store, s.id), original);
    }

    void importedTextIsRepairedAndSearchable() {
        auto store = open_store(fresh());
        QVERIFY(store);
        auto records = read_conversations_json(minimal().dump());
        (*records)[0].messages[1].text = "Hello \xFF wombat";
        auto ids = store->import_conversations(*records);
        QVERIFY(ids.ok());
        auto record = store->load_conversation((*ids)[0]);
        QCOMPARE(record->messages[1].text, std::string("Hello \xEF\xBF\xBD wombat"));
        SearchOptions query;
        query.text = "wombat";
        QCOMPARE(store->search(query)->size(), size_t(1));
    }
};

QTEST_APPLESS_MAIN(TestHistoryImport)
#include "test_history_import.moc"
