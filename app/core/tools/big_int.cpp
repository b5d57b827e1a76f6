#include "app/core/tools/big_int.h"

#include <algorithm>
#include <cmath>

namespace ponder::core {

using Limbs = std::vector<std::uint32_t>;

BigInt::BigInt(std::int64_t value) {
    negative_ = value < 0;
    // Through uint64 so that INT64_MIN negates without overflow.
    std::uint64_t magnitude =
        negative_ ? ~static_cast<std::uint64_t>(value) + 1 : static_cast<std::uint64_t>(value);
    while (magnitude != 0) {
        limbs_.push_back(static_cast<std::uint32_t>(magnitude % kBase));
        magnitude /= kBase;
    }
}

std::optional<BigInt> BigInt::from_decimal(std::string_view digits) {
    if (digits.empty()) return std::nullopt;
    for (char c : digits)
        if (c < '0' || c > '9') return std::nullopt;
    BigInt out;
    // Nine digits per limb, taken from the right.
    for (size_t end = digits.size(); end > 0;) {
        const size_t begin = end >= kBaseDigits ? end - kBaseDigits : 0;
        std::uint32_t limb = 0;
        for (size_t i = begin; i < end; ++i)
            limb = limb * 10 + static_cast<std::uint32_t>(digits[i] - '0');
        out.limbs_.push_back(limb);
        end = begin;
    }
    out.trim();
    return out;
}

std::string BigInt::to_string() const {
    if (limbs_.empty()) return "0";
    std::string out = negative_ ? "-" : "";
    out += std::to_string(limbs_.back());
    for (size_t i = limbs_.size() - 1; i-- > 0;) {
        const std::string part = std::to_string(limbs_[i]);
        out.append(kBaseDigits - part.size(), '0');
        out += part;
    }
    return out;
}

std::int64_t BigInt::decimal_digits() const {
    if (limbs_.empty()) return 1;
    return static_cast<std::int64_t>(limbs_.size() - 1) * kBaseDigits +
           static_cast<std::int64_t>(std::to_string(limbs_.back()).size());
}

std::optional<std::int64_t> BigInt::to_int64() const {
    if (limbs_.size() > 3) return std::nullopt;
    // 3 limbs hold up to 10^27: check for uint64 overflow while accumulating.
    std::uint64_t magnitude = 0;
    for (size_t i = limbs_.size(); i-- > 0;) {
        if (magnitude > (UINT64_MAX - limbs_[i]) / kBase) return std::nullopt;
        magnitude = magnitude * kBase + limbs_[i];
    }
    const std::uint64_t limit = static_cast<std::uint64_t>(INT64_MAX) + (negative_ ? 1 : 0);
    if (magnitude > limit) return std::nullopt;
    return negative_ ? static_cast<std::int64_t>(~magnitude + 1)
                     : static_cast<std::int64_t>(magnitude);
}

long double BigInt::to_long_double() const {
    long double out = 0;
    for (size_t i = limbs_.size(); i-- > 0;)
        out = out * kBase + limbs_[i];
    return negative_ ? -out : out;
}

BigInt BigInt::operator-() const {
    BigInt out = *this;
    if (!out.is_zero()) out.negative_ = !negative_;
    return out;
}

BigInt BigInt::abs() const {
    BigInt out = *this;
    out.negative_ = false;
    return out;
}

void BigInt::trim() {
    while (!limbs_.empty() && limbs_.back() == 0)
        limbs_.pop_back();
    if (limbs_.empty()) negative_ = false;
}

int BigInt::compare_magnitude(const Limbs& a, const Limbs& b) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    for (size_t i = a.size(); i-- > 0;) {
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

Limbs BigInt::add_magnitude(const Limbs& a, const Limbs& b) {
    const Limbs& longer = a.size() >= b.size() ? a : b;
    const Limbs& shorter = a.size() >= b.size() ? b : a;
    Limbs out(longer.size() + 1, 0);
    std::uint32_t carry = 0;
    for (size_t i = 0; i < longer.size(); ++i) {
        std::uint32_t sum = longer[i] + carry + (i < shorter.size() ? shorter[i] : 0);
        carry = sum >= kBase ? 1 : 0;
        out[i] = sum - carry * kBase;
    }
    out[longer.size()] = carry;
    return out;
}

Limbs BigInt::subtract_magnitude(const Limbs& a, const Limbs& b) {
    Limbs out(a.size(), 0);
    std::int64_t borrow = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        std::int64_t difference =
            static_cast<std::int64_t>(a[i]) - borrow - (i < b.size() ? b[i] : 0);
        borrow = difference < 0 ? 1 : 0;
        out[i] = static_cast<std::uint32_t>(difference + borrow * kBase);
    }
    return out;
}

BigInt operator+(const BigInt& a, const BigInt& b) {
    BigInt out;
    if (a.negative_ == b.negative_) {
        out.limbs_ = BigInt::add_magnitude(a.limbs_, b.limbs_);
        out.negative_ = a.negative_;
    } else if (BigInt::compare_magnitude(a.limbs_, b.limbs_) >= 0) {
        out.limbs_ = BigInt::subtract_magnitude(a.limbs_, b.limbs_);
        out.negative_ = a.negative_;
    } else {
        out.limbs_ = BigInt::subtract_magnitude(b.limbs_, a.limbs_);
        out.negative_ = b.negative_;
    }
    out.trim();
    return out;
}

BigInt operator-(const BigInt& a, const BigInt& b) {
    return a + (-b);
}

BigInt operator*(const BigInt& a, const BigInt& b) {
    BigInt out;
    if (a.is_zero() || b.is_zero()) return out;
    out.limbs_.assign(a.limbs_.size() + b.limbs_.size(), 0);
    for (size_t i = 0; i < a.limbs_.size(); ++i) {
        std::uint64_t carry = 0;
        const std::uint64_t ai = a.limbs_[i];
        for (size_t j = 0; j < b.limbs_.size(); ++j) {
            // < 10^18 + 10^9 + 10^9: fits easily.
            const std::uint64_t cell = out.limbs_[i + j] + ai * b.limbs_[j] + carry;
            out.limbs_[i + j] = static_cast<std::uint32_t>(cell % BigInt::kBase);
            carry = cell / BigInt::kBase;
        }
        for (size_t k = i + b.limbs_.size(); carry != 0; ++k) {
            const std::uint64_t cell = out.limbs_[k] + carry;
            out.limbs_[k] = static_cast<std::uint32_t>(cell % BigInt::kBase);
            carry = cell / BigInt::kBase;
        }
    }
    out.negative_ = a.negative_ != b.negative_;
    out.trim();
    return out;
}

std::strong_ordering operator<=>(const BigInt& a, const BigInt& b) {
    if (a.negative_ != b.negative_) {
        return a.negative_ ? std::strong_ordering::less : std::strong_ordering::greater;
    }
    int magnitude = BigInt::compare_magnitude(a.limbs_, b.limbs_);
    if (a.negative_) magnitude = -magnitude;
    return magnitude < 0   ? std::strong_ordering::less
           : magnitude > 0 ? std::strong_ordering::greater
                           : std::strong_ordering::equal;
}

// Knuth, TAOCP vol. 2, 4.3.1, Algorithm D, in base 10^9.
void BigInt::divide_magnitude(const Limbs& a, const Limbs& b, Limbs& quotient, Limbs& remainder) {
    quotient.clear();
    remainder.clear();
    if (compare_magnitude(a, b) < 0) {
        remainder = a;
        return;
    }
    if (b.size() == 1) {
        quotient.assign(a.size(), 0);
        std::uint64_t rest = 0;
        for (size_t i = a.size(); i-- > 0;) {
            rest = rest * kBase + a[i];
            quotient[i] = static_cast<std::uint32_t>(rest / b[0]);
            rest %= b[0];
        }
        if (rest != 0) remainder.push_back(static_cast<std::uint32_t>(rest));
        return;
    }
    // Normalise so that the divisor's top limb is at least base/2: the quotient digit estimate
    // is then off by at most two.
    const std::uint64_t scale = kBase / (static_cast<std::uint64_t>(b.back()) + 1);
    auto scaled = [scale](const Limbs& x, size_t extra) {
        Limbs out(x.size() + extra, 0);
        std::uint64_t carry = 0;
        for (size_t i = 0; i < x.size(); ++i) {
            const std::uint64_t cell = x[i] * scale + carry;
            out[i] = static_cast<std::uint32_t>(cell % kBase);
            carry = cell / kBase;
        }
        if (extra) out[x.size()] = static_cast<std::uint32_t>(carry);
        return out;
    };
    Limbs u = scaled(a, 1);
    const Limbs v = scaled(b, 0);
    const size_t n = v.size();
    const size_t m = a.size() - n;
    quotient.assign(m + 1, 0);
    for (size_t j = m + 1; j-- > 0;) {
        const std::uint64_t top = static_cast<std::uint64_t>(u[j + n]) * kBase + u[j + n - 1];
        std::uint64_t qhat = top / v[n - 1];
        std::uint64_t rhat = top % v[n - 1];
        while (qhat >= kBase || qhat * v[n - 2] > rhat * kBase + u[j + n - 2]) {
            --qhat;
            rhat += v[n - 1];
            if (rhat >= kBase) break;
        }
        std::int64_t borrow = 0;
        std::uint64_t carry = 0;
        for (size_t i = 0; i < n; ++i) {
            const std::uint64_t product = qhat * v[i] + carry;
            carry = product / kBase;
            std::int64_t cell = static_cast<std::int64_t>(u[i + j]) -
                                static_cast<std::int64_t>(product % kBase) - borrow;
            borrow = cell < 0 ? 1 : 0;
            u[i + j] = static_cast<std::uint32_t>(cell + borrow * kBase);
        }
        const std::int64_t top_cell =
            static_cast<std::int64_t>(u[j + n]) - static_cast<std::int64_t>(carry) - borrow;
        if (top_cell < 0) {
            // qhat was one too large (rare): add the divisor back. The top limb becomes 0,
            // since what is left is smaller than the divisor.
            --qhat;
            std::uint64_t back = 0;
            for (size_t i = 0; i < n; ++i) {
                const std::uint64_t cell = static_cast<std::uint64_t>(u[i + j]) + v[i] + back;
                u[i + j] = static_cast<std::uint32_t>(cell % kBase);
                back = cell / kBase;
            }
            u[j + n] = 0;
        } else {
            u[j + n] = static_cast<std::uint32_t>(top_cell);
        }
        quotient[j] = static_cast<std::uint32_t>(qhat);
    }
    // Undo the normalisation: the remainder is u[0..n) / scale.
    remainder.assign(n, 0);
    std::uint64_t rest = 0;
    for (size_t i = n; i-- > 0;) {
        rest = rest * kBase + u[i];
        remainder[i] = static_cast<std::uint32_t>(rest / scale);
        rest %= scale;
    }
}

void BigInt::divide(const BigInt& a, const BigInt& b, BigInt& quotient, BigInt& remainder) {
    Limbs q, r;
    divide_magnitude(a.limbs_, b.limbs_, q, r);
    quotient.limbs_ = std::move(q);
    quotient.negative_ = a.negative_ != b.negative_;
    quotient.trim();
    remainder.limbs_ = std::move(r);
    remainder.negative_ = a.negative_;
    remainder.trim();
}

void BigInt::floor_divide(const BigInt& a, const BigInt& b, BigInt& quotient, BigInt& remainder) {
    divide(a, b, quotient, remainder);
    if (!remainder.is_zero() && remainder.negative_ != b.negative_) {
        quotient = quotient - 1;
        remainder = remainder + b;
    }
}

BigInt BigInt::pow(const BigInt& base, std::uint64_t exponent) {
    BigInt result = 1;
    BigInt square = base;
    while (exponent != 0) {
        if (exponent & 1) result = result * square;
        exponent >>= 1;
        if (exponent != 0) square = square * square;
    }
    return result;
}

BigInt BigInt::gcd(BigInt a, BigInt b) {
    a.negative_ = b.negative_ = false;
    while (!b.is_zero()) {
        BigInt q, r;
        divide(a, b, q, r);
        a = std::move(b);
        b = std::move(r);
    }
    return a;
}

BigInt BigInt::isqrt(const BigInt& a) {
    if (a.sign() <= 0) return 0;
    // Newton's iteration from above: 10^ceil(d/2) >= sqrt(a) for a with d digits.
    BigInt x = power_of_ten(static_cast<std::uint64_t>((a.decimal_digits() + 1) / 2));
    while (true) {
        BigInt q, r;
        divide(a, x, q, r);
        BigInt next, half_rest;
        divide(x + q, 2, next, half_rest);
        if (next >= x) return x;
        x = std::move(next);
    }
}

BigInt BigInt::power_of_ten(std::uint64_t exponent) {
    BigInt out;
    out.limbs_.assign(exponent / kBaseDigits, 0);
    std::uint32_t top = 1;
    for (std::uint64_t i = 0; i < exponent % kBaseDigits; ++i)
        top *= 10;
    out.limbs_.push_back(top);
    return out;
}

}  // namespace ponder::core
