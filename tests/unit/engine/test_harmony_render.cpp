// The harmony renderer against the reference implementation's golden files (docs/gpt-oss.md §6.8)
// and a worked tool-call example (docs/gpt-oss.md §6.4). Each conversation is rebuilt from the
// file's name.
#include <QtTest>

#include <fstream>
#include <sstream>

#include "engine/harmony/renderer.h"
#include "engine/harmony/tool_definitions.h"
#include "engine/tokenizer/o200k_harmony.h"

using namespace ponder;
using namespace ponder::harmony;

namespace {

std::string golden(const std::string& name) {
    std::ifstream file(std::string(PONDER_TEST_DATA_DIR) + "/harmony/" + name, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    std::string text = content.str();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.pop_back();
    return text;
}

SystemContent system_with(ReasoningEffort effort) {
    SystemContent system;
    system.reasoning_effort = effort;
    return system;
}

Message analysis(std::string text) {
    return Message::assistant("analysis", std::move(text));
}
Message final_answer(std::string text) {
    return Message::assistant("final", std::move(text));
}

FunctionTool tool(std::string name, std::string description, std::optional<JsonSchema> parameters) {
    return {std::move(name), std::move(description), std::move(parameters)};
}

struct Case {
    Case(std::string file_name, Conversation c, bool as_prompt = true,
         RenderOptions render_options = {})
        : file(std::move(file_name)),
          conversation(std::move(c)),
          prompt(as_prompt),
          options(render_options) {}
    std::string file;
    Conversation conversation;
    bool prompt;  // render_prompt_* (ends with <|start|>assistant) or the history alone
    RenderOptions options;
};

std::vector<Case> golden_cases() {
    std::vector<Case> cases;
    const std::string capital = "What is the capital of the largest country in the world?";
    const std::string robot = "Answer the user's questions like a robot.";

    cases.push_back(Case("test_simple_convo.txt",
                         {SystemContent{}, std::nullopt, {Message::user("What is 2 + 2?")}}));
    for (auto [effort, word] : {std::pair{ReasoningEffort::low, "low"},
                                {ReasoningEffort::medium, "medium"},
                                {ReasoningEffort::high, "high"}}) {
        cases.push_back(
            {std::string("test_simple_convo_") + word + "_effort.txt",
             {system_with(effort), DeveloperContent{robot, {}}, {Message::user(capital)}}});
        cases.push_back(
            Case(std::string("test_simple_convo_") + word + "_effort_no_instruction.txt",
                 {system_with(effort), std::nullopt, {Message::user(capital)}}));
    }

    SystemContent two_channels;
    two_channels.channels = {"analysis", "final"};
    cases.push_back(Case("test_reasoning_system_message.txt",
                         {two_channels, std::nullopt, {Message::user("What is 2 + 2?")}}));
    SystemContent high = two_channels;
    high.reasoning_effort = ReasoningEffort::high;
    cases.push_back(Case("test_reasoning_system_message_no_instruction.txt",
                         {high,
                          std::nullopt,
                          {Message::user("What is the best place to eat candy in the world?")}}));
    SystemContent dated = two_channels;
    dated.knowledge_cutoff = "2021-01";
    dated.current_date = "2021-01-01";
    cases.push_back(Case("test_reasoning_system_message_with_dates.txt",
                         {dated, std::nullopt, {Message::user("What is 42 * pi?")}}));

    SystemContent today;
    today.current_date = "2025-06-28";
    cases.push_back(Case("test_no_tools.txt", {today, std::nullopt, {}}));
    SystemContent browser = today;
    browser.builtin_tools = {BuiltinTool::browser};
    cases.push_back(Case("test_browser_tool_only.txt", {browser, std::nullopt, {}}));
    SystemContent browser_python = today;
    browser_python.builtin_tools = {BuiltinTool::python,
                                    BuiltinTool::browser};  // order is canonical
    cases.push_back(Case("test_browser_and_python_tool.txt", {browser_python, std::nullopt, {}}));
    DeveloperContent weather_tool{
        std::nullopt,
        {tool(
            "lookup_weather",
            "Use this tool to lookup the weather in a given location. Call it with the parameter "
            "'location', can be any textual description of a location.",
            JsonSchema::parse(R"({"type": "object", "properties": {"location": {"type": "string"}},
                                    "required": ["location"]})"))}};
    cases.push_back(Case("test_browser_and_function_tool.txt", {browser, weather_tool, {}}));

    SystemContent riddles_system = today;
    riddles_system.reasoning_effort = ReasoningEffort::high;
    DeveloperContent riddles{
        "Always respond in riddles",
        {tool("get_location", "Gets the location of the user.", std::nullopt),
         tool("get_current_weather", "Gets the current weather in the provided location.",
              JsonSchema::parse(R"({
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                "format": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
            "required": ["location"]})")),
         tool("get_multiple_weathers",
              "Gets the current weather in the provided list of locations.", JsonSchema::parse(R"({
            "type": "object",
            "properties": {
                "locations": {"type": "array", "items": {"type": "string"},
                              "description": "List of city and state, e.g. [\"San Francisco, CA\", \"New York, NY\"]"},
                "format": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
            "required": ["locations"]})")),
         tool("kitchensink", "A function with various complex schemas.", JsonSchema::parse(R"({
            "description": "params object",
            "type": "object",
            "properties": {
                "string": {"type": "string", "title": "STRING", "description": "A string", "examples": ["hello", "world"]},
                "string_nullable": {"type": "string", "nullable": true, "description": "A nullable string",
                                    "default": "the default"},
                "string_enum": {"type": "string", "enum": ["a", "b", "c"]},
                "oneof_string_or_number": {
                    "oneOf": [{"type": "string", "default": "default_string_in_oneof"},
                              {"type": "number", "description": "numbers can happen too"}],
                    "description": "a oneof",
                    "default": 20}}})"))}};
    cases.push_back(
        Case("test_render_functions_with_parameters.txt",
             {riddles_system, riddles, {Message::user("What is the weather like in SF?")}}));

    const std::vector<Message> two_turns = {
        Message::user("What is 2 + 2?"),
        analysis("User asks: \u201cWhat is 2 + 2?\u201d Simple arithmetic. Provide answer."),
        final_answer("2 + 2 equals 4."),
        Message::user("What about 9 / 2?"),
    };
    cases.push_back(
        Case("test_dropping_cot_by_default.txt", {std::nullopt, std::nullopt, two_turns}));
    std::vector<Message> preserved = two_turns;
    preserved[1].text = "User asks a simple question: \"What is 2 + 2?\" The answer: 4.";
    cases.push_back(
        {"test_preserve_cot.txt", {std::nullopt, std::nullopt, preserved}, true, {false}});
    cases.push_back(
        {"test_keep_analysis_between_finals.txt",
         {std::nullopt,
          std::nullopt,
          {Message::user("What is 2 + 2?"), analysis("thinking 2+2"), final_answer("4"),
           Message::user("What is 3 + 5?"), analysis("thinking 3+5"), final_answer("8")}},
         false});

    Message call =
        Message::tool_call("functions.lookup_weather", "{\"location\": \"San Francisco\"}");
    Message result;  // a tool message with neither recipient nor channel, as the golden file has
    result.role = Role::tool;
    result.name = "functions.lookup_weather";
    result.text = "{\"temperature\": 20, \"description\": \"sunny\"}";
    cases.push_back(
        Case("test_does_not_drop_if_ongoing_analysis.txt",
             {std::nullopt,
              std::nullopt,
              {Message::user("What is the weather in SF?"),
               analysis("User asks: \u201cWhat is the weather in SF?\u201d We need to use "
                        "lookup_weather tool."),
               call, result}}));
    return cases;
}

const Tokenizer& o200k() {
    static Tokenizer tokenizer = [] {
        auto loaded = load_o200k_harmony();
        if (!loaded) qFatal("%s", loaded.status().to_string().c_str());
        return std::move(*loaded);
    }();
    return tokenizer;
}

// A worked example (docs/gpt-oss.md §6.4): a tool call and its result, then a second turn.
Conversation oslo_conversation() {
    SystemContent system;
    system.current_date = "2025-09-01";
    system.reasoning_effort = ReasoningEffort::low;
    DeveloperContent developer{
        "Answer briefly.",
        {tool("get_temp", "Look up the current temperature for a city.", JsonSchema::parse(R"({
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"},
                           "unit": {"type": "string", "enum": ["c", "f"], "default": "c"}},
            "required": ["city"]})"))}};
    return {system, developer, {Message::user("How warm is Oslo?")}};
}

}  // namespace

class TestHarmonyRender : public QObject {
    Q_OBJECT
  private slots:
    void goldenFiles() {
        const std::vector<Case> cases = golden_cases();
        QCOMPARE(cases.size(), size_t(19));
        for (const Case& c : cases) {
            const std::string expected = golden(c.file);
            QVERIFY2(!expected.empty(), c.file.c_str());
            auto text = c.prompt ? render_prompt_text(c.conversation, c.options)
                                 : render_text(c.conversation, c.options);
            QVERIFY2(text.ok(), text.status().to_string().c_str());
            if (*text != expected) {
                qWarning("%s\n--- expected\n%s\n--- actual\n%s", c.file.c_str(), expected.c_str(),
                         text->c_str());
            }
            QVERIFY2(*text == expected, c.file.c_str());

            auto tokens = c.prompt ? render_prompt_tokens(o200k(), c.conversation, c.options)
                                   : render_tokens(o200k(), c.conversation, c.options);
            QVERIFY2(tokens.ok(), tokens.status().to_string().c_str());
            auto decoded = o200k().decode(*tokens);
            QVERIFY(decoded.ok());
            QVERIFY2(*decoded == expected, c.file.c_str());
            // Pieces are encoded one by one, yet here they meet at pre-token boundaries, so the
            // ids equal those of encoding the whole text at once (what the reference asserts).
            QVERIFY2(*tokens == o200k().encode_with_special(expected), c.file.c_str());
        }
    }

    void promptEndsWithAssistantStart() {
        Conversation conversation{SystemContent{}, std::nullopt, {Message::user("hi")}};
        auto tokens = render_prompt_tokens(o200k(), conversation);
        QVERIFY(tokens.ok());
        QVERIFY(tokens->size() > 2);
        QCOMPARE(tokens->at(tokens->size() - 2), 200006);  // <|start|>
        QCOMPARE(tokens->back(), 173781);                  // "assistant"
        auto history = render_tokens(o200k(), conversation);
        QVERIFY(history.ok());
        QCOMPARE(history->size() + 2, tokens->size());
        QVERIFY(std::equal(history->begin(), history->end(), tokens->begin()));
    }

    void specWorkedExample() {
        Conversation conversation = oslo_conversation();
        const std::string turn1 =
            "<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
            "Knowledge cutoff: 2024-06\nCurrent date: 2025-09-01\n\nReasoning: low\n\n"
            "# Valid channels: analysis, commentary, final. Channel must be included for every "
            "message.\n"
            "Calls to these tools must go to the commentary channel: 'functions'.<|end|>"
            "<|start|>developer<|message|># Instructions\n\nAnswer briefly.\n\n# Tools\n\n## "
            "functions\n\n"
            "namespace functions {\n\n// Look up the current temperature for a city.\n"
            "type get_temp = (_: {\n// City name\ncity: string,\nunit?: \"c\" | \"f\", // default: "
            "c\n}) => any;\n\n"
            "} // namespace functions<|end|><|start|>user<|message|>How warm is "
            "Oslo?<|end|><|start|>assistant";
        QCOMPARE(*render_prompt_text(conversation), turn1);

        conversation.messages.push_back(analysis("Need temperature; call get_temp."));
        conversation.messages.push_back(
            Message::tool_call("functions.get_temp", "{\"city\":\"Oslo\"}"));
        conversation.messages.push_back(
            Message::tool_result("functions.get_temp", "{\"temp\":12,\"unit\":\"c\"}"));
        const std::string user_turn = "<|start|>user<|message|>How warm is Oslo?<|end|>";
        const std::string call_and_result =
            "<|start|>assistant to=functions.get_temp<|channel|>commentary "
            "<|constrain|>json<|message|>"
            "{\"city\":\"Oslo\"}<|call|><|start|>functions.get_temp "
            "to=assistant<|channel|>commentary"
            "<|message|>{\"temp\":12,\"unit\":\"c\"}<|end|>";
        std::string continuation = *render_prompt_text(conversation);
        QVERIFY(continuation.ends_with(
            user_turn +
            "<|start|>assistant<|channel|>analysis<|message|>Need temperature; call "
            "get_temp.<|end|>" +
            call_and_result + "<|start|>assistant"));

        // The answer was generated with <|return|>; history stores and re-renders it with <|end|>,
        // and the finished turn's analysis is dropped.
        conversation.messages.push_back(final_answer("It is about 12 \u00b0C in Oslo."));
        conversation.messages.push_back(Message::user("And Bergen?"));
        std::string turn2 = *render_prompt_text(conversation);
        QVERIFY(turn2.ends_with(
            user_turn + call_and_result +
            "<|start|>assistant<|channel|>final<|message|>It is about 12 \u00b0C in "
            "Oslo.<|end|><|start|>user<|message|>And Bergen?<|end|><|start|>assistant"));
        QVERIFY(turn2.find("Need temperature") == std::string::npos);
        QVERIFY(render_prompt_text(conversation, {false})->find("Need temperature") !=
                std::string::npos);
    }

    void headerPiecesAndNames() {
        Message named = Message::user("hi");
        named.name = "alice";
        Message broadcast = Message::assistant("final", "ok");
        broadcast.recipient = "all";  // "all" is the default audience: no " to=" is written
        Message typed = Message::assistant("analysis", "print(1)");
        typed.recipient = "python";
        typed.content_type = "code";
        Conversation conversation{std::nullopt, DeveloperContent{}, {named, broadcast, typed}};
        QCOMPARE(
            *render_text(conversation),
            std::string(
                "<|start|>user:alice<|message|>hi<|end|>"
                "<|start|>assistant<|channel|>final<|message|>ok<|call|>"
                "<|start|>assistant to=python<|channel|>analysis code<|message|>print(1)<|call|>"));
    }

    void toolMessageWithoutNameFails() {
        Message nameless;
        nameless.role = Role::tool;
        nameless.text = "{}";
        Conversation conversation{std::nullopt, std::nullopt, {nameless}};
        auto text = render_text(conversation);
        QVERIFY(!text.ok());
        QCOMPARE(text.status().code(), StatusCode::invalid_argument);
        QVERIFY(!render_prompt_tokens(o200k(), conversation).ok());
    }

    // Nested objects keep harmony's quirky layout (indented comments, unindented braces).
    // Nested objects keep harmony's layout: comment lines indented, braces not.
    void schemaRules() {
        QCOMPARE(schema_to_typescript(JsonSchema::parse(R"({"type": "integer"})")),
                 std::string("number"));
        QCOMPARE(schema_to_typescript(JsonSchema::parse(R"({"type": "array"})")),
                 std::string("Array<any>"));
        QCOMPARE(schema_to_typescript(JsonSchema::parse(R"({"type": ["integer", "null"]})")),
                 std::string("number | null"));
        QCOMPARE(schema_to_typescript(JsonSchema::parse(R"({"type": "weird"})")),
                 std::string("any"));
        QCOMPARE(schema_to_typescript(JsonSchema::parse(R"({})")), std::string("any"));
        QCOMPARE(schema_to_typescript(JsonSchema::parse(R"({"type": "object", "properties": {
                     "inner": {"type": "object", "description": "nested",
                               "properties": {"x": {"type": "boolean", "default": true}}}},
                     "required": ["inner"]})")),
                 std::string("{\n// nested\ninner:     // nested\n{\n    x?: boolean, // default: "
                             "true\n    },\n}"));
    }
};

QTEST_GUILESS_MAIN(TestHarmonyRender)
#include "test_harmony_render.moc"
