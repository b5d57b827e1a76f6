// Arbitrary-precision signed integers for the calculator tool: exact sums, products, quotients
// and powers of numbers far beyond 64 bits (2^200, 50!). Hand-written so Ponder needs no
// big-number library.
//
// Representation: sign and magnitude, the magnitude in base 10^9 limbs, least significant first,
// without leading zero limbs (zero is an empty vector, never negative). Base 10^9 makes decimal
// input and output linear, and a limb product (< 10^18) fits a uint64 with room for carries.
//
// Cost: schoolbook multiplication and Knuth's long division, O(n*m) in limbs. The calculator caps
// operand sizes (calculator.h), so numbers stay at a few thousand digits. Value type; not
// thread-safe to mutate one object from two threads, as any value.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponder::core {

class BigInt {
  public:
    BigInt() = default;
    BigInt(std::int64_t value);  // NOLINT(google-explicit-constructor): integers are BigInts

    // Decimal digits only ("00123" is 123); nullopt on anything else, the empty string included.
    static std::optional<BigInt> from_decimal(std::string_view digits);
    std::string to_string() const;  // "-123"

    bool is_zero() const { return limbs_.empty(); }
    bool is_negative() const { return negative_; }
    bool is_even() const { return limbs_.empty() || limbs_[0] % 2 == 0; }
    int sign() const { return is_zero() ? 0 : (negative_ ? -1 : 1); }
    // Number of decimal digits of the magnitude (1 for zero).
    std::int64_t decimal_digits() const;
    std::optional<std::int64_t> to_int64() const;
    // Nearest long double; +-infinity beyond its range.
    long double to_long_double() const;

    BigInt operator-() const;
    BigInt abs() const;

    friend BigInt operator+(const BigInt& a, const BigInt& b);
    friend BigInt operator-(const BigInt& a, const BigInt& b);
    friend BigInt operator*(const BigInt& a, const BigInt& b);
    friend bool operator==(const BigInt& a, const BigInt& b) = default;
    friend std::strong_ordering operator<=>(const BigInt& a, const BigInt& b);

    // Truncating division (C++ semantics): a = q*b + r, |r| < |b|, r has a's sign. b != 0.
    static void divide(const BigInt& a, const BigInt& b, BigInt& quotient, BigInt& remainder);
    // Floor division and the matching non-negative-for-positive-b remainder (Python semantics).
    static void floor_divide(const BigInt& a, const BigInt& b, BigInt& quotient, BigInt& remainder);
    static BigInt pow(const BigInt& base, std::uint64_t exponent);
    static BigInt gcd(BigInt a, BigInt b);  // non-negative; gcd(0, 0) = 0
    // floor(sqrt(a)) for a >= 0.
    static BigInt isqrt(const BigInt& a);
    // 10^exponent.
    static BigInt power_of_ten(std::uint64_t exponent);

  private:
    static constexpr std::uint32_t kBase = 1'000'000'000;
    static constexpr int kBaseDigits = 9;

    void trim();
    static int compare_magnitude(const std::vector<std::uint32_t>& a,
                                 const std::vector<std::uint32_t>& b);
    static std::vector<std::uint32_t> add_magnitude(const std::vector<std::uint32_t>& a,
                                                    const std::vector<std::uint32_t>& b);
    // a - b for |a| >= |b|.
    static std::vector<std::uint32_t> subtract_magnitude(const std::vector<std::uint32_t>& a,
                                                         const std::vector<std::uint32_t>& b);
    static void divide_magnitude(const std::vector<std::uint32_t>& a,
                                 const std::vector<std::uint32_t>& b,
                                 std::vector<std::uint32_t>& quotient,
                                 std::vector<std::uint32_t>& remainder);

    std::vector<std::uint32_t> limbs_;  // base 10^9, least significant first
    bool negative_ = false;
};

}  // namespace ponder::core
