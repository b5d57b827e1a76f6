// LocalToolRunner without a model: the JSON Schema check, what happens before a tool may run
// (lookup, enablement, arguments, approval), time limits, the approval hand-over between
// threads, and the "always" permission as the history stores it.
#include <QtTest>

#include <thread>

#include "app/core/tools/local_tool_runner.h"

using namespace ponder;
using namespace ponder::core;

namespace {

// A tool that records its calls and, when asked, runs until its deadline.
class ProbeTool final : public Tool {
  public:
    explicit ProbeTool(std::string name = "probe", bool slow = false) : slow_(slow) {
        definition_.name = std::move(name);
        definition_.description = "Test tool.";
        definition_.parameters = Json::parse(
            R"({"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}},
                "required": ["n"], "additionalProperties": false})");
    }
    const harmony::FunctionTool& definition() const override { return definition_; }
    std::string unavailable_reason(const ConversationSettings&) const override { return {}; }
    std::chrono::milliseconds time_limit() const override { return std::chrono::seconds(5); }
    ToolResult run(const Json& arguments, const ToolContext& context) override {
        ++calls;
        last_arguments = arguments;
        if (!slow_) return ToolResult::success("n=" + arguments["n"].dump());
        while (!context.expired())
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return ToolResult::expired(context, "partial");
    }

    int calls = 0;
    Json last_arguments;

  private:
    harmony::FunctionTool definition_;
    bool slow_;
};

ToolInvocation call_of(const std::string& recipient, const std::string& arguments) {
    ToolInvocation call;
    call.conversation_id = "c";
    call.recipient = recipient;
    call.content_type = "<|constrain|>json";
    call.arguments = arguments;
    return call;
}

ConversationSettings with_tools(std::vector<std::string> tools) {
    ConversationSettings settings;
    settings.enabled_tools = std::move(tools);
    return settings;
}

ApprovalPrompt answer(ApprovalDecision decision, int* asked = nullptr) {
    return [decision, asked](const ApprovalRequest&, const std::atomic<bool>*) {
        if (asked) ++*asked;
        return decision;
    };
}

LocalToolRunnerOptions asking(ApprovalPrompt prompt) {
    LocalToolRunnerOptions options;
    options.approve = std::move(prompt);
    return options;
}

}  // namespace

class TestToolRunner : public QObject {
    Q_OBJECT
  private slots:
    void schemaSubset() {
        const Json schema = Json::parse(R"({"type": "object", "properties": {
            "name": {"type": "string", "minLength": 2, "maxLength": 4},
            "count": {"type": "integer", "minimum": 0, "maximum": 10},
            "ratio": {"type": "number", "exclusiveMaximum": 1},
            "mode": {"enum": ["fast", "exact"]},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
            "either": {"type": ["string", "null"]}},
            "required": ["name"], "additionalProperties": false})");
        auto check = [&](const char* value) {
            return validate_json(Json::parse(value), schema).message();
        };
        QCOMPARE(check(R"({"name": "åbc", "count": 3.0, "ratio": 0.5, "mode": "fast",
                            "tags": ["a"], "either": null})"),
                 std::string());  // 3 code points; 3.0 is an integer
        QCOMPARE(check(R"([])"), std::string("$: expected an object, got an array"));
        QCOMPARE(check(R"({})"), std::string("$: missing required property \"name\""));
        QCOMPARE(check(R"({"name": 12})"),
                 std::string("$.name: expected a string, got a number 12"));
        QCOMPARE(check(R"({"name": "a"})"),
                 std::string("$.name: expected at least 2 characters, got 1"));
        QCOMPARE(check(R"({"name": "abcde"})"),
                 std::string("$.name: expected at most 4 characters, got 5"));
        QCOMPARE(check(R"({"name": "ab", "count": 2.5})"),
                 std::string("$.count: expected an integer, got a number 2.5"));
        QCOMPARE(check(R"({"name": "ab", "count": 11})"),
                 std::string("$.count: expected a number <= 10, got 11"));
        QCOMPARE(check(R"({"name": "ab", "ratio": 1})"),
                 std::string("$.ratio: expected a number < 1, got 1"));
        QCOMPARE(check(R"({"name": "ab", "mode": "slow"})"),
                 std::string("$.mode: expected one of \"fast\", \"exact\", got a string \"slow\""));
        QCOMPARE(check(R"({"name": "ab", "tags": ["a", 2]})"),
                 std::string("$.tags[1]: expected a string, got a number 2"));
        QCOMPARE(check(R"({"name": "ab", "tags": ["a", "b", "c"]})"),
                 std::string("$.tags: expected at most 2 items, got 3"));
        QCOMPARE(check(R"({"name": "ab", "either": 1})"),
                 std::string("$.either: expected string or null, got a number 1"));
        QVERIFY(check(R"({"name": "ab", "extra": 1})").rfind("$.extra: unknown property", 0) == 0);
        QCOMPARE(check(R"({"name": "ab", "odd key": 1})").substr(0, 14),
                 std::string("$[\"odd key\"]: "));
    }

    void invalidCallsNeverReachTheUserOrTheTool() {
        int asked = 0;
        LocalToolRunner runner(asking(answer(ApprovalDecision::approve_once, &asked)));
        auto probe = std::make_unique<ProbeTool>();
        ProbeTool* tool = probe.get();
        runner.add_tool(std::move(probe));
        const auto settings = with_tools({"probe", "calculator"});

        struct Case {
            const char* recipient;
            const char* arguments;
            const char* error;
        };
        for (const Case& c : {
                 Case{"functions.nope", "{}", "there is no tool 'functions.nope'"},
                 Case{"functions.python", R"({"code": "1"})", "there is no tool"},  // disabled
                 Case{"functions.probe", R"({"n": 1)", "the arguments are not valid JSON"},
                 Case{"functions.probe", "", "the arguments are not valid JSON"},
                 Case{"functions.probe", R"({"n": "1"})",
                      "invalid arguments: $.n: expected an integer"},
                 Case{"functions.probe", R"({"n": 0})",
                      "invalid arguments: $.n: expected a number >= 1"},
                 Case{"functions.probe", R"({"m": 1})", "missing required property \"n\""},
             }) {
            const ToolOutcome outcome =
                runner.run(call_of(c.recipient, c.arguments), settings, nullptr);
            QVERIFY2(outcome.error.find(c.error) != std::string::npos, outcome.error.c_str());
            QCOMPARE(outcome.approval, ToolApproval::pending);
        }
        QCOMPARE(asked, 0);
        QCOMPARE(tool->calls, 0);
        // The unknown-tool message names what the model may call instead.
        const ToolOutcome unknown = runner.run(call_of("functions.nope", "{}"), settings, nullptr);
        QVERIFY(unknown.error.find("functions.calculator, functions.probe") != std::string::npos);
    }

    void approvalDecidesAndIsRecorded() {
        int asked = 0;
        ApprovalRequest seen;
        LocalToolRunner runner(
            asking([&](const ApprovalRequest& request, const std::atomic<bool>*) {
                ++asked;
                seen = request;
                return asked == 1 ? ApprovalDecision::approve_once : ApprovalDecision::deny;
            }));
        auto probe = std::make_unique<ProbeTool>();
        ProbeTool* tool = probe.get();
        runner.add_tool(std::move(probe));
        const auto settings = with_tools({"functions.probe"});  // the qualified name counts too

        ToolInvocation call = call_of("functions.probe", R"({"n":7})");
        call.call_id = 42;
        ToolOutcome first = runner.run(call, settings, nullptr);
        QCOMPARE(first.approval, ToolApproval::approved_once);
        QCOMPARE(first.error, std::string());
        QCOMPARE(first.result, std::string("n=7"));
        QCOMPARE(seen.tool, std::string("probe"));
        QCOMPARE(seen.call_id, ToolCallId(42));
        QCOMPARE(seen.conversation_id, std::string("c"));
        QCOMPARE(seen.arguments, std::string("{\n  \"n\": 7\n}"));

        ToolOutcome second = runner.run(call, settings, nullptr);
        QCOMPARE(second.approval, ToolApproval::denied);
        QVERIFY(second.error.find("the user denied this call") != std::string::npos);
        QCOMPARE(tool->calls, 1);

        LocalToolRunner nobody_asked;  // no prompt: nothing runs
        const ToolOutcome denied =
            nobody_asked.run(call_of("functions.calculator", R"({"expression": "1+1"})"),
                             with_tools({"calculator"}), nullptr);
        QCOMPARE(denied.approval, ToolApproval::denied);
        QVERIFY(denied.error.find("did not allow") != std::string::npos);
    }

    void stopDuringApprovalDenies() {
        std::atomic<bool> cancel{false};
        LocalToolRunner runner(asking([&](const ApprovalRequest&, const std::atomic<bool>*) {
            cancel = true;  // the user pressed Stop while the card was shown
            return ApprovalDecision::approve_once;
        }));
        const ToolOutcome outcome =
            runner.run(call_of("functions.calculator", R"({"expression": "1"})"),
                       with_tools({"calculator"}), &cancel);
        QCOMPARE(outcome.approval, ToolApproval::denied);
        QCOMPARE(outcome.error, std::string("stopped by the user"));
    }

    void timeLimitsApplyToEveryTool() {
        LocalToolRunnerOptions options = asking(answer(ApprovalDecision::approve_once));
        options.time_limits["slow"] = std::chrono::milliseconds(100);
        LocalToolRunner runner(std::move(options));
        runner.add_tool(std::make_unique<ProbeTool>("slow", true));
        QElapsedTimer timer;
        timer.start();
        const ToolOutcome outcome =
            runner.run(call_of("functions.slow", R"({"n": 1})"), with_tools({"slow"}), nullptr);
        QVERIFY2(outcome.error.find("timed out after 100 ms") == 0, outcome.error.c_str());
        QVERIFY(outcome.error.find("output so far:\npartial") != std::string::npos);
        QVERIFY(timer.elapsed() >= 100);
        QVERIFY(timer.elapsed() < 3000);
    }

    void builtinPythonFormTakesRawCode() {
        // gpt-oss was trained to send code to "python" as plain text; that reaches the python
        // tool as {"code": ...}. (A stand-in tool: no sandbox needed here.)
        LocalToolRunner runner(asking(answer(ApprovalDecision::approve_once)));
        class EchoPython final : public Tool {
          public:
            EchoPython() {
                d_.name = "python";
                d_.parameters = Json::parse(
                    R"({"type": "object", "properties": {"code": {"type": "string"}},
                        "required": ["code"]})");
            }
            const harmony::FunctionTool& definition() const override { return d_; }
            std::string unavailable_reason(const ConversationSettings&) const override {
                return {};
            }
            std::chrono::milliseconds time_limit() const override {
                return std::chrono::seconds(1);
            }
            ToolResult run(const Json& arguments, const ToolContext&) override {
                return ToolResult::success(arguments["code"].get<std::string>());
            }

          private:
            harmony::FunctionTool d_;
        };
        runner.add_tool(std::make_unique<EchoPython>());
        const ToolOutcome outcome =
            runner.run(call_of("python", "print(1 + 1)\n"), with_tools({"python"}), nullptr);
        QCOMPARE(outcome.error, std::string());
        QCOMPARE(outcome.result, std::string("print(1 + 1)\n"));
    }

    void definitionsOfferOnlyEnabledToolsThatCanRun() {
        LocalToolRunnerOptions options;
        options.python.interpreter = "/nonexistent/python3";
        LocalToolRunner runner(std::move(options));
        ConversationSettings settings =
            with_tools({"calculator", "python", "read_file", "current_time"});
        std::vector<std::string> offered;
        for (const auto& tool : runner.definitions(settings))
            offered.push_back(tool.name);
        // python: no interpreter here; read_file: no folder shared.
        QCOMPARE(offered, (std::vector<std::string>{"calculator", "current_time"}));
        const auto tools = runner.tools(settings);
        QCOMPARE(tools.size(), size_t(5));
        QCOMPARE(tools[2].name, std::string("python"));
        QVERIFY(tools[2].enabled);
        QVERIFY2(tools[2].unavailable_reason.find("/nonexistent/python3 does not exist") !=
                     std::string::npos,
                 tools[2].unavailable_reason.c_str());
        QVERIFY(tools[3].unavailable_reason.find("no folder is shared") != std::string::npos);
        QVERIFY(!tools[4].enabled);
        const ToolOutcome outcome =
            runner.run(call_of("functions.python", R"({"code": "1"})"), settings, nullptr);
        QVERIFY(outcome.error.find("python is not available") == 0);
        QCOMPARE(default_enabled_tools(), (std::vector<std::string>{"calculator", "current_time"}));
    }

    void currentTimeSaysDateTimeAndZone() {
        LocalToolRunner runner(asking(answer(ApprovalDecision::approve_once)));
        for (const char* arguments : {"", "{}"}) {
            const ToolOutcome outcome = runner.run(call_of("functions.current_time", arguments),
                                                   with_tools({"current_time"}), nullptr);
            QCOMPARE(outcome.error, std::string());
            const Json json = Json::parse(outcome.result);
            QVERIFY(QRegularExpression("^\\d{4}-\\d{2}-\\d{2}$")
                        .match(QString::fromStdString(json["date"].get<std::string>()))
                        .hasMatch());
            QVERIFY(QRegularExpression("^\\d{2}:\\d{2}:\\d{2}$")
                        .match(QString::fromStdString(json["time"].get<std::string>()))
                        .hasMatch());
            QVERIFY(QRegularExpression("^[+-]\\d{2}:\\d{2}$")
                        .match(QString::fromStdString(json["utc_offset"].get<std::string>()))
                        .hasMatch());
            QCOMPARE(json["iso8601"].get<std::string>(), json["date"].get<std::string>() + "T" +
                                                             json["time"].get<std::string>() +
                                                             json["utc_offset"].get<std::string>());
        }
        const ToolOutcome bad = runner.run(call_of("functions.current_time", R"({"zone": 1})"),
                                           with_tools({"current_time"}), nullptr);
        QVERIFY(bad.error.find("takes no arguments") != std::string::npos);
    }

    void approvalGateHandsOverBetweenThreads() {
        std::atomic<ToolCallId> shown{0};
        ApprovalGate gate([&](const ApprovalRequest& request) { shown = request.call_id; });
        ApprovalRequest request;
        request.call_id = 7;
        // The "UI thread" answers a stale id first (ignored), then the right one.
        std::thread ui([&] {
            while (shown.load() != 7)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            gate.answer(6, ApprovalDecision::approve_once);
            gate.answer(7, ApprovalDecision::approve_always);
        });
        QCOMPARE(gate.ask(request, nullptr), ApprovalDecision::approve_always);
        ui.join();

        // Stop while waiting: deny, and a click that arrives later changes nothing.
        std::atomic<bool> cancel{false};
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(60));
            cancel = true;
        });
        request.call_id = 8;
        QCOMPARE(gate.prompt()(request, &cancel), ApprovalDecision::deny);
        stopper.join();
        gate.answer(8, ApprovalDecision::approve_once);
    }

    void alwaysIsReadFromTheHistory() {
        QTemporaryDir dir;
        auto store = HistoryStore::open(dir.filePath("h.sqlite3").toStdString()).value();
        const std::string id = store->create_conversation("t").value().id;
        const std::string other = store->create_conversation("u").value().id;
        NewMessage message;
        message.role = MessageRole::assistant;
        message.recipient = "functions.calculator";
        const MessageId m = store->append_message(id, message).value().id;
        const MessageId n = store->append_message(other, message).value().id;
        QCOMPARE(*store->tool_always_approved(id, "functions.calculator"), false);
        // A call recorded as approved "always" is history, not a permission: an imported file
        // can carry such rows, so they grant nothing.
        QVERIFY(store->add_tool_call(m, "functions.calculator", "{}", ToolApproval::approved_always)
                    .ok());
        QVERIFY(store->add_tool_call(m, "calculator", "{}", ToolApproval::approved_always).ok());
        QCOMPARE(*store->tool_always_approved(id, "calculator"), false);
        QCOMPARE(*store->tool_always_approved(id, "functions.calculator"), false);
        // The user's answer is the grant.
        QVERIFY(store->grant_tool_always(other, "calculator").ok());
        QCOMPARE(*store->tool_always_approved(id, "calculator"), false);  // other conversation
        QCOMPARE(*store->tool_always_approved(other, "functions.calculator"), true);
        QVERIFY(store->grant_tool_always(id, "functions.calculator").ok());
        QVERIFY(store->grant_tool_always(id, "calculator").ok());  // again: no change, no error
        QCOMPARE(*store->tool_always_approved(id, "calculator"), true);
        QCOMPARE(*store->tool_always_approved(id, "functions.python"), false);
        QVERIFY(!store->grant_tool_always("no-such-conversation", "calculator").ok());

        // The runner honours it without asking.
        int asked = 0;
        LocalToolRunnerOptions options = asking(answer(ApprovalDecision::deny, &asked));
        options.store = store.get();
        LocalToolRunner runner(std::move(options));
        ToolInvocation call = call_of("functions.calculator", R"({"expression": "6*7"})");
        call.conversation_id = id;
        call.call_id = store->add_tool_call(m, call.recipient, call.arguments).value().id;
        const ToolOutcome outcome = runner.run(call, with_tools({"calculator"}), nullptr);
        QCOMPARE(asked, 0);
        // In the other conversation it asks, naming the message that made the call.
        LocalToolRunnerOptions other_options;
        std::optional<MessageId> shown_at;
        other_options.approve = [&](const ApprovalRequest& request, const std::atomic<bool>*) {
            shown_at = request.message_id;
            return ApprovalDecision::deny;
        };
        other_options.store = store.get();
        ToolInvocation other_call = call_of("functions.python", R"({"code": "1"})");
        other_call.conversation_id = other;
        other_call.call_id = store->add_tool_call(n, other_call.recipient, "{}").value().id;
        LocalToolRunner other_runner(std::move(other_options));
        other_runner.add_tool(std::make_unique<ProbeTool>("python"));
        QCOMPARE(other_runner.run(other_call, with_tools({"python"}), nullptr).approval,
                 ToolApproval::pending);  // {"code": ...} does not fit ProbeTool's schema
        other_call.arguments = R"({"n": 1})";
        QCOMPARE(other_runner.run(other_call, with_tools({"python"}), nullptr).approval,
                 ToolApproval::denied);
        QCOMPARE(shown_at, std::optional<MessageId>(n));
        QCOMPARE(outcome.approval, ToolApproval::approved_always);
        QCOMPARE(outcome.result, std::string(R"({"result": 42})"));
        QVERIFY(store->tool_call(call.call_id)->started_at.has_value());
    }
};

QTEST_GUILESS_MAIN(TestToolRunner)
#include "test_tool_runner.moc"
