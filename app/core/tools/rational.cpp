#include "app/core/tools/rational.h"

#include <cmath>
#include <utility>

namespace ponder::core {

Rational::Rational(BigInt value) : numerator_(std::move(value)), denominator_(1) {}

Rational::Rational(BigInt numerator, BigInt denominator)
    : numerator_(std::move(numerator)), denominator_(std::move(denominator)) {
    normalise();
}

void Rational::normalise() {
    if (denominator_.is_negative()) {
        numerator_ = -numerator_;
        denominator_ = -denominator_;
    }
    const BigInt divisor = BigInt::gcd(numerator_, denominator_);
    if (!divisor.is_zero() && !(divisor == BigInt(1))) {
        BigInt rest;
        BigInt::divide(numerator_, divisor, numerator_, rest);
        BigInt::divide(denominator_, divisor, denominator_, rest);
    }
    if (numerator_.is_zero()) denominator_ = 1;
}

std::optional<Rational> Rational::from_decimal(std::string_view text, std::int64_t max_exponent) {
    std::string digits;
    std::int64_t exponent = 0;  // the value is digits * 10^exponent
    size_t i = 0;
    bool any_digit = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, any_digit = true)
        digits += text[i];
    if (i < text.size() && text[i] == '.') {
        for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, any_digit = true) {
            digits += text[i];
            --exponent;
        }
    }
    if (!any_digit) return std::nullopt;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool negative = false;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
        if (i == text.size()) return std::nullopt;
        std::int64_t written = 0;
        for (; i < text.size(); ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            written = written * 10 + (text[i] - '0');
            if (written > max_exponent) return std::nullopt;
        }
        exponent += negative ? -written : written;
    }
    if (i != text.size()) return std::nullopt;
    auto value = BigInt::from_decimal(digits);
    if (!value) return std::nullopt;
    if (exponent > max_exponent || -exponent > max_exponent) return std::nullopt;
    const BigInt scale = BigInt::power_of_ten(static_cast<std::uint64_t>(std::llabs(exponent)));
    return exponent >= 0 ? Rational(*value * scale) : Rational(*value, scale);
}

Rational Rational::from_long_double(long double value) {
    int exponent = 0;
    long double mantissa = std::frexp(std::fabs(value), &exponent);
    // Peel 32 bits at a time off the mantissa: exact, since every step is a power-of-two scale.
    BigInt bits = 0;
    const BigInt chunk_base(std::int64_t{1} << 32);
    while (mantissa != 0) {
        mantissa = std::ldexp(mantissa, 32);
        const long double whole = std::floor(mantissa);
        bits = bits * chunk_base + BigInt(static_cast<std::int64_t>(whole));
        mantissa -= whole;
        exponent -= 32;
    }
    Rational out = exponent >= 0
                       ? Rational(bits * BigInt::pow(2, static_cast<std::uint64_t>(exponent)))
                       : Rational(bits, BigInt::pow(2, static_cast<std::uint64_t>(-exponent)));
    return value < 0 ? -out : out;
}

long double Rational::to_long_double() const {
    const long double n = numerator_.to_long_double();
    const long double d = denominator_.to_long_double();
    if (std::isfinite(n) && std::isfinite(d)) return n / d;
    // Too large for a long double on its own: divide in exact arithmetic down to ~40 digits.
    const std::int64_t excess =
        std::max(numerator_.decimal_digits(), denominator_.decimal_digits()) - 40;
    const BigInt scale = BigInt::power_of_ten(static_cast<std::uint64_t>(excess));
    BigInt a, b, rest;
    BigInt::divide(numerator_, scale, a, rest);
    BigInt::divide(denominator_, scale, b, rest);
    if (b.is_zero()) return numerator_.is_negative() ? -HUGE_VALL : HUGE_VALL;
    return a.to_long_double() / b.to_long_double();
}

Rational Rational::operator-() const {
    Rational out = *this;
    out.numerator_ = -numerator_;
    return out;
}

Rational operator+(const Rational& a, const Rational& b) {
    return Rational(a.numerator_ * b.denominator_ + b.numerator_ * a.denominator_,
                    a.denominator_ * b.denominator_);
}

Rational operator-(const Rational& a, const Rational& b) {
    return a + (-b);
}

Rational operator*(const Rational& a, const Rational& b) {
    return Rational(a.numerator_ * b.numerator_, a.denominator_ * b.denominator_);
}

Rational operator/(const Rational& a, const Rational& b) {
    return Rational(a.numerator_ * b.denominator_, a.denominator_ * b.numerator_);
}

std::strong_ordering operator<=>(const Rational& a, const Rational& b) {
    return a.numerator_ * b.denominator_ <=> b.numerator_ * a.denominator_;
}

BigInt Rational::floor() const {
    BigInt q, r;
    BigInt::floor_divide(numerator_, denominator_, q, r);
    return q;
}

BigInt Rational::ceil() const {
    return -(-*this).floor();
}

BigInt Rational::trunc() const {
    BigInt q, r;
    BigInt::divide(numerator_, denominator_, q, r);
    return q;
}

BigInt Rational::round() const {
    const Rational half(BigInt(1), BigInt(2));
    return sign() >= 0 ? (*this + half).floor() : -((-*this) + half).floor();
}

std::string Rational::fraction_string() const {
    if (is_integer()) return numerator_.to_string();
    return numerator_.to_string() + "/" + denominator_.to_string();
}

std::optional<std::string> Rational::terminating_decimal(int max_fraction_digits) const {
    // Terminates exactly when the denominator is 2^a * 5^b; then a*10^max(a,b) is an integer.
    BigInt rest = denominator_;
    int twos = 0, fives = 0;
    BigInt q, r;
    while (true) {
        BigInt::divide(rest, 2, q, r);
        if (!r.is_zero() || twos > max_fraction_digits) break;
        rest = q;
        ++twos;
    }
    while (true) {
        BigInt::divide(rest, 5, q, r);
        if (!r.is_zero() || fives > max_fraction_digits) break;
        rest = q;
        ++fives;
    }
    const int places = std::max(twos, fives);
    if (!(rest == BigInt(1)) || places > max_fraction_digits) return std::nullopt;
    BigInt scaled;
    BigInt::divide(numerator_ * BigInt::power_of_ten(static_cast<std::uint64_t>(places)),
                   denominator_, scaled, r);
    std::string digits = scaled.abs().to_string();
    if (places == 0) return numerator_.to_string();
    if (digits.size() <= static_cast<size_t>(places)) {
        digits.insert(0, static_cast<size_t>(places) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(places), ".");
    return (sign() < 0 ? "-" : "") + digits;
}

std::string Rational::decimal_string(int significant) const {
    if (is_zero()) return "0";
    const BigInt n = numerator_.abs();
    // The decimal exponent e with 10^e <= |value| < 10^(e+1).
    std::int64_t e = n.decimal_digits() - denominator_.decimal_digits();
    auto times_ten_to = [](const BigInt& x, std::int64_t power) {
        return power >= 0 ? x * BigInt::power_of_ten(static_cast<std::uint64_t>(power)) : x;
    };
    if (times_ten_to(n, -e) < times_ten_to(denominator_, e)) --e;
    // digits = round(|value| * 10^(significant - 1 - e)), half away from zero.
    auto scaled_digits = [&](std::int64_t exponent) {
        const std::int64_t shift = significant - 1 - exponent;
        const BigInt top = times_ten_to(n, shift);
        const BigInt bottom = times_ten_to(denominator_, -shift);
        BigInt q, r;
        BigInt::divide(top, bottom, q, r);
        if (r + r >= bottom) q = q + 1;
        return q;
    };
    BigInt digits = scaled_digits(e);
    if (digits.decimal_digits() > significant) digits = scaled_digits(++e);
    std::string text = digits.to_string();
    while (text.size() > 1 && text.back() == '0')
        text.pop_back();
    std::string out = sign() < 0 ? "-" : "";
    if (e >= -7 && e < 21) {
        if (e < 0) {
            out += "0." + std::string(static_cast<size_t>(-e - 1), '0') + text;
        } else {
            const size_t whole = static_cast<size_t>(e) + 1;
            if (text.size() <= whole) {
                out += text + std::string(whole - text.size(), '0');
            } else {
                out += text.substr(0, whole) + "." + text.substr(whole);
            }
        }
        return out;
    }
    out += text.substr(0, 1);
    if (text.size() > 1) out += "." + text.substr(1);
    out += (e < 0 ? "e-" : "e+") + std::to_string(e < 0 ? -e : e);
    return out;
}

}  // namespace ponder::core
