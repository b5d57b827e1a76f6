// Conversation JSON (docs/conversation-json.md): the documented example, defaults, the branch
// tree of an export, round trips, and clear refusals of newer versions and wrong types.
#include <QtTest>

#include "engine/harmony/conversation_json.h"
#include "engine/harmony/renderer.h"

using namespace ponder;
using namespace ponder::harmony;
using Json = nlohmann::ordered_json;

namespace {

// The example of docs/conversation-json.md, without its comments.
const char* kDocumentedExample = R"json({
  "format": "ponder.conversation",
  "version": 1,
  "id": "8d0c6c1e-0000",
  "title": "Oslo weather",
  "created_at": "2026-11-28T09:00:00Z",
  "updated_at": "2026-11-28T09:05:00Z",
  "pinned": false,
  "model": "gpt-oss-20b",
  "sampling": {"temperature": 1.0, "top_p": 1.0},
  "system": {
    "model_identity": "You are ChatGPT, a large language model trained by OpenAI.",
    "knowledge_cutoff": "2024-06",
    "current_date": "2025-09-01",
    "reasoning_effort": "low",
    "channels": ["analysis", "commentary", "final"],
    "builtin_tools": ["browser", "python"]
  },
  "developer": {
    "instructions": "Answer briefly.",
    "function_tools": [
      {"name": "get_temp", "description": "Look up the current temperature for a city.",
       "parameters": {"type": "object", "properties": {"unit": {"type": "string"}, "city": {"type": "string"}}, "required": ["city"]}}
    ]
  },
  "messages": [
    {"id": 1, "parent_id": null, "role": "user", "name": null, "recipient": null, "channel": null,
     "content_type": null, "text": "How warm is Oslo?", "state": "complete",
     "created_at": "2026-11-28T09:00:00Z", "effort": null, "metrics": null}
  ],
  "tool_calls": []
})json";

Status error_of(const std::string& text) {
    return conversation_from_json_text(text).status();
}

Json minimal() {
    return Json::parse(R"({"format": "ponder.conversation", "version": 1, "messages": []})");
}

}  // namespace

class TestConversationJson : public QObject {
    Q_OBJECT
  private slots:
    void documentedExample() {
        auto conversation = conversation_from_json_text(kDocumentedExample);
        QVERIFY2(conversation.ok(), conversation.status().to_string().c_str());
        QVERIFY(conversation->system.has_value());
        const SystemContent& system = *conversation->system;
        QCOMPARE(system.current_date, std::optional<std::string>("2025-09-01"));
        QCOMPARE(reasoning_effort_name(system.reasoning_effort), std::string_view("low"));
        QCOMPARE(system.builtin_tools.size(), size_t(2));
        QVERIFY(conversation->developer.has_value());
        QCOMPARE(conversation->developer->function_tools.size(), size_t(1));
        // Property order is the file's, which is the order the prompt lists them in.
        const JsonSchema& parameters = *conversation->developer->function_tools[0].parameters;
        QCOMPARE(parameters["properties"].begin().key(), std::string("unit"));
        QCOMPARE(conversation->messages.size(), size_t(1));
        QCOMPARE(conversation->messages[0].text, std::string("How warm is Oslo?"));
        auto prompt = render_prompt_text(*conversation);
        QVERIFY(prompt.ok());
        QVERIFY(prompt->find("unit?: string,\ncity: string,") != std::string::npos);
    }

    void defaultsAndNulls() {
        auto plain = conversation_from_json(minimal());
        QVERIFY(plain.ok());
        QVERIFY(*plain->system == SystemContent{});  // absent system: harmony's defaults
        QVERIFY(!plain->developer.has_value());

        Json json = minimal();
        json["system"] = nullptr;  // no system message at all
        json["developer"] = {{"instructions", nullptr},
                             {"function_tools", Json::array()}};  // empty
        json["messages"] = Json::array({{{"role", "user"}, {"text", "hi"}}});
        auto bare = conversation_from_json(json);
        QVERIFY(bare.ok());
        QVERIFY(!bare->system.has_value());
        QVERIFY(!bare->developer.has_value());
        QCOMPARE(*render_prompt_text(*bare),
                 std::string("<|start|>user<|message|>hi<|end|><|start|>assistant"));

        json["system"] = {{"model_identity", nullptr}, {"knowledge_cutoff", nullptr}};
        auto no_identity = conversation_from_json(json);
        QVERIFY(no_identity.ok());
        QCOMPARE(no_identity->system->model_identity, std::nullopt);
        QCOMPARE(reasoning_effort_name(no_identity->system->reasoning_effort),
                 std::string_view("medium"));
    }

    void exportedBranchTreeUsesPathToLastMessage() {
        Json json = minimal();
        json["messages"] = Json::parse(R"([
            {"id": 1, "parent_id": null, "role": "user", "text": "first question"},
            {"id": 2, "parent_id": 1, "role": "assistant", "channel": "final", "text": "old answer"},
            {"id": 3, "parent_id": 1, "role": "assistant", "channel": "final", "text": "regenerated answer"},
            {"id": 4, "parent_id": null, "role": "user", "text": "edited question, abandoned"},
            {"id": 5, "parent_id": 3, "role": "user", "text": "follow-up"}
        ])");
        auto conversation = conversation_from_json(json);
        QVERIFY2(conversation.ok(), conversation.status().to_string().c_str());
        QCOMPARE(conversation->messages.size(), size_t(3));
        QCOMPARE(conversation->messages[0].text, std::string("first question"));
        QCOMPARE(conversation->messages[1].text, std::string("regenerated answer"));
        QCOMPARE(conversation->messages[2].text, std::string("follow-up"));

        json["messages"][4]["parent_id"] = 42;
        QVERIFY(conversation_from_json(json).status().message().find("no message has id 42") !=
                std::string::npos);
        json["messages"][4]["parent_id"] = 5;
        QVERIFY(conversation_from_json(json).status().message().find("cycle") != std::string::npos);
        json["messages"][4]["parent_id"] = 3;
        json["messages"][3]["id"] = 1;
        QVERIFY(conversation_from_json(json).status().message().find("used twice") !=
                std::string::npos);
    }

    void roundTrip() {
        Conversation conversation;
        conversation.system->current_date = "2025-09-01";
        conversation.system->builtin_tools = {BuiltinTool::python};
        conversation.system->model_identity.reset();
        conversation.developer = DeveloperContent{
            "Be brief.",
            {{"get_temp", "Temperature.",
              JsonSchema::parse(R"({"type": "object", "properties": {"z": {}, "a": {}}})")},
             {"ping", "No arguments.", std::nullopt}}};
        conversation.messages = {Message::user("How warm?"),
                                 Message::assistant("analysis", "think"),
                                 Message::tool_call("functions.get_temp", "{}"),
                                 Message::tool_result("functions.get_temp", "{\"t\":1}"),
                                 Message::assistant("final", "Warm.")};
        conversation.messages[0].name = "alice";
        const Json json = conversation_to_json(conversation);
        QCOMPARE(json["format"].get<std::string>(), std::string("ponder.conversation"));
        auto back = conversation_from_json_text(json.dump(2));
        QVERIFY2(back.ok(), back.status().to_string().c_str());
        QVERIFY(*back == conversation);

        Conversation without_system{std::nullopt, std::nullopt, {Message::user("x")}};
        QVERIFY(*conversation_from_json(conversation_to_json(without_system)) == without_system);
    }

    void refusals() {
        auto expect = [](const std::string& text, StatusCode code, const char* needle) {
            const Status status = error_of(text);
            QVERIFY2(!status.ok(), text.c_str());
            QCOMPARE(status.code(), code);
            QVERIFY2(status.message().find(needle) != std::string::npos, status.message().c_str());
        };
        auto with = [](const char* key, const Json& value) {
            Json json = minimal();
            json[key] = value;
            return json.dump();
        };
        expect("{", StatusCode::invalid_argument, "not valid JSON");
        expect("[]", StatusCode::invalid_argument, "JSON object");
        expect(R"({"version": 1, "messages": []})", StatusCode::invalid_argument, "format");
        expect(with("format", "other"), StatusCode::invalid_argument, "format");
        expect(with("version", 2), StatusCode::unsupported, "newer than this Ponder understands");
        expect(with("version", "1"), StatusCode::invalid_argument, "version");
        expect(with("messages", nullptr), StatusCode::invalid_argument, "messages");
        expect(with("system", Json::array()), StatusCode::invalid_argument,
               "system: expected an object");
        expect(with("system", {{"reasoning_effort", "extreme"}}), StatusCode::invalid_argument,
               "system.reasoning_effort");
        expect(with("system", {{"builtin_tools", {"browser", "shell"}}}),
               StatusCode::invalid_argument, "shell");
        expect(with("system", {{"channels", {"final", 3}}}), StatusCode::invalid_argument,
               "system.channels[1]");
        expect(with("developer", {{"function_tools", {{{"description", "no name"}}}}}),
               StatusCode::invalid_argument, "developer.function_tools[0].name");
        expect(with("developer", {{"function_tools", {{{"name", "f"}, {"parameters", "string"}}}}}),
               StatusCode::invalid_argument, "parameters");
        expect(with("messages", Json::array({{{"role", "robot"}}})), StatusCode::invalid_argument,
               "messages[0].role");
        expect(with("messages", Json::array({{{"role", "user"}, {"channel", 3}}})),
               StatusCode::invalid_argument,
               "messages[0].channel: expected a string or null, got integer");
        expect(with("messages", Json::array({{{"role", "tool"}, {"text", "{}"}}})),
               StatusCode::invalid_argument, "messages[0].name");
        expect(with("messages", Json::array({"hello"})), StatusCode::invalid_argument,
               "messages[0]");
    }
};

QTEST_GUILESS_MAIN(TestConversationJson)
#include "test_conversation_json.moc"
