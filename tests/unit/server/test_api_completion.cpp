// The local API's core without HTTP: request bodies to harmony prompts (checked field by field),
// scripted harmony output to OpenAI deltas (reasoning, content cut at stop strings, tool calls),
// and the bounded FIFO queue with one worker. The real o200k tokenizer and renderer; the model's
// output is scripted (tests/support/scripted_token_source.h).
#include <QtTest>

#include "app/core/server/chat_completion.h"
#include "app/core/server/generation_queue.h"
#include "app/core/server/loopback.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "tests/support/scripted_token_source.h"

using namespace ponder;
using namespace ponder::core;
using namespace ponder::core::server;
using ponder::test::ScriptedTokenSource;

namespace {

ChatCompletionRequest parse_ok(const std::string& body) {
    auto parsed = parse_chat_request(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) {
        qWarning("unexpected error: %s", error->message.c_str());
        return {};
    }
    return std::get<ChatCompletionRequest>(std::move(parsed));
}

ApiError parse_error(const std::string& body) {
    auto parsed = parse_chat_request(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) return *error;
    return ApiError{0, "no error", "", {}, {}};
}

struct Collected {
    std::string reasoning;
    std::string content;
    std::vector<CompletionDelta> calls;
    int content_deltas = 0;
};

DeltaHandler collect(Collected& out) {
    return [&out](const CompletionDelta& delta) {
        switch (delta.kind) {
            case CompletionDelta::Kind::reasoning:
                out.reasoning += delta.text;
                break;
            case CompletionDelta::Kind::content:
                out.content += delta.text;
                ++out.content_deltas;
                break;
            case CompletionDelta::Kind::tool_call:
                out.calls.push_back(delta);
                break;
        }
    };
}

}  // namespace

class TestApiCompletion : public QObject {
    Q_OBJECT
    std::optional<Tokenizer> tokenizer_;
    ModelIdentity identity_;

  private slots:
    void initTestCase() {
        auto loaded = load_o200k_harmony();
        QVERIFY(loaded.ok());
        tokenizer_.emplace(std::move(*loaded));
    }

    void messagesBecomeTheHarmonyPrompt() {
        const auto request = parse_ok(
            R"({"model": "m", "reasoning_effort": "high", "messages": [{"role": "system", "content": "Be brief."}, {"role": "developer", "content": [{"type": "text", "text": "Use SI units."}]}, {"role": "user", "content": "Weather?"}, {"role": "assistant", "content": null, "reasoning_content": "Need the tool.", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_temp", "arguments": "city=Oslo"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "-3"}], "tools": [{"type": "function", "function": {"name": "get_temp", "description": "Temperature.", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]})");
        ScriptedTokenSource source(*tokenizer_);
        ChatCompletion completion(source, *tokenizer_, identity_);
        const std::string text = completion.render_text(request);
        QVERIFY2(text.find("Reasoning: high") != std::string::npos, text.c_str());
        QVERIFY(text.find("# Instructions\n\nBe brief.\n\nUse SI units.") != std::string::npos);
        QVERIFY(text.find("type get_temp = (_: {\ncity?: string,\n}) => any;") !=
                std::string::npos);
        QVERIFY(text.find("<|start|>user<|message|>Weather?<|end|>") != std::string::npos);
        QVERIFY(text.find("<|channel|>analysis<|message|>Need the tool.<|end|>") !=
                std::string::npos);
        QVERIFY(text.find("<|start|>assistant to=functions.get_temp<|channel|>commentary "
                          "<|constrain|>json<|message|>city=Oslo<|call|>") != std::string::npos);
        QVERIFY(text.find("<|start|>functions.get_temp to=assistant<|channel|>commentary<|message|>"
                          "-3<|end|>") != std::string::npos);
        QVERIFY(text.ends_with("<|end|><|start|>assistant"));
    }

    void toolChoiceNoneHidesTheTools() {
        const auto request = parse_ok(
            R"({"model": "m", "tool_choice": "none", "messages": [{"role": "user", "content": "Hi"}], "tools": [{"type": "function", "function": {"name": "f"}}]})");
        QVERIFY(request.prompt.function_tools.empty());
    }

    void badFieldsAreNamed_data() {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("param");
        QTest::newRow("not json") << R"({"model": )"
                                  << "";
        QTest::newRow("no model") << R"({"messages": [{"role": "user", "content": "x"}]})"
                                  << "model";
        QTest::newRow("messages string") << R"({"model": "m", "messages": "x"})"
                                         << "messages";
        QTest::newRow("no user")
            << R"({"model": "m", "messages": [{"role": "system", "content": "x"}]})"
            << "messages";
        QTest::newRow("image part")
            << R"({"model": "m", "messages": [{"role": "user", "content": [{"type": "image_url"}]}]})"
            << "messages[0].content[0].type";
        QTest::newRow("temperature")
            << R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 3})"
            << "temperature";
        QTest::newRow("top_p zero")
            << R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "top_p": 0})"
            << "top_p";
        QTest::newRow("max tokens float")
            << R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "max_completion_tokens": 1.5})"
            << "max_completion_tokens";
        QTest::newRow("five stops")
            << R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "stop": ["a","b","c","d","e"]})"
            << "stop";
        QTest::newRow("n")
            << R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "n": 2})"
            << "n";
        QTest::newRow("unknown")
            << R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "temprature": 1})"
            << "temprature";
        QTest::newRow("tool name")
            << R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function", "function": {"name": "a b"}}]})"
            << "tools[0].function.name";
        QTest::newRow("named choice unknown")
            << R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "tool_choice": {"type": "function", "function": {"name": "g"}}})"
            << "tool_choice.function.name";
    }

    void badFieldsAreNamed() {
        QFETCH(QString, body);
        QFETCH(QString, param);
        const ApiError error = parse_error(body.toStdString());
        QCOMPARE(error.http_status, 400);
        QCOMPARE(QString::fromStdString(error.param.value_or("")), param);
        QVERIFY(!error.message.empty());
        const auto shaped = error.to_json();
        QVERIFY(shaped["error"].contains("type") && shaped["error"].contains("code"));
    }

    void reasoningContentAndUsage() {
        ScriptedTokenSource source(*tokenizer_);
        source.add_output(
            "<|channel|>analysis<|message|>Add them.<|end|><|start|>assistant<|channel|>final"
            "<|message|>42<|return|>");
        ChatCompletion completion(source, *tokenizer_, identity_);
        const auto request =
            parse_ok(R"({"model": "m", "messages": [{"role": "user", "content": "23+19?"}]})");
        const auto prompt = std::get<std::vector<TokenId>>(completion.render(request));
        Collected out;
        auto result = completion.run(request, prompt, collect(out), nullptr);
        QVERIFY(result.ok());
        QCOMPARE(out.reasoning, std::string("Add them."));
        QCOMPARE(out.content, std::string("42"));
        QCOMPARE(result->finish_reason, std::string("stop"));
        QCOMPARE(result->usage.prompt_tokens, static_cast<std::int64_t>(prompt.size()));
        QVERIFY(result->usage.reasoning_tokens >= 3);
        QVERIFY(result->usage.completion_tokens > result->usage.reasoning_tokens);
    }

    void stopStringsCutTheAnswer() {
        ScriptedTokenSource source(*tokenizer_);
        source.add_output("<|channel|>final<|message|>one, two, three, four<|return|>");
        ChatCompletion completion(source, *tokenizer_, identity_);
        const auto request = parse_ok(
            R"({"model": "m", "stop": [", thr"], "messages": [{"role": "user", "content": "count"}]})");
        const auto prompt = std::get<std::vector<TokenId>>(completion.render(request));
        Collected out;
        auto result = completion.run(request, prompt, collect(out), nullptr);
        QVERIFY(result.ok());
        QCOMPARE(out.content, std::string("one, two"));
        QCOMPARE(result->finish_reason, std::string("stop"));
    }

    void toolCallsBecomeToolCalls() {
        ScriptedTokenSource source(*tokenizer_);
        source.add_output(
            "<|channel|>analysis<|message|>Use the tool.<|end|><|start|>assistant<|channel|>"
            "commentary to=functions.calculator <|constrain|>json<|message|>{\"expression\":"
            "\"347 * 29\"}<|call|>");
        ChatCompletion completion(source, *tokenizer_, identity_);
        const auto request = parse_ok(
            R"({"model": "m", "messages": [{"role": "user", "content": "347*29?"}], "tools": [{"type": "function", "function": {"name": "calculator"}}]})");
        const auto prompt = std::get<std::vector<TokenId>>(completion.render(request));
        Collected out;
        auto result = completion.run(request, prompt, collect(out), nullptr);
        QVERIFY(result.ok());
        QCOMPARE(result->finish_reason, std::string("tool_calls"));
        QVERIFY(!out.calls.empty());
        QCOMPARE(out.calls[0].tool_name, std::string("calculator"));
        QVERIFY(out.calls[0].tool_call_id.rfind("call_", 0) == 0);
        std::string arguments;
        for (const auto& call : out.calls) {
            QCOMPARE(call.tool_index, 0);
            arguments += call.text;
        }
        QCOMPARE(arguments, std::string("{\"expression\":\"347 * 29\"}"));
        QVERIFY(out.content.empty());
    }

    void promptsThatDoNotFitAre413() {
        ScriptedTokenSource source(*tokenizer_, 300);
        ChatCompletion completion(source, *tokenizer_, identity_);
        std::string words;
        for (int i = 0; i < 400; ++i)
            words += " apple";
        const auto request = parse_ok(
            R"({"model": "m", "messages": [{"role": "user", "content": ")" + words + R"("}]})");
        auto rendered = completion.render(request);
        QVERIFY(std::holds_alternative<ApiError>(rendered));
        QCOMPARE(std::get<ApiError>(rendered).http_status, 413);
        QCOMPARE(std::get<ApiError>(rendered).code.value_or(""),
                 std::string("context_length_exceeded"));
    }

    void queueIsBoundedFirstInFirstOut() {
        std::mutex gate_mutex;
        std::condition_variable gate_changed;
        bool open = false;
        std::vector<std::string> order;
        GenerationQueue queue(2, [&](Job& job) -> Result<CompletionResult> {
            std::unique_lock lock(gate_mutex);
            gate_changed.wait(lock, [&] { return open; });
            order.push_back(job.id());
            return CompletionResult{};
        });
        auto make = [](const std::string& id) {
            return std::make_shared<Job>(id, ChatCompletionRequest{}, std::vector<TokenId>{});
        };
        auto first = make("a");
        QVERIFY(queue.submit(first));
        // Wait until the worker holds "a", so that exactly two can wait behind it.
        for (int i = 0; i < 500 && !first->wait(std::chrono::milliseconds(10)).started; ++i) {
        }
        auto second = make("b");
        auto third = make("c");
        auto fourth = make("d");
        QVERIFY(queue.submit(second));
        QVERIFY(queue.submit(third));
        QVERIFY(!queue.submit(fourth));   // full: the caller answers 429
        QVERIFY(queue.withdraw(third));   // waited too long: 503
        QVERIFY(!queue.withdraw(first));  // already running
        {
            std::lock_guard lock(gate_mutex);
            open = true;
        }
        gate_changed.notify_all();
        for (auto* job : {&first, &second}) {
            std::optional<Result<CompletionResult>> done;
            for (int i = 0; i < 500 && !done; ++i)
                done = (*job)->wait(std::chrono::milliseconds(10)).finished;
            QVERIFY(done && done->ok());
        }
        QCOMPARE(order, (std::vector<std::string>{"a", "b"}));
    }

    void onlyLoopbackAddresses() {
        QCOMPARE(loopback_bind_address("127.0.0.1").value_or(""), std::string("127.0.0.1"));
        QCOMPARE(loopback_bind_address("127.8.9.10").value_or(""), std::string("127.8.9.10"));
        QCOMPARE(loopback_bind_address("::1").value_or(""), std::string("::1"));
        QCOMPARE(loopback_bind_address("localhost").value_or(""), std::string("127.0.0.1"));
        for (const char* host : {"0.0.0.0", "::", "192.168.1.2", "10.0.0.1", "example.com",
                                 "::ffff:127.0.0.1", "", "127.0.0.1 "}) {
            QVERIFY2(!loopback_bind_address(host), host);
        }
    }
};

QTEST_GUILESS_MAIN(TestApiCompletion)
#include "test_api_completion.moc"
