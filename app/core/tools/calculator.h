// The calculator tool's arithmetic: a real expression parser over exact rationals. Nothing is
// ever evaluated as code; the input is tokenised and parsed by the grammar below, and anything
// else is an error that says where.
//
// Grammar (precedence low to high, as in Python):
//   expression := term (('+' | '-') term)*
//   term       := unary (('*' | '/' | '//' | '%') unary)*       '//' floors, '%' is modulo
//   unary      := ('-' | '+') unary | power                     -2^2 is -4
//   power      := postfix (('^' | '**') unary)?                 right-associative
//   postfix    := primary '!'*                                  factorial
//   primary    := number | constant | name '(' arguments ')' | '(' expression ')'
// Numbers are decimal literals ("12", "0.1", "1.5e-3"), read exactly. Also accepted: × ÷ − and
// π. Constants: pi, e. Functions: sqrt, abs, floor, ceil, round(x[, digits]), trunc,
// min, max, gcd, lcm, factorial, exp, ln, log(x[, base]), log10, log2, sin, cos, tan, asin,
// acos, atan (radians).
//
// Exactness: + - * / // % ^ with integer exponents, factorials, floor/ceil/round and roots of
// perfect powers are exact. Irrational results (sqrt(2), sin, ln, pi, ...) are computed in long
// double and marked approximate; anything computed from an approximate value is approximate.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "app/core/tools/rational.h"
#include "engine/status.h"

namespace ponder::core {

struct CalculatorLimits {
    size_t max_length = 10000;        // characters of input
    int max_depth = 200;              // nesting of parentheses and unary operators
    std::int64_t max_digits = 10000;  // of any intermediate (numerator and denominator together)
};

struct CalculatorValue {
    Rational value;
    bool approximate = false;
};

// Evaluates `expression`. `should_stop` (optional) is polled between steps; when it returns
// true the evaluation fails with StatusCode::cancelled. Fails with invalid_argument and a
// message naming the problem (position, name or limit) on bad input, division by zero, a
// result that is not a real number or one over the size limit.
Result<CalculatorValue> evaluate_expression(std::string_view expression,
                                            const CalculatorLimits& limits = {},
                                            const std::function<bool()>& should_stop = {});

// The tool's answer, as JSON text:
//   integer:                         {"result": 56088}
//   exact decimal (<= 30 places):    {"result": 0.3}
//   other exact fraction:            {"result": "7/3", "decimal": "2.3333333333333333333"}
//   approximate:                     {"result": 1.414213562373095, "approximate": true}
std::string calculator_result_json(const CalculatorValue& value);

}  // namespace ponder::core
