// Tool calls through the whole chat core: scripted model outputs (real tokenizer, harmony
// renderer and parser), the LocalToolRunner with its real tools, and a real SQLite history.
// Call -> result -> answer, two calls in one turn, bad arguments, denial, timeout, "always"
// across a restart, and the results in the store and in the JSON and Markdown exports.
#include <QtTest>

#include <nlohmann/json.hpp>
#include <thread>

#include "app/core/chat/chat_session.h"
#include "app/core/export/conversation_json.h"
#include "app/core/export/markdown_export.h"
#include "app/core/storage/conversation_tree.h"
#include "app/core/tools/local_tool_runner.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "tests/support/scripted_token_source.h"

using namespace ponder;
using namespace ponder::core;
using ponder::test::ScriptedTokenSource;

namespace {

// What gpt-oss writes to call a function tool (after "<|start|>assistant").
std::string call(const std::string& tool, const std::string& arguments,
                 const std::string& thought = "Use the tool.") {
    return "<|channel|>analysis<|message|>" + thought +
           "<|end|><|start|>assistant<|channel|>commentary to=functions." + tool +
           " <|constrain|>json<|message|>" + arguments + "<|call|>";
}

std::string answer(const std::string& text) {
    return "<|channel|>final<|message|>" + text + "<|return|>";
}

// The tool result as the model reads it in the next prompt.
std::string result_in_prompt(const std::string& tool, const std::string& text) {
    return "<|start|>functions." + tool + " to=assistant<|channel|>commentary<|message|>" + text +
           "<|end|>";
}
// Its beginning, for results checked by their first words.
std::string result_starting(const std::string& tool, const std::string& text) {
    return "<|start|>functions." + tool + " to=assistant<|channel|>commentary<|message|>" + text;
}

// A tool that runs until its deadline (for the timeout test).
class SleepTool final : public Tool {
  public:
    SleepTool() {
        definition_.name = "sleep";
        definition_.description = "Sleeps.";
    }
    const harmony::FunctionTool& definition() const override { return definition_; }
    std::string unavailable_reason(const ConversationSettings&) const override { return {}; }
    std::chrono::milliseconds time_limit() const override { return std::chrono::seconds(30); }
    ToolResult run(const Json&, const ToolContext& context) override {
        while (!context.expired())
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return ToolResult::expired(context);
    }

  private:
    harmony::FunctionTool definition_;
};

struct Fixture {
    QTemporaryDir dir;
    std::unique_ptr<HistoryStore> store;
    std::optional<Tokenizer> tokenizer;
    int asked = 0;
    ApprovalDecision decision = ApprovalDecision::approve_once;

    bool open() {
        if (!reopen()) return false;
        auto loaded = load_o200k_harmony();
        if (!loaded) return false;
        tokenizer.emplace(std::move(*loaded));
        return true;
    }
    bool reopen() {
        store.reset();
        auto opened = HistoryStore::open(dir.filePath("history.sqlite3").toStdString());
        if (!opened) return false;
        store = std::move(*opened);
        return true;
    }
    std::string new_conversation(std::vector<std::string> tools = {"calculator"}) {
        ConversationSettings settings;
        settings.enabled_tools = std::move(tools);
        return store->create_conversation("", settings).value().id;
    }
    LocalToolRunnerOptions options() {
        LocalToolRunnerOptions o;
        o.store = store.get();
        o.approve = [this](const ApprovalRequest&, const std::atomic<bool>*) {
            ++asked;
            return decision;
        };
        return o;
    }
    Result<TurnSummary> turn(ChatSession& session, const std::string& id, const std::string& text,
                             std::vector<TurnEvent>* events = nullptr) {
        return session.run_turn({TurnRequest::Kind::send, id, text, {}},
                                [events](const TurnEvent& e) {
                                    if (events) events->push_back(e);
                                });
    }
    std::vector<Message> visible(const std::string& id) {
        auto record = store->load_conversation(id).value();
        std::vector<Message> path;
        for (MessageId m :
             ConversationTree(record.messages).active_path(record.conversation.active_leaf))
            for (const Message& message : record.messages)
                if (message.id == m) path.push_back(message);
        return path;
    }
};

}  // namespace

class TestChatTools : public QObject {
    Q_OBJECT
  private slots:
    void callResultAnswer() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(call("calculator", R"({"expression": "123 * 456"})"));
        source.add_output(answer("123 × 456 = 56088."));
        LocalToolRunner runner(f.options());
        ChatSession session(*f.store, source, *f.tokenizer, {});
        session.set_tool_runner(&runner);
        const std::string id = f.new_conversation();
        std::vector<TurnEvent> events;
        auto summary = f.turn(session, id, "What is 123 × 456?", &events);
        QVERIFY2(summary.ok(), summary.status().to_string().c_str());
        QCOMPARE(summary->state, MessageState::complete);
        QCOMPARE(f.asked, 1);

        // The model was told about the calculator, and read its result before answering.
        QVERIFY(source.prompt_text(0).find("type calculator = (_: {") != std::string::npos);
        QVERIFY(source.prompt_text(1).find(
                    result_in_prompt("calculator", R"({"result": 56088})")) != std::string::npos);
        const auto path = f.visible(id);
        QCOMPARE(path.size(), size_t(5));  // user, analysis, call, result, answer
        QCOMPARE(path[3].role, MessageRole::tool);
        QCOMPARE(path[3].text, std::string(R"({"result": 56088})"));
        QCOMPARE(path[4].text, std::string("123 × 456 = 56088."));

        auto record = f.store->load_conversation(id).value();
        QCOMPARE(record.tool_calls.size(), size_t(1));
        const ToolCall& row = record.tool_calls[0];
        QCOMPARE(row.tool_name, std::string("functions.calculator"));
        QCOMPARE(row.arguments, std::string(R"({"expression": "123 * 456"})"));
        QCOMPARE(row.approval, ToolApproval::approved_once);
        QCOMPARE(row.result, std::optional<std::string>(R"({"result": 56088})"));
        QVERIFY(!row.error);
        QVERIFY(row.started_at && row.finished_at && row.duration_ms);
        QVERIFY(*row.duration_ms >= 0 && *row.duration_ms < 5000);

        bool saw_call = false, saw_result = false;
        for (const TurnEvent& e : events) {
            saw_call |=
                e.kind == TurnEvent::Kind::tool_call && e.recipient == "functions.calculator";
            saw_result |= e.kind == TurnEvent::Kind::tool_result && e.state == "complete" &&
                          e.text == R"({"result": 56088})";
        }
        QVERIFY(saw_call && saw_result);
    }

    void twoCallsInOneTurn() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(call("calculator", R"({"expression": "2^64"})"));
        source.add_output(call("current_time", "{}", "Now the date."));
        source.add_output(answer("Done."));
        LocalToolRunner runner(f.options());
        ChatSession session(*f.store, source, *f.tokenizer, {});
        session.set_tool_runner(&runner);
        const std::string id = f.new_conversation({"calculator", "current_time"});
        auto summary = f.turn(session, id, "2^64, and what day is it?");
        QVERIFY(summary.ok());
        QCOMPARE(summary->state, MessageState::complete);
        QCOMPARE(source.prompts().size(), size_t(3));
        QCOMPARE(f.asked, 2);
        const std::string last_prompt = source.prompt_text(2);
        QVERIFY(last_prompt.find(result_in_prompt(
                    "calculator", R"({"result": 18446744073709551616})")) != std::string::npos);
        QVERIFY(last_prompt.find("<|start|>functions.current_time to=assistant<|channel|>commentary"
                                 "<|message|>{\"date\":") != std::string::npos);
        auto record = f.store->load_conversation(id).value();
        QCOMPARE(record.tool_calls.size(), size_t(2));
        QCOMPARE(record.tool_calls[1].tool_name, std::string("functions.current_time"));
        QVERIFY(record.tool_calls[1].result->find("\"time_zone\"") != std::string::npos ||
                record.tool_calls[1].result->find("\"utc_offset\"") != std::string::npos);
    }

    // Issue 18 bug 12: the footer's tokens/s and time are generation only. A user who takes
    // 1.5 s to answer the approval must not make the answer look slower.
    void waitingForTheUserIsNotGenerationTime() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(call("calculator", R"({"expression": "2 + 2"})"));
        source.add_output(answer("2 + 2 = 4, a short answer with a few more tokens to time."));
        LocalToolRunnerOptions options = f.options();
        constexpr auto kUserThinks = std::chrono::milliseconds(1500);
        options.approve = [&f, kUserThinks](const ApprovalRequest&, const std::atomic<bool>*) {
            ++f.asked;
            std::this_thread::sleep_for(kUserThinks);
            return ApprovalDecision::approve_once;
        };
        LocalToolRunner runner(options);
        ChatSession session(*f.store, source, *f.tokenizer, {});
        session.set_tool_runner(&runner);
        const std::string id = f.new_conversation();
        auto summary = f.turn(session, id, "What is 2 + 2?");
        QVERIFY2(summary.ok(), summary.status().to_string().c_str());
        QCOMPARE(f.asked, 1);
        const Message final_answer = f.visible(id).back();
        QCOMPARE(final_answer.channel, std::string("final"));
        const MessageMetrics& m = final_answer.metrics;
        QVERIFY(m.tokens_per_second && m.completion_tokens && *m.completion_tokens > 10);
        // Scripted tokens take microseconds each; with the wait counted, the generation time
        // would be at least the 1.5 s the user took.
        const double generation_s =
            static_cast<double>(*m.completion_tokens - 1) / *m.tokens_per_second;
        QVERIFY2(generation_s < 0.75, QByteArray::number(generation_s).constData());
    }

    void badArgumentsGoBackToTheModel() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(call("calculator", R"({"expression": 12 * 34})"));  // not JSON
        source.add_output(call("calculator", R"({"expr": "12 * 34"})"));      // wrong schema
        source.add_output(call("calculator", R"({"expression": "12 * 34"})"));
        source.add_output(answer("408"));
        LocalToolRunner runner(f.options());
        ChatSession session(*f.store, source, *f.tokenizer, {});
        session.set_tool_runner(&runner);
        const std::string id = f.new_conversation();
        auto summary = f.turn(session, id, "12 * 34?");
        QVERIFY(summary.ok());
        QCOMPARE(summary->state, MessageState::complete);
        QCOMPARE(f.asked, 1);  // only the valid call reached the user

        QVERIFY(source.prompt_text(1).find(result_starting(
                    "calculator",
                    "Error: the arguments are not valid JSON: parse error at line 1, "
                    "column 19: syntax error while parsing object")) != std::string::npos);
        QVERIFY(source.prompt_text(2).find(
                    result_in_prompt("calculator",
                                     "Error: invalid arguments: $: missing required property "
                                     "\"expression\"")) != std::string::npos);
        auto record = f.store->load_conversation(id).value();
        QCOMPARE(record.tool_calls.size(), size_t(3));
        for (int i : {0, 1}) {
            QCOMPARE(record.tool_calls[i].approval, ToolApproval::pending);  // never asked
            QVERIFY(record.tool_calls[i].error.has_value());
            QVERIFY(!record.tool_calls[i].result.has_value());
        }
        QCOMPARE(record.tool_calls[0].arguments, std::string(R"({"expression": 12 * 34})"));
        QCOMPARE(record.tool_calls[2].result, std::optional<std::string>(R"({"result": 408})"));
    }

    void denialGoesBackToTheModel() {
        Fixture f;
        QVERIFY(f.open());
        f.decision = ApprovalDecision::deny;
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(call("calculator", R"({"expression": "1+1"})"));
        source.add_output(answer("1 + 1 = 2"));
        LocalToolRunner runner(f.options());
        ChatSession session(*f.store, source, *f.tokenizer, {});
        session.set_tool_runner(&runner);
        const std::string id = f.new_conversation();
        QVERIFY(f.turn(session, id, "1+1?").ok());
        QCOMPARE(f.asked, 1);
        QVERIFY(source.prompt_text(1).find(result_starting(
                    "calculator", "Error: the user denied this call")) != std::string::npos);
        auto record = f.store->load_conversation(id).value();
        QCOMPARE(record.tool_calls[0].approval, ToolApproval::denied);
        QVERIFY(record.tool_calls[0].error->find("denied") != std::string::npos);
        QVERIFY(!record.tool_calls[0].result);
    }

    void timeoutGoesBackToTheModel() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(call("sleep", "{}"));
        source.add_output(answer("It took too long."));
        LocalToolRunnerOptions options = f.options();
        options.time_limits["sleep"] = std::chrono::milliseconds(200);
        LocalToolRunner runner(std::move(options));
        runner.add_tool(std::make_unique<SleepTool>());
        ChatSession session(*f.store, source, *f.tokenizer, {});
        session.set_tool_runner(&runner);
        const std::string id = f.new_conversation({"sleep"});
        QElapsedTimer timer;
        timer.start();
        auto summary = f.turn(session, id, "Sleep.");
        QVERIFY(summary.ok());
        QCOMPARE(summary->state, MessageState::complete);
        QVERIFY(timer.elapsed() < 5000);
        QVERIFY(source.prompt_text(1).find(result_starting(
                    "sleep", "Error: timed out after 200 ms")) != std::string::npos);
        auto record = f.store->load_conversation(id).value();
        QVERIFY(record.tool_calls[0].error->find("timed out after 200 ms") == 0);
        QVERIFY(*record.tool_calls[0].duration_ms >= 200);
    }

    void alwaysSurvivesARestart() {
        Fixture f;
        QVERIFY(f.open());
        f.decision = ApprovalDecision::approve_always;
        const std::string id = f.new_conversation();
        std::string other;
        {
            ScriptedTokenSource source(*f.tokenizer);
            source.add_output(call("calculator", R"({"expression": "6 * 7"})"));
            source.add_output(call("calculator", R"({"expression": "6 * 8"})"));
            source.add_output(answer("42 and 48"));
            LocalToolRunner runner(f.options());
            ChatSession session(*f.store, source, *f.tokenizer, {});
            session.set_tool_runner(&runner);
            QVERIFY(f.turn(session, id, "6*7 and 6*8?").ok());
            QCOMPARE(f.asked, 1);  // the second call in the same turn was not asked about
        }
        QVERIFY(f.reopen());  // the app restarts
        f.decision = ApprovalDecision::deny;
        other = f.new_conversation();
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(call("calculator", R"({"expression": "2 + 2"})"));
        source.add_output(answer("4"));
        source.add_output(call("calculator", R"({"expression": "3 + 3"})"));
        source.add_output(answer("I may not use the calculator."));
        LocalToolRunner runner(f.options());
        ChatSession session(*f.store, source, *f.tokenizer, {});
        session.set_tool_runner(&runner);
        QVERIFY(f.turn(session, id, "2+2?").ok());
        QCOMPARE(f.asked, 1);  // still allowed in this conversation
        QVERIFY(f.turn(session, other, "3+3?").ok());
        QCOMPARE(f.asked, 2);  // but not in another one: asked, and denied

        auto record = f.store->load_conversation(id).value();
        QCOMPARE(record.tool_calls.size(), size_t(3));
        for (const ToolCall& row : record.tool_calls) {
            QCOMPARE(row.approval, ToolApproval::approved_always);
            QVERIFY(row.result.has_value());
        }
        QCOMPARE(f.store->load_conversation(other)->tool_calls[0].approval, ToolApproval::denied);
    }

    void resultsAreStoredWholeAndExported() {
        Fixture f;
        QVERIFY(f.open());
        ScriptedTokenSource source(*f.tokenizer);
        source.add_output(call("calculator", R"({"expression": "2^200"})"));
        source.add_output(answer("A big number."));
        LocalToolRunner runner(f.options());
        ChatSession session(*f.store, source, *f.tokenizer, {});
        session.set_tool_runner(&runner);
        session.set_tool_result_limit(20);  // the prompt gets a cut version
        const std::string id = f.new_conversation();
        QVERIFY(f.turn(session, id, "2^200?").ok());
        const std::string full =
            R"({"result": 1606938044258990275541962092341162602522202993782792835301376})";
        QVERIFY(source.prompt_text(1).find(
                    "{\"result\": 160693804\n[result truncated: " + std::to_string(full.size()) +
                    " characters in total]") != std::string::npos);

        auto record = f.store->load_conversation(id).value();
        QCOMPARE(record.tool_calls[0].result, std::optional<std::string>(full));
        const auto json = nlohmann::json::parse(conversation_to_json(record));
        const auto& exported = json["tool_calls"][0];
        QCOMPARE(exported["tool"].get<std::string>(), std::string("functions.calculator"));
        QCOMPARE(exported["arguments"].get<std::string>(),
                 std::string(R"({"expression": "2^200"})"));
        QCOMPARE(exported["approval"].get<std::string>(), std::string("approved_once"));
        QCOMPARE(exported["result"].get<std::string>(), full);
        QVERIFY(exported["duration_ms"].is_number());
        const std::string markdown = conversation_to_markdown(record);
        QVERIFY2(markdown.find("functions.calculator") != std::string::npos, markdown.c_str());
        QVERIFY(markdown.find("2^200") != std::string::npos);
        QVERIFY(markdown.find("**Tool call** `functions.calculator` · approved once") !=
                std::string::npos);
        QVERIFY(markdown.find("{\"result\": 160693804") !=
                std::string::npos);  // as the model saw it
    }
};

QTEST_GUILESS_MAIN(TestChatTools)
#include "test_chat_tools.moc"
