#include "app/core/tools/calculator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace ponder::core {
namespace {

using Value = CalculatorValue;

struct Token {
    enum class Kind { number, name, op, open, close, comma, end };
    Kind kind = Kind::end;
    std::string text;
    size_t position = 0;  // 1-based character offset, for messages
};

Status bad(const std::string& message) {
    return Status(StatusCode::invalid_argument, message);
}

// Multi-byte symbols people paste from documents, and what they mean here.
struct Alias {
    std::string_view utf8;
    Token::Kind kind;
    std::string_view text;
};
constexpr Alias kAliases[] = {
    {"\xC3\x97", Token::Kind::op, "*"},      // ×
    {"\xC2\xB7", Token::Kind::op, "*"},      // ·
    {"\xC3\xB7", Token::Kind::op, "/"},      // ÷
    {"\xE2\x88\x92", Token::Kind::op, "-"},  // − (minus sign)
    {"\xCF\x80", Token::Kind::name, "pi"},   // π
};

Result<std::vector<Token>> tokenize(std::string_view text) {
    std::vector<Token> tokens;
    size_t i = 0;
    size_t characters = 0;  // position in characters, not bytes
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    auto is_name = [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_digit(c);
    };
    while (i < text.size()) {
        const char c = text[i];
        Token token;
        token.position = characters + 1;
        const size_t start = i;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++i;
            ++characters;
            continue;
        }
        if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
            while (i < text.size() && (is_digit(text[i]) || text[i] == '.'))
                ++i;
            // An exponent only when digits follow ("2e3"); "2e" alone is 2 then the name e.
            if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
                size_t j = i + 1;
                if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
                if (j < text.size() && is_digit(text[j])) {
                    i = j;
                    while (i < text.size() && is_digit(text[i]))
                        ++i;
                }
            }
            token.kind = Token::Kind::number;
        } else if (is_name(c)) {
            while (i < text.size() && is_name(text[i]))
                ++i;
            token.kind = Token::Kind::name;
        } else if (c == '(' || c == ')' || c == ',') {
            ++i;
            token.kind = c == '('   ? Token::Kind::open
                         : c == ')' ? Token::Kind::close
                                    : Token::Kind::comma;
        } else if (c == '*' || c == '/') {
            i += (i + 1 < text.size() && text[i + 1] == c) ? 2 : 1;
            token.kind = Token::Kind::op;
        } else if (c == '+' || c == '-' || c == '%' || c == '^' || c == '!') {
            ++i;
            token.kind = Token::Kind::op;
        } else {
            bool aliased = false;
            for (const Alias& alias : kAliases) {
                if (text.substr(i).starts_with(alias.utf8)) {
                    token.kind = alias.kind;
                    token.text = alias.text;
                    i += alias.utf8.size();
                    aliased = true;
                    break;
                }
            }
            if (!aliased) {
                size_t end = i + 1;
                while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
                    ++end;
                return bad("unexpected character '" + std::string(text.substr(i, end - i)) +
                           "' at position " + std::to_string(token.position));
            }
            tokens.push_back(std::move(token));
            ++characters;
            continue;
        }
        token.text = std::string(text.substr(start, i - start));
        characters += i - start;
        tokens.push_back(std::move(token));
    }
    Token end;
    end.position = characters + 1;
    tokens.push_back(end);
    return tokens;
}

// floor(n^(1/k)) for n >= 0, by Newton's iteration from above.
BigInt integer_root(const BigInt& n, std::uint64_t k) {
    if (k == 2) return BigInt::isqrt(n);
    if (n.sign() <= 0) return 0;
    const auto digits = static_cast<std::uint64_t>(n.decimal_digits());
    BigInt x = BigInt::power_of_ten((digits + k - 1) / k);
    const BigInt kk(static_cast<std::int64_t>(k));
    while (true) {
        BigInt q, r;
        BigInt::divide(n, BigInt::pow(x, k - 1), q, r);
        BigInt next;
        BigInt::divide(x * BigInt(static_cast<std::int64_t>(k - 1)) + q, kk, next, r);
        if (next >= x) return x;
        x = std::move(next);
    }
}

class Evaluator {
  public:
    Evaluator(std::vector<Token> tokens, const CalculatorLimits& limits,
              const std::function<bool()>& should_stop)
        : tokens_(std::move(tokens)), limits_(limits), should_stop_(should_stop) {}

    Result<Value> run() {
        auto value = expression();
        if (!value) return value;
        if (peek().kind != Token::Kind::end) return unexpected(peek());
        return value;
    }

  private:
    const Token& peek() const { return tokens_[next_]; }
    const Token& take() { return tokens_[next_++]; }
    bool peek_op(std::string_view op) const {
        return peek().kind == Token::Kind::op && peek().text == op;
    }

    static Status unexpected(const Token& token) {
        if (token.kind == Token::Kind::end) return bad("the expression ends too early");
        return bad("unexpected '" + token.text + "' at position " + std::to_string(token.position));
    }

    // Every intermediate passes here: the size cap, and the caller's stop request.
    Result<Value> checked(Value value) const {
        if (should_stop_ && should_stop_()) return Status(StatusCode::cancelled, "stopped");
        if (value.value.digits() > limits_.max_digits) {
            return bad("a number in this calculation has more than " +
                       std::to_string(limits_.max_digits) + " digits");
        }
        return value;
    }

    Result<Value> approximate(long double x, const std::string& what) const {
        if (!std::isfinite(x)) return bad(what + " is not a finite real number");
        return checked({Rational::from_long_double(x), true});
    }

    Result<Value> expression() {
        auto left = term();
        if (!left) return left;
        while (peek_op("+") || peek_op("-")) {
            const bool plus = take().text == "+";
            auto right = term();
            if (!right) return right;
            left = checked({plus ? left->value + right->value : left->value - right->value,
                            left->approximate || right->approximate});
            if (!left) return left;
        }
        return left;
    }

    Result<Value> term() {
        auto left = unary();
        if (!left) return left;
        while (peek_op("*") || peek_op("/") || peek_op("//") || peek_op("%")) {
            const std::string op = take().text;
            auto right = unary();
            if (!right) return right;
            const bool approx = left->approximate || right->approximate;
            if (op == "*") {
                left = checked({left->value * right->value, approx});
            } else if (right->value.is_zero()) {
                return bad("division by zero");
            } else if (op == "/") {
                left = checked({left->value / right->value, approx});
            } else {
                const BigInt quotient = (left->value / right->value).floor();
                left = checked({op == "//" ? Rational(quotient)
                                           : left->value - right->value * Rational(quotient),
                                approx});
            }
            if (!left) return left;
        }
        return left;
    }

    Result<Value> unary() {
        if (peek_op("-") || peek_op("+")) {
            if (++depth_ > limits_.max_depth) return bad("the expression is nested too deeply");
            const bool minus = take().text == "-";
            auto operand = unary();
            --depth_;
            if (!operand) return operand;
            if (minus) operand->value = -operand->value;
            return operand;
        }
        return power();
    }

    Result<Value> power() {
        auto base = postfix();
        if (!base) return base;
        if (!peek_op("^") && !peek_op("**")) return base;
        take();
        if (++depth_ > limits_.max_depth) return bad("the expression is nested too deeply");
        auto exponent = unary();
        --depth_;
        if (!exponent) return exponent;
        return raise(*base, *exponent);
    }

    Result<Value> raise(const Value& base, const Value& exponent) {
        const bool approx = base.approximate || exponent.approximate;
        const Rational& b = base.value;
        const Rational& x = exponent.value;
        if (x.is_integer()) {
            if (b.is_zero()) {
                if (x.sign() < 0) return bad("0 cannot be raised to a negative power");
                return Value{x.is_zero() ? Rational(1) : Rational(0), approx};
            }
            if (b.numerator().abs() == BigInt(1) && b.denominator() == BigInt(1)) {
                const bool odd = !x.numerator().is_even();
                return Value{(b.sign() < 0 && odd) ? Rational(-1) : Rational(1), approx};
            }
            // Refuse before computing: the result has about k * log10(|b|) digits.
            auto log10_of = [](const BigInt& n) {
                const long double v = n.abs().to_long_double();
                return std::isfinite(v) ? static_cast<double>(log10l(v))
                                        : static_cast<double>(n.decimal_digits());
            };
            const auto k = x.numerator().abs().to_int64();
            if (!k || static_cast<double>(*k) *
                              std::max(log10_of(b.numerator()), log10_of(b.denominator())) >
                          static_cast<double>(limits_.max_digits)) {
                return bad("the power has more than " + std::to_string(limits_.max_digits) +
                           " digits");
            }
            const auto power = static_cast<std::uint64_t>(*k);
            Rational result(BigInt::pow(b.numerator(), power), BigInt::pow(b.denominator(), power));
            return checked({x.sign() < 0 ? Rational(1) / result : result, approx});
        }
        // A fractional exponent p/q: a q-th root, exact when the base is a perfect q-th power.
        const bool even_root = x.denominator().is_even();
        if (b.sign() < 0 && even_root) {
            return bad("a negative number to the power " + x.fraction_string() +
                       " is not a real number");
        }
        const auto q = x.denominator().to_int64();
        if (!approx && q && *q <= 64) {
            const auto k = static_cast<std::uint64_t>(*q);
            const BigInt top = integer_root(b.numerator().abs(), k);
            const BigInt bottom = integer_root(b.denominator(), k);
            if (BigInt::pow(top, k) == b.numerator().abs() &&
                BigInt::pow(bottom, k) == b.denominator()) {
                const Rational root(b.sign() < 0 ? -top : top, bottom);
                return raise({root, false}, {Rational(x.numerator()), false});
            }
        }
        const long double magnitude = powl(fabsl(b.to_long_double()), x.to_long_double());
        return approximate(b.sign() < 0 ? -magnitude : magnitude, "the power");
    }

    Result<Value> postfix() {
        auto value = primary();
        if (!value) return value;
        while (peek_op("!")) {
            take();
            value = factorial(*value);
            if (!value) return value;
        }
        return value;
    }

    Result<Value> factorial(const Value& n) {
        if (n.approximate || !n.value.is_integer() || n.value.sign() < 0) {
            return bad("factorial needs a non-negative whole number, got " +
                       n.value.fraction_string());
        }
        const auto count = n.value.numerator().to_int64();
        if (!count || *count > 100000) {
            return bad("the factorial has more than " + std::to_string(limits_.max_digits) +
                       " digits");
        }
        Value product{Rational(1), false};
        for (std::int64_t i = 2; i <= *count; ++i) {
            auto next = checked({product.value * Rational(i), false});
            if (!next) return next;
            product = std::move(*next);
        }
        return product;
    }

    Result<Value> primary() {
        const Token token = take();
        switch (token.kind) {
            case Token::Kind::number: {
                auto value = Rational::from_decimal(token.text, limits_.max_digits);
                if (!value) {
                    return bad("'" + token.text + "' at position " +
                               std::to_string(token.position) + " is not a number");
                }
                return checked({std::move(*value), false});
            }
            case Token::Kind::open: {
                if (++depth_ > limits_.max_depth) return bad("the expression is nested too deeply");
                auto inner = expression();
                --depth_;
                if (!inner) return inner;
                if (peek().kind != Token::Kind::close) {
                    if (peek().kind == Token::Kind::end) return bad("a '(' is never closed");
                    return unexpected(peek());
                }
                take();
                return inner;
            }
            case Token::Kind::name:
                if (peek().kind == Token::Kind::open) return call(token);
                if (token.text == "pi") return approximate(acosl(-1.0L), "pi");
                if (token.text == "e") return approximate(expl(1.0L), "e");
                return bad("unknown name '" + token.text + "' at position " +
                           std::to_string(token.position));
            default:
                return unexpected(token);
        }
    }

    Result<Value> call(const Token& name) {
        take();  // '('
        if (++depth_ > limits_.max_depth) return bad("the expression is nested too deeply");
        std::vector<Value> args;
        if (peek().kind != Token::Kind::close) {
            while (true) {
                auto arg = expression();
                if (!arg) return arg;
                args.push_back(std::move(*arg));
                if (peek().kind != Token::Kind::comma) break;
                take();
            }
        }
        --depth_;
        if (peek().kind != Token::Kind::close) {
            if (peek().kind == Token::Kind::end) return bad("a '(' is never closed");
            return unexpected(peek());
        }
        take();
        return apply(name, args);
    }

    Status arity(const Token& name, const std::vector<Value>& args, size_t least,
                 size_t most) const {
        if (args.size() >= least && args.size() <= most) return Status::success();
        std::string expected = std::to_string(least);
        if (most == SIZE_MAX) {
            expected = "at least " + expected;
        } else if (most != least) {
            expected += " or " + std::to_string(most);
        }
        return bad(name.text + "() takes " + expected + " argument" + (most == 1 ? "" : "s") +
                   ", got " + std::to_string(args.size()));
    }

    Result<Value> integer_argument(const Token& name, const Value& arg) const {
        if (arg.approximate || !arg.value.is_integer()) {
            return bad(name.text + "() needs whole numbers, got " + arg.value.fraction_string());
        }
        return arg;
    }

    Result<Value> apply(const Token& name, std::vector<Value>& args) {
        const std::string& f = name.text;
        auto one = [&](const std::function<Result<Value>(const Value&)>& body) -> Result<Value> {
            if (Status status = arity(name, args, 1, 1); !status.ok()) return status;
            return body(args[0]);
        };
        // A real function of one real argument, in long double, with its domain check.
        auto real = [&](long double (*fn)(long double),
                        bool (*domain)(long double)) -> Result<Value> {
            return one([&](const Value& x) -> Result<Value> {
                const long double in = x.value.to_long_double();
                if (domain && !domain(in)) {
                    return bad(f + "(" + x.value.decimal_string(12) + ") is not a real number");
                }
                return approximate(fn(in), f + "()");
            });
        };
        auto exact = [](Rational value, bool approx) { return Value{std::move(value), approx}; };

        if (f == "sqrt") {
            if (Status status = arity(name, args, 1, 1); !status.ok()) return status;
            if (args[0].value.sign() < 0) {
                return bad("sqrt(" + args[0].value.decimal_string(12) + ") is not a real number");
            }
            return raise(args[0], {Rational(BigInt(1), BigInt(2)), false});
        }
        if (f == "abs") {
            return one([&](const Value& x) {
                return exact(x.value.sign() < 0 ? -x.value : x.value, x.approximate);
            });
        }
        if (f == "floor")
            return one([&](const Value& x) { return exact(x.value.floor(), x.approximate); });
        if (f == "ceil")
            return one([&](const Value& x) { return exact(x.value.ceil(), x.approximate); });
        if (f == "trunc")
            return one([&](const Value& x) { return exact(x.value.trunc(), x.approximate); });
        if (f == "round") {
            if (Status status = arity(name, args, 1, 2); !status.ok()) return status;
            std::int64_t places = 0;
            if (args.size() == 2) {
                auto p = integer_argument(name, args[1]);
                if (!p) return p;
                const auto small = p->value.numerator().to_int64();
                if (!small || *small > 1000 || *small < -1000) {
                    return bad("round() takes between -1000 and 1000 places");
                }
                places = *small;
            }
            const Rational scale =
                places >= 0 ? Rational(BigInt::power_of_ten(static_cast<std::uint64_t>(places)))
                            : Rational(BigInt(1),
                                       BigInt::power_of_ten(static_cast<std::uint64_t>(-places)));
            return checked(
                {Rational((args[0].value * scale).round()) / scale, args[0].approximate});
        }
        if (f == "min" || f == "max") {
            if (Status status = arity(name, args, 1, SIZE_MAX); !status.ok()) return status;
            Value best = args[0];
            for (const Value& arg : args) {
                if (f == "min" ? arg.value < best.value : arg.value > best.value) best = arg;
            }
            return best;
        }
        if (f == "gcd" || f == "lcm") {
            if (Status status = arity(name, args, 1, SIZE_MAX); !status.ok()) return status;
            BigInt acc = 0;
            for (size_t i = 0; i < args.size(); ++i) {
                auto arg = integer_argument(name, args[i]);
                if (!arg) return arg;
                const BigInt& n = arg->value.numerator();
                if (i == 0) {
                    acc = n.abs();
                } else if (f == "gcd") {
                    acc = BigInt::gcd(acc, n);
                } else if (acc.is_zero() || n.is_zero()) {
                    acc = 0;
                } else {
                    BigInt q, r;
                    BigInt::divide((acc * n).abs(), BigInt::gcd(acc, n), q, r);
                    acc = q;
                }
                auto step = checked({Rational(acc), false});
                if (!step) return step;
            }
            return Value{Rational(acc), false};
        }
        if (f == "factorial") return one([&](const Value& x) { return factorial(x); });
        if (f == "exp") return real(expl, nullptr);
        if (f == "ln") return real(logl, [](long double x) { return x > 0; });
        if (f == "log10") return real(log10l, [](long double x) { return x > 0; });
        if (f == "log2") return real(log2l, [](long double x) { return x > 0; });
        if (f == "log") {
            if (Status status = arity(name, args, 1, 2); !status.ok()) return status;
            const long double x = args[0].value.to_long_double();
            const long double base = args.size() == 2 ? args[1].value.to_long_double() : 0;
            if (x <= 0 || (args.size() == 2 && (base <= 0 || base == 1))) {
                return bad("log() needs a positive number and a positive base other than 1");
            }
            return approximate(args.size() == 2 ? logl(x) / logl(base) : logl(x), "log()");
        }
        if (f == "sin") return real(sinl, nullptr);
        if (f == "cos") return real(cosl, nullptr);
        if (f == "tan") return real(tanl, nullptr);
        if (f == "asin") return real(asinl, [](long double x) { return x >= -1 && x <= 1; });
        if (f == "acos") return real(acosl, [](long double x) { return x >= -1 && x <= 1; });
        if (f == "atan") return real(atanl, nullptr);
        return bad("unknown function '" + f + "' at position " + std::to_string(name.position));
    }

    std::vector<Token> tokens_;
    const CalculatorLimits& limits_;
    const std::function<bool()>& should_stop_;
    size_t next_ = 0;
    int depth_ = 0;
};

}  // namespace

Result<CalculatorValue> evaluate_expression(std::string_view expression,
                                            const CalculatorLimits& limits,
                                            const std::function<bool()>& should_stop) {
    if (expression.size() > limits.max_length) {
        return bad("the expression is longer than " + std::to_string(limits.max_length) +
                   " characters");
    }
    auto tokens = tokenize(expression);
    if (!tokens) return tokens.status();
    if (tokens->size() == 1) return bad("the expression is empty");
    Evaluator evaluator(std::move(*tokens), limits, should_stop);
    return evaluator.run();
}

std::string calculator_result_json(const CalculatorValue& value) {
    const Rational& v = value.value;
    if (value.approximate) {
        // long double carries 18-19 significant digits; a few operations may cost the last ones.
        constexpr int kDigits = std::numeric_limits<long double>::digits10 - 2;
        return "{\"result\": " + v.decimal_string(kDigits) + ", \"approximate\": true}";
    }
    if (v.is_integer()) return "{\"result\": " + v.numerator().to_string() + "}";
    if (auto decimal = v.terminating_decimal(30)) return "{\"result\": " + *decimal + "}";
    return "{\"result\": \"" + v.fraction_string() + "\", \"decimal\": \"" + v.decimal_string(20) +
           "\"}";
}

}  // namespace ponder::core
