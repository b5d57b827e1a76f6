// The CPU backend's inner loops: the AVX2 dot kernels against the portable ones (and MXFP4
// against the loader's scalar dequantizer), the thread pool's coverage, and the threaded matmuls
// against a plain double-precision product.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <random>
#include <vector>

#include "engine/cpu/dot.h"
#include "engine/cpu/matmul.h"
#include "engine/cpu/thread_pool.h"
#include "engine/numeric/bf16.h"
#include "engine/numeric/mxfp4.h"

using namespace ponder;
using namespace ponder::cpu;

namespace {

std::vector<float> random_floats(size_t n, std::mt19937& random, float scale = 1.0f) {
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> values(n);
    for (float& v : values)
        v = normal(random);
    return values;
}

std::vector<bf16> random_bf16(size_t n, std::mt19937& random) {
    std::vector<bf16> values(n);
    const std::vector<float> floats = random_floats(n, random);
    for (size_t i = 0; i < n; ++i)
        values[i] = f32_to_bf16(floats[i]);
    return values;
}

std::vector<std::uint8_t> random_bytes(size_t n, std::mt19937& random, int low = 0,
                                       int high = 255) {
    std::uniform_int_distribution<int> any(low, high);
    std::vector<std::uint8_t> bytes(n);
    for (std::uint8_t& b : bytes)
        b = static_cast<std::uint8_t>(any(random));
    return bytes;
}

bool close(double got, double want, double tolerance) {
    return std::abs(got - want) <= tolerance * (1.0 + std::abs(want));
}

}  // namespace

class TestCpuKernels : public QObject {
    Q_OBJECT
  private slots:
    void reportsTheSimdLevel() {
        qInfo("SIMD level: %s", simd_level_name(detected_simd_level()));
        QCOMPARE(&dot_kernels(SimdLevel::scalar), &dot_kernels(SimdLevel::scalar));
    }

    void bf16RowsAgreeAcrossLevelsAndBatches() {
        std::mt19937 random(1);
        for (std::int64_t n : {1, 7, 16, 31, 64, 100, 2880}) {
            const std::vector<bf16> w = random_bf16(static_cast<size_t>(n), random);
            const std::vector<float> x = random_floats(static_cast<size_t>(4 * n), random);
            std::vector<double> exact(4, 0.0);
            for (int b = 0; b < 4; ++b) {
                for (std::int64_t k = 0; k < n; ++k)
                    exact[b] += double(bf16_to_f32(w[k])) * x[b * n + k];
            }
            for (SimdLevel level : {SimdLevel::scalar, detected_simd_level()}) {
                for (int batch = 1; batch <= max_dot_batch; ++batch) {
                    float out[max_dot_batch] = {};
                    dot_kernels(level).bf16_rows(w.data(), x.data(), n, batch, n, out);
                    for (int b = 0; b < batch; ++b) {
                        QVERIFY2(close(out[b], exact[b], 1e-5 * std::sqrt(double(n))),
                                 qPrintable(QString("%1 n=%2 batch=%3 b=%4: %5 vs %6")
                                                .arg(simd_level_name(level))
                                                .arg(n)
                                                .arg(batch)
                                                .arg(b)
                                                .arg(out[b])
                                                .arg(exact[b])));
                    }
                }
            }
        }
    }

    void mxfp4RowsMatchTheDequantizer() {
        std::mt19937 random(2);
        for (std::int64_t blocks : {1, 2, 3, 90}) {
            const std::int64_t n = blocks * 32;
            const auto packed = random_bytes(static_cast<size_t>(blocks * 16), random);
            const auto scales = random_bytes(static_cast<size_t>(blocks), random, 110, 135);
            std::vector<float> dense(static_cast<size_t>(n));
            mxfp4_dequantize_row(packed.data(), scales.data(), n, dense.data());
            const std::vector<float> x = random_floats(static_cast<size_t>(4 * n), random);
            for (SimdLevel level : {SimdLevel::scalar, detected_simd_level()}) {
                std::vector<float> ordered(x.size());
                dot_kernels(level).mxfp4_order_x(x.data(), 4 * n, ordered.data());
                for (int batch = 1; batch <= max_dot_batch; ++batch) {
                    float out[max_dot_batch] = {};
                    dot_kernels(level).mxfp4_rows(packed.data(), scales.data(), ordered.data(), n,
                                                  batch, blocks, out);
                    for (int b = 0; b < batch; ++b) {
                        double exact = 0.0;
                        double magnitude = 0.0;
                        for (std::int64_t k = 0; k < n; ++k) {
                            exact += double(dense[k]) * x[b * n + k];
                            magnitude += std::abs(double(dense[k]) * x[b * n + k]);
                        }
                        QVERIFY2(std::abs(out[b] - exact) <= 1e-6 * magnitude + 1e-30,
                                 qPrintable(QString("%1 blocks=%2 batch=%3: %4 vs %5")
                                                .arg(simd_level_name(level))
                                                .arg(blocks)
                                                .arg(batch)
                                                .arg(out[b])
                                                .arg(exact)));
                    }
                }
            }
        }
    }

    void mxfp4DecodesEveryNibbleInOrder() {
        // Byte j holds elements 2j (low nibble) and 2j+1 (high): put code c at element c and
        // code 15-c at element c+16, and read them back one at a time with a one-hot x.
        std::uint8_t block[16];
        for (int j = 0; j < 16; ++j) {
            const int even = 2 * j < 16 ? 2 * j : 15 - (2 * j - 16);
            const int odd = 2 * j + 1 < 16 ? 2 * j + 1 : 15 - (2 * j + 1 - 16);
            block[j] = static_cast<std::uint8_t>(even | odd << 4);
        }
        const std::uint8_t scale = 128;  // 2^1
        for (SimdLevel level : {SimdLevel::scalar, detected_simd_level()}) {
            for (int k = 0; k < 32; ++k) {
                float x[32] = {};
                x[k] = 1.0f;
                float ordered[32];
                dot_kernels(level).mxfp4_order_x(x, 32, ordered);
                float out = 0.0f;
                dot_kernels(level).mxfp4_rows(block, &scale, ordered, 32, 1, 1, &out);
                const int code = k < 16 ? k : 15 - (k - 16);
                QCOMPARE(out, 2.0f * fp4_e2m1_values[code]);
            }
        }
    }

    void f32DotAndAxpyAgree() {
        std::mt19937 random(3);
        for (std::int64_t n : {1, 9, 64, 77}) {
            const auto a = random_floats(static_cast<size_t>(n), random);
            const auto b = random_floats(static_cast<size_t>(n), random);
            double exact = 0.0;
            for (std::int64_t k = 0; k < n; ++k)
                exact += double(a[k]) * b[k];
            for (SimdLevel level : {SimdLevel::scalar, detected_simd_level()}) {
                QVERIFY(close(dot_kernels(level).f32_dot(a.data(), b.data(), n), exact, 1e-5));
                std::vector<float> y = b;
                dot_kernels(level).f32_axpy(0.5f, a.data(), y.data(), n);
                for (std::int64_t k = 0; k < n; ++k)
                    QVERIFY(close(y[k], b[k] + 0.5 * a[k], 1e-6));
            }
        }
    }

    void threadPoolCoversEveryIndexOnce() {
        for (int threads : {1, 2, 3, 8}) {
            ThreadPool pool(threads);
            QCOMPARE(pool.size(), threads);
            for (std::int64_t n : {0, 1, 5, 1000, 12345}) {
                std::vector<std::atomic<int>> seen(static_cast<size_t>(n));
                for (int round = 0; round < 3; ++round) {
                    pool.parallel_for(n, 7, [&](std::int64_t begin, std::int64_t end) {
                        for (std::int64_t i = begin; i < end; ++i)
                            seen[static_cast<size_t>(i)]++;
                    });
                }
                for (const auto& count : seen)
                    QCOMPARE(count.load(), 3);
            }
        }
    }

    void threadedMatmulsMatchAPlainProduct() {
        std::mt19937 random(4);
        const std::int64_t cols = 96;
        const std::int64_t rows_a = 37;
        const std::int64_t rows_b = 21;
        const std::int64_t batch = 6;  // one group of four and a ragged group of two
        const auto wa = random_bf16(static_cast<size_t>(rows_a * cols), random);
        const auto wb = random_bf16(static_cast<size_t>(rows_b * cols), random);
        const auto bias = random_bf16(static_cast<size_t>(rows_a), random);
        const auto x = random_floats(static_cast<size_t>(batch * cols), random);
        std::vector<float> ya(static_cast<size_t>(batch * rows_a));
        std::vector<float> yb(static_cast<size_t>(batch * rows_b));
        ThreadPool pool(3);
        const Bf16Linear linears[] = {{wa.data(), bias.data(), rows_a, ya.data(), rows_a},
                                      {wb.data(), nullptr, rows_b, yb.data(), rows_b}};
        f32_bf16w_matmul(pool, best_dot_kernels(), linears, x.data(), batch, cols);
        for (std::int64_t b = 0; b < batch; ++b) {
            for (std::int64_t r = 0; r < rows_a; ++r) {
                double exact = bf16_to_f32(bias[r]);
                for (std::int64_t k = 0; k < cols; ++k)
                    exact += double(bf16_to_f32(wa[r * cols + k])) * x[b * cols + k];
                QVERIFY(close(ya[b * rows_a + r], exact, 1e-5));
            }
            for (std::int64_t r = 0; r < rows_b; ++r) {
                double exact = 0.0;
                for (std::int64_t k = 0; k < cols; ++k)
                    exact += double(bf16_to_f32(wb[r * cols + k])) * x[b * cols + k];
                QVERIFY(close(yb[b * rows_b + r], exact, 1e-5));
            }
        }

        // Two experts of a 3-expert MXFP4 tensor, with different token counts.
        Mxfp4Tensor tensor;
        tensor.experts = 3;
        tensor.rows = 19;
        tensor.cols = 64;
        const auto packed = random_bytes(static_cast<size_t>(3 * 19 * 2 * 16), random);
        const auto scales = random_bytes(static_cast<size_t>(3 * 19 * 2), random, 120, 130);
        const auto expert_bias = random_bf16(static_cast<size_t>(3 * 19), random);
        tensor.blocks = packed.data();
        tensor.scales = scales.data();
        std::vector<float> out0(5 * 19);
        std::vector<float> out2(1 * 19);
        const ExpertJob jobs[] = {{0, x.data(), 5, out0.data()},
                                  {2, x.data() + 5 * 64, 1, out2.data()}};
        f32_mxfp4w_matmul(pool, best_dot_kernels(), tensor, expert_bias.data(), jobs);
        for (const ExpertJob& job : jobs) {
            for (std::int64_t b = 0; b < job.batch; ++b) {
                for (std::int64_t r = 0; r < 19; ++r) {
                    const std::int64_t row = job.expert * 19 + r;
                    float dense[64];
                    mxfp4_dequantize_row(packed.data() + row * 32, scales.data() + row * 2, 64,
                                         dense);
                    double exact = bf16_to_f32(expert_bias[row]);
                    for (int k = 0; k < 64; ++k)
                        exact += double(dense[k]) * job.x[b * 64 + k];
                    QVERIFY(close(job.out[b * 19 + r], exact, 1e-5));
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestCpuKernels)
#include "test_cpu_kernels.moc"
