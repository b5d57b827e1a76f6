// Exact rational numbers (a fraction of two BigInts) for the calculator: 0.1 + 0.2 is exactly
// 3/10, 1/3 + 1/6 exactly 1/2. Always in lowest terms with a positive denominator, so equal
// values have equal representations. Value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/core/tools/big_int.h"

namespace ponder::core {

class Rational {
  public:
    Rational() = default;
    Rational(BigInt value);  // NOLINT(google-explicit-constructor): integers are rationals
    Rational(std::int64_t value) : Rational(BigInt(value)) {}  // NOLINT
    // numerator/denominator; denominator != 0.
    Rational(BigInt numerator, BigInt denominator);

    // A decimal literal, exactly: "12", "0.1", ".5", "2.", "1.5e-3", "6E23". The exponent's
    // magnitude is capped at `max_exponent` (nullopt beyond it), so "1e999999999" cannot make
    // a billion-digit number.
    static std::optional<Rational> from_decimal(std::string_view text,
                                                std::int64_t max_exponent = 10000);
    // The exact binary value of a finite long double.
    static Rational from_long_double(long double value);

    const BigInt& numerator() const { return numerator_; }
    const BigInt& denominator() const { return denominator_; }
    bool is_integer() const { return denominator_ == BigInt(1); }
    bool is_zero() const { return numerator_.is_zero(); }
    int sign() const { return numerator_.sign(); }
    // Decimal digits of numerator and denominator together: the size the calculator caps.
    std::int64_t digits() const {
        return numerator_.decimal_digits() + denominator_.decimal_digits();
    }
    long double to_long_double() const;

    Rational operator-() const;
    friend Rational operator+(const Rational& a, const Rational& b);
    friend Rational operator-(const Rational& a, const Rational& b);
    friend Rational operator*(const Rational& a, const Rational& b);
    // b != 0.
    friend Rational operator/(const Rational& a, const Rational& b);
    friend bool operator==(const Rational& a, const Rational& b) = default;
    friend std::strong_ordering operator<=>(const Rational& a, const Rational& b);

    BigInt floor() const;
    BigInt ceil() const;
    BigInt trunc() const;
    // Halves round away from zero (2.5 -> 3, -2.5 -> -3), as on a pocket calculator.
    BigInt round() const;

    // "7/3", or "12" for an integer.
    std::string fraction_string() const;
    // The exact decimal expansion when it terminates within `max_fraction_digits` digits after
    // the point ("0.3", "-0.0009765625", "12"); nullopt otherwise (1/3).
    std::optional<std::string> terminating_decimal(int max_fraction_digits) const;
    // Rounded to `significant` digits (half away from zero), trailing zeros dropped: "2.333",
    // plain for exponents -7..20, else scientific "1.5e+25". Valid JSON number text.
    std::string decimal_string(int significant) const;

  private:
    void normalise();

    BigInt numerator_ = 0;
    BigInt denominator_ = 1;
};

}  // namespace ponder::core
