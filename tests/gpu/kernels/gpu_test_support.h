// Shared by the kernel gpu tests (plain C++ programs, no Qt: GPU machines have none). Each test
// compares a CUDA kernel with its CPU reference over edge-case geometries and prints one line
// per case: PASS/FAIL, max abs error, max rel error, relative L2 error. Exit 0 = all passed,
// 1 = a failure, 77 = no usable GPU (ctest: skipped).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/device_buffer.h"
#include "kernels/reference/numeric.h"

namespace ponder::kernels::test {

inline constexpr int kSkipped = 77;

// Prints why and returns false when no kernel can run here.
inline bool device_present() {
    const Status status = require_device();
    if (!status.ok()) std::printf("SKIP: %s\n", status.message());
    return status.ok();
}

class Checker {
  public:
    // |got - ref| <= atol + rtol |ref| for every element, and no NaN where the reference has
    // none (outputs are poisoned with NaN before each launch, so unwritten elements fail too).
    bool close(const std::string& name, const std::vector<float>& got,
               const std::vector<float>& ref, double atol, double rtol) {
        double max_abs = 0.0, max_rel = 0.0, diff2 = 0.0, ref2 = 0.0;
        std::size_t bad = 0, first_bad = 0;
        const std::size_t n = std::min(got.size(), ref.size());
        for (std::size_t i = 0; i < n; ++i) {
            const double g = got[i], r = ref[i];
            const double err = std::fabs(g - r);
            const bool ok = std::isnan(r) ? std::isnan(g)
                                          : (!std::isnan(g) && err <= atol + rtol * std::fabs(r));
            if (!ok && bad++ == 0) first_bad = i;
            if (!std::isnan(err)) {
                max_abs = std::max(max_abs, err);
                max_rel = std::max(max_rel, err / std::max(std::fabs(r), atol));
                diff2 += err * err;
            }
            ref2 += r * r;
        }
        const bool pass = bad == 0 && got.size() == ref.size();
        std::printf("%s %-58s max_abs %.3e  max_rel %.3e  rel_l2 %.3e  (n=%zu",
                    pass ? "PASS" : "FAIL", name.c_str(), max_abs, max_rel,
                    ref2 > 0 ? std::sqrt(diff2 / ref2) : 0.0, n);
        if (!pass && n > 0) {
            std::printf(", %zu bad, first [%zu] got %.6g ref %.6g", bad, first_bad,
                        static_cast<double>(got[first_bad]), static_cast<double>(ref[first_bad]));
        }
        std::printf(")\n");
        return record(pass);
    }

    template <typename T>
    bool equal(const std::string& name, const std::vector<T>& got, const std::vector<T>& ref) {
        std::size_t bad = 0, first_bad = 0;
        for (std::size_t i = 0; i < std::min(got.size(), ref.size()); ++i) {
            if (got[i] != ref[i] && bad++ == 0) first_bad = i;
        }
        const bool pass = bad == 0 && got.size() == ref.size();
        std::printf("%s %-58s exact (n=%zu", pass ? "PASS" : "FAIL", name.c_str(), ref.size());
        if (!pass && !ref.empty()) {
            std::printf(", %zu differ, first [%zu] got %lld ref %lld", bad, first_bad,
                        static_cast<long long>(got[first_bad]),
                        static_cast<long long>(ref[first_bad]));
        }
        std::printf(")\n");
        return record(pass);
    }

    bool expect(bool condition, const std::string& what) {
        std::printf("%s %s\n", condition ? "PASS" : "FAIL", what.c_str());
        return record(condition);
    }

    // A launcher or CUDA call that must succeed.
    bool ok(const Status& status, const std::string& what) {
        if (status.ok()) return true;
        std::printf("FAIL %s: %s\n", what.c_str(), status.message());
        return record(false);
    }

    int finish(const char* program) {
        std::printf("%s: %d checks, %d failed\n", program, checks_, failures_);
        return failures_ == 0 ? 0 : 1;
    }

  private:
    bool record(bool pass) {
        ++checks_;
        if (!pass) ++failures_;
        return pass;
    }
    int checks_ = 0;
    int failures_ = 0;
};

// Host data <-> device buffers. upload() allocates exactly the vector's bytes.
template <typename T>
DeviceBuffer upload(Checker& check, const std::vector<T>& host, const std::string& what) {
    DeviceBuffer buffer;
    if (check.ok(buffer.allocate(host.size() * sizeof(T)), "allocate " + what) && !host.empty()) {
        check.ok(buffer.upload(host.data(), host.size() * sizeof(T)), "upload " + what);
    }
    return buffer;
}

template <typename T>
std::vector<T> download(Checker& check, const DeviceBuffer& buffer, std::size_t count,
                        const std::string& what) {
    std::vector<T> host(count);
    check.ok(buffer.download(host.data(), count * sizeof(T)), "download " + what);
    return host;
}

// A buffer of `bytes` filled with 0xff: NaN as f32, bf16 and fp16, so any element a kernel
// forgets to write fails the comparison.
inline DeviceBuffer poisoned(Checker& check, std::size_t bytes, const std::string& what) {
    DeviceBuffer buffer;
    if (check.ok(buffer.allocate(bytes), "allocate " + what)) {
        check.ok(buffer.fill_bytes(0xff), "poison " + what);
    }
    return buffer;
}

// n bf16 values uniform in [-sqrt(3), sqrt(3)) * stddev (so of standard deviation `stddev`),
// from a fast generator seeded by `rng`: some tensors here have hundreds of millions of values.
inline std::vector<std::uint16_t> random_bf16(std::mt19937& rng, std::size_t n, float stddev) {
    std::uint64_t state = (static_cast<std::uint64_t>(rng()) << 32 | rng()) | 1u;
    const float scale = stddev * 1.7320508f / 2147483648.0f;
    std::vector<std::uint16_t> out(n);
    for (auto& v : out) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        const auto bits = static_cast<std::int32_t>((state * 0x2545f4914f6cdd1dull) >> 32);
        v = ref::f32_to_bf16(static_cast<float>(bits) * scale);
    }
    return out;
}

inline std::vector<float> bf16_to_floats(const std::vector<std::uint16_t>& bits) {
    std::vector<float> out(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i)
        out[i] = ref::bf16_to_f32(bits[i]);
    return out;
}

// Uniform random bytes, fast (xorshift64*): expert tensors run to hundreds of megabytes.
inline void fill_random_bytes(std::vector<std::uint8_t>& bytes, std::uint64_t seed) {
    std::uint64_t state = seed * 0x9e3779b97f4a7c15ull + 1;
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        const std::uint64_t value = state * 0x2545f4914f6cdd1dull;
        std::memcpy(&bytes[i], &value, 8);
    }
    for (; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(seed + i);
}

}  // namespace ponder::kernels::test
