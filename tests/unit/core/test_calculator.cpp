// The calculator tool: hand-written big integers and rationals, the expression parser, the
// result format, and the definition the demo model was trained with.
#include <QtTest>

#include "app/core/tools/builtin_tools.h"
#include "app/core/tools/calculator.h"
#include "engine/harmony/renderer.h"

using namespace ponder;
using namespace ponder::core;

namespace {

// The tool's JSON answer for `expression`, or "error: <message>".
std::string calc(std::string_view expression) {
    auto value = evaluate_expression(expression);
    if (!value) return "error: " + value.status().message();
    return calculator_result_json(*value);
}

bool fails_with(std::string_view expression, std::string_view words) {
    const std::string answer = calc(expression);
    const bool ok = answer.rfind("error: ", 0) == 0 && answer.find(words) != std::string::npos;
    if (!ok) qWarning("%s -> %s", std::string(expression).c_str(), answer.c_str());
    return ok;
}

BigInt big(const char* digits) {
    return *BigInt::from_decimal(digits);
}

}  // namespace

class TestCalculator : public QObject {
    Q_OBJECT
  private slots:
    void bigIntegersAgreeWithKnownValues() {
        QCOMPARE(BigInt::pow(2, 200).to_string(),
                 std::string("1606938044258990275541962092341162602522202993782792835301376"));
        QCOMPARE((BigInt(123456789) * BigInt(987654321)).to_string(),
                 std::string("121932631112635269"));
        QCOMPARE(BigInt(INT64_MIN).to_string(), std::string("-9223372036854775808"));
        QCOMPARE(BigInt(INT64_MIN).to_int64(), std::optional<std::int64_t>(INT64_MIN));
        QVERIFY(!BigInt::pow(2, 64).to_int64());
        QCOMPARE(big("000123").to_string(), std::string("123"));
        QVERIFY(!BigInt::from_decimal("12a"));
        QVERIFY(!BigInt::from_decimal(""));
        QCOMPARE((big("1000000000") - BigInt(1)).to_string(), std::string("999999999"));
        QCOMPARE((BigInt(5) - BigInt(8)).to_string(), std::string("-3"));
        QCOMPARE(BigInt::isqrt(big("1000000000000000000000000000000")).to_string(),
                 std::string("1000000000000000"));
        QCOMPARE(BigInt::gcd(big("1071"), big("462")).to_string(), std::string("21"));
    }

    void longDivisionMatchesMultiplication() {
        // Knuth's algorithm D has rare corrections (qhat too large by one or two): sweep
        // divisors with top limbs that trigger them and check q*b + r == a, 0 <= r < b.
        const BigInt a = BigInt::pow(big("999999999123456789"), 7) + big("123456789987654321");
        for (const char* divisor :
             {"1000000000000000000", "999999999999999999999", "500000000000000000000000000001",
              "123456789", "1000000001000000001000000001", "4294967296"}) {
            const BigInt b = big(divisor);
            BigInt q, r;
            BigInt::divide(a, b, q, r);
            QCOMPARE((q * b + r).to_string(), a.to_string());
            QVERIFY(r >= BigInt(0) && r < b);
            BigInt::divide(-a, b, q, r);  // truncation: remainder takes the dividend's sign
            QCOMPARE((q * b + r).to_string(), (-a).to_string());
            QVERIFY(r <= BigInt(0));
        }
    }

    void integersAreExact() {
        QCOMPARE(calc("123 * 456"), std::string(R"({"result": 56088})"));
        QCOMPARE(
            calc("2^200"),
            std::string(
                R"({"result": 1606938044258990275541962092341162602522202993782792835301376})"));
        QCOMPARE(calc("123456789*987654321"), std::string(R"({"result": 121932631112635269})"));
        QCOMPARE(calc("30!"), std::string(R"({"result": 265252859812191058636308480000000})"));
        QCOMPARE(calc("-(2^64) + 1"), std::string(R"({"result": -18446744073709551615})"));
    }

    void rationalsAndDecimalsAreExact() {
        QCOMPARE(calc("1/3 + 1/6"), std::string(R"({"result": 0.5})"));
        QCOMPARE(calc("0.1 + 0.2"), std::string(R"({"result": 0.3})"));
        QCOMPARE(calc("0.1 + 0.2 - 0.3"), std::string(R"({"result": 0})"));
        QCOMPARE(calc("7/3"),
                 std::string(R"({"result": "7/3", "decimal": "2.3333333333333333333"})"));
        QCOMPARE(calc("-1/3"),
                 std::string(R"({"result": "-1/3", "decimal": "-0.33333333333333333333"})"));
        QCOMPARE(calc("1.5e-3 * 2"), std::string(R"({"result": 0.003})"));
        QCOMPARE(calc("2^-10"), std::string(R"({"result": 0.0009765625})"));
        QCOMPARE(calc("sqrt(16/9)"),
                 std::string(R"({"result": "4/3", "decimal": "1.3333333333333333333"})"));
        QCOMPARE(calc("8^(1/3)"), std::string(R"({"result": 2})"));
        QCOMPARE(calc("(-27)^(1/3)"), std::string(R"({"result": -3})"));
        QCOMPARE(calc("1/2^100"), std::string(R"({"result": "1/1267650600228229401496703205376", )"
                                              R"("decimal": "7.8886090522101180541e-31"})"));
    }

    void precedenceAndAssociativity() {
        QCOMPARE(calc("2 + 3 * 4"), std::string(R"({"result": 14})"));
        QCOMPARE(calc("(2 + 3) * 4"), std::string(R"({"result": 20})"));
        QCOMPARE(calc("2^3^2"), std::string(R"({"result": 512})"));  // right-associative
        QCOMPARE(calc("2**3**2"), std::string(R"({"result": 512})"));
        QCOMPARE(calc("-2^2"), std::string(R"({"result": -4})"));  // power binds tighter
        QCOMPARE(calc("(-2)^2"), std::string(R"({"result": 4})"));
        QCOMPARE(calc("--3"), std::string(R"({"result": 3})"));
        QCOMPARE(calc("2 * -3"), std::string(R"({"result": -6})"));
        QCOMPARE(calc("10 - 4 - 3"), std::string(R"({"result": 3})"));
        QCOMPARE(calc("100 / 10 / 5"), std::string(R"({"result": 2})"));
        QCOMPARE(calc("-7 // 2"), std::string(R"({"result": -4})"));  // floor, as in Python
        QCOMPARE(calc("-7 % 3"), std::string(R"({"result": 2})"));
        QCOMPARE(calc("3! + 1"), std::string(R"({"result": 7})"));
        QCOMPARE(calc("12 × 34 ÷ 2 − 4"), std::string(R"({"result": 200})"));
    }

    void functionsAndApproximations() {
        QCOMPARE(calc("round(2.5)"), std::string(R"({"result": 3})"));
        QCOMPARE(calc("round(-2.5)"), std::string(R"({"result": -3})"));
        QCOMPARE(calc("round(3.14159, 2)"), std::string(R"({"result": 3.14})"));
        QCOMPARE(calc("floor(-2.5) + ceil(2.1) + trunc(-2.9) + abs(-4)"),
                 std::string(R"({"result": 2})"));
        QCOMPARE(calc("max(1, 5/2, 2) + min(3, -1)"), std::string(R"({"result": 1.5})"));
        QCOMPARE(calc("gcd(12, 18) + lcm(4, 6)"), std::string(R"({"result": 18})"));
        QCOMPARE(calc("sqrt(2)"),
                 std::string(R"({"result": 1.414213562373095, "approximate": true})"));
        QCOMPARE(calc("sin(pi / 6)"), std::string(R"({"result": 0.5, "approximate": true})"));
        QCOMPARE(calc("log(1000, 10)"), std::string(R"({"result": 3, "approximate": true})"));
        QCOMPARE(calc("ln(e)"), std::string(R"({"result": 1, "approximate": true})"));
    }

    void badInputIsAnErrorThatSaysWhere() {
        QVERIFY(fails_with("1/0", "division by zero"));
        QVERIFY(fails_with("5 % 0", "division by zero"));
        QVERIFY(fails_with("0^-1", "negative power"));
        QVERIFY(fails_with("", "empty"));
        QVERIFY(fails_with("1 +", "ends too early"));
        QVERIFY(fails_with("(1 + 2", "never closed"));
        QVERIFY(fails_with("1 2", "unexpected '2' at position 3"));
        QVERIFY(fails_with("two + 2", "unknown name 'two'"));
        QVERIFY(fails_with("frob(2)", "unknown function 'frob'"));
        QVERIFY(fails_with("1..2", "is not a number"));
        QVERIFY(fails_with("sqrt(-1)", "not a real number"));
        QVERIFY(fails_with("(-8)^(1/2)", "not a real number"));
        QVERIFY(fails_with("2.5!", "non-negative whole number"));
        QVERIFY(fails_with("round(1, 2, 3)", "takes 1 or 2 arguments"));
        QVERIFY(fails_with("2^100000", "more than 10000 digits"));
        QVERIFY(fails_with("factorial(5000)", "more than 10000 digits"));
        QVERIFY(fails_with("1e999999999", "is not a number"));
        QVERIFY(
            fails_with(std::string(300, '(') + "1" + std::string(300, ')'), "nested too deeply"));
        QVERIFY(fails_with(std::string(300, '-') + "1", "nested too deeply"));
    }

    void codeIsNeverEvaluated() {
        // Nothing but the grammar: Python, shell and JavaScript are errors, not programs.
        QVERIFY(fails_with("__import__('os').system('id')", "unexpected character '''"));
        QVERIFY(fails_with("exec", "unknown name 'exec'"));
        QVERIFY(fails_with("eval(1)", "unknown function 'eval'"));
        QVERIFY(fails_with("$(reboot)", "unexpected character '$'"));
        QVERIFY(fails_with("1; 2", "unexpected character ';'"));
        QVERIFY(fails_with("[1, 2]", "unexpected character '['"));
        QVERIFY(fails_with("a = 3", "unexpected character '='"));
        QVERIFY(fails_with("\xff\xfe", "unexpected character"));
    }

    void stopRequestEndsTheEvaluation() {
        int polls = 0;
        auto value = evaluate_expression("2^1000 * 3^1000", {}, [&] { return ++polls > 2; });
        QVERIFY(!value.ok());
        QCOMPARE(value.status().code(), StatusCode::cancelled);
    }

    void toolMatchesTheDemoModelsTraining() {
        // tools/demo-model/harmony.py (branch demo-model): CALCULATOR_TOOL and its rendering.
        auto tool = make_calculator_tool();
        const harmony::FunctionTool& d = tool->definition();
        QCOMPARE(d.name, std::string("calculator"));
        QCOMPARE(d.description,
                 std::string("Evaluate an arithmetic expression and return the result."));
        QCOMPARE(d.parameters->dump(),
                 std::string(R"({"type":"object","properties":{"expression":{"type":"string",)"
                             R"("description":"The expression, for example 12 * 34"}},)"
                             R"("required":["expression"]})"));
        harmony::DeveloperContent developer;
        developer.function_tools = {d};
        QCOMPARE(harmony::developer_message_text(developer),
                 std::string("# Tools\n\n## functions\n\nnamespace functions {\n\n"
                             "// Evaluate an arithmetic expression and return the result.\n"
                             "type calculator = (_: {\n"
                             "// The expression, for example 12 * 34\n"
                             "expression: string,\n"
                             "}) => any;\n\n"
                             "} // namespace functions"));

        ToolContext context;
        const ToolResult result = tool->run(Json{{"expression", "123 * 456"}}, context);
        QCOMPARE(result.error, std::string());
        QCOMPARE(result.output, std::string(R"({"result": 56088})"));
        context.deadline = ToolClock::now();  // already over: a timeout, not a hang
        const ToolResult late = tool->run(Json{{"expression", "2^1000"}}, context);
        QVERIFY(late.timed_out);  // the runner words the message
    }
};

QTEST_GUILESS_MAIN(TestCalculator)
#include "test_calculator.moc"
