// The device primitives under every tensor-core kernel, each against an emulation written from
// the PTX ISA (kernels/reference/mma_emulation.h): mma.sync m16n8k16 with fp16 and bf16 operands
// (random values, and MXFP4 weights as the MoE kernels decode them), ldmatrix .x4 .trans, and the
// fp16 doubling of decoded weights. Run first when a kernel test fails: a failure here is a
// primitive, a pass here points at the kernel's own index arithmetic.
#include <cstdio>

#include "gpu_test_support.h"
#include "kernels/mxfp4_layout.h"
#include "kernels/primitives_probe.h"
#include "kernels/reference/mma_emulation.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

std::uint32_t pack(std::uint16_t lo, std::uint16_t hi) {
    return static_cast<std::uint32_t>(lo) | (static_cast<std::uint32_t>(hi) << 16);
}

void mma_case(Checker& check, const std::string& name, const std::vector<std::uint32_t>& a,
              const std::vector<std::uint32_t>& b, bool bf16, double rtol) {
    DeviceBuffer d_a = upload(check, a, "a"), d_b = upload(check, b, "b");
    DeviceBuffer d_d = poisoned(check, 32 * 4 * 4, "d");
    check.ok(
        mma_m16n8k16_probe(d_a.as<std::uint32_t>(), d_b.as<std::uint32_t>(), d_d.as<float>(), bf16),
        "mma probe");
    check.ok(device_synchronize(), "mma probe run");
    std::uint32_t fa[32][4], fb[32][2];
    double c[32][4] = {};
    for (int lane = 0; lane < 32; ++lane) {
        for (int i = 0; i < 4; ++i)
            fa[lane][i] = a[lane * 4 + i];
        for (int i = 0; i < 2; ++i)
            fb[lane][i] = b[lane * 2 + i];
    }
    ref::mma_m16n8k16(fa, fb, c, bf16);
    std::vector<float> expected(128);
    for (int lane = 0; lane < 32; ++lane) {
        for (int i = 0; i < 4; ++i)
            expected[lane * 4 + i] = static_cast<float>(c[lane][i]);
    }
    // Layout mistakes give O(1) errors; the tensor cores' own f32 accumulation order, ~1e-6.
    check.close(name, download<float>(check, d_d, 128, "d"), expected, 1e-3, rtol);
}

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    Checker check;
    std::mt19937 rng(17);
    std::normal_distribution<float> normal(0.0f, 1.0f);

    std::vector<std::uint32_t> a(128), b(64);
    for (auto& w : a)
        w = pack(ref::f32_to_f16(normal(rng)), ref::f32_to_f16(normal(rng)));
    for (auto& w : b)
        w = pack(ref::f32_to_f16(normal(rng)), ref::f32_to_f16(normal(rng)));
    mma_case(check, "mma m16n8k16 fp16 x fp16 -> f32, random", a, b, false, 1e-3);
    for (auto& w : a)
        w = pack(ref::f32_to_bf16(normal(rng)), ref::f32_to_bf16(normal(rng)));
    for (auto& w : b)
        w = pack(ref::f32_to_bf16(normal(rng)), ref::f32_to_bf16(normal(rng)));
    mma_case(check, "mma m16n8k16 bf16 x bf16 -> f32, random", a, b, true, 1e-3);

    // MXFP4 weights exactly as the MoE kernels feed them: decoded (E2M1 * 2^-14), then doubled.
    std::vector<std::uint32_t> words(128), doubled(128);
    for (int i = 0; i < 32; ++i) {
        std::uint32_t out[4];
        e2m1x8_to_f16x2(static_cast<std::uint32_t>(rng()), out);
        for (int r = 0; r < 4; ++r)
            words[i * 4 + r] = out[r];
    }
    DeviceBuffer d_words = upload(check, words, "decoded weights"),
                 d_doubled = poisoned(check, 512, "doubled");
    check.ok(f16x2_times_two_probe(d_words.as<std::uint32_t>(), d_doubled.as<std::uint32_t>(), 128),
             "times-two probe");
    check.ok(device_synchronize(), "times-two run");
    doubled = download<std::uint32_t>(check, d_doubled, 128, "doubled");
    std::vector<float> got, expected;
    for (int i = 0; i < 128; ++i) {
        for (int h = 0; h < 2; ++h) {
            const auto bits = [h](std::uint32_t w) {
                return static_cast<std::uint16_t>(h ? w >> 16 : w & 0xffffu);
            };
            got.push_back(ref::f16_to_f32(bits(doubled[i])));
            expected.push_back(2.0f * ref::f16_to_f32(bits(words[i])));  // 0.5 * 2^-14 is subnormal
        }
    }
    check.close("mul.rn.f16x2 doubles decoded E2M1 weights exactly (subnormals kept)", got,
                expected, 0.0, 0.0);
    for (auto& w : b)
        w = pack(ref::f32_to_f16(normal(rng) * 0.25f), ref::f32_to_f16(normal(rng) * 0.25f));
    mma_case(check, "mma m16n8k16 fp16, doubled MXFP4 weights x activations", doubled, b, false,
             1e-3);
    // The raw decode (0.5 * 2^-14 subnormal) on the tensor cores: informative only, since the
    // kernels double first; a mismatch here would mean the tensor cores flush fp16 subnormals.
    {
        DeviceBuffer d_a = upload(check, words, "a"), d_b = upload(check, b, "b"),
                     d_d = poisoned(check, 512, "d");
        check.ok(mma_m16n8k16_probe(d_a.as<std::uint32_t>(), d_b.as<std::uint32_t>(),
                                    d_d.as<float>(), false),
                 "mma probe");
        check.ok(device_synchronize(), "mma probe run");
        std::uint32_t fa[32][4], fb[32][2];
        double c[32][4] = {};
        for (int lane = 0; lane < 32; ++lane) {
            for (int i = 0; i < 4; ++i)
                fa[lane][i] = words[lane * 4 + i];
            for (int i = 0; i < 2; ++i)
                fb[lane][i] = b[lane * 2 + i];
        }
        ref::mma_m16n8k16(fa, fb, c, false);
        const auto d = download<float>(check, d_d, 128, "d");
        double worst = 0.0;
        for (int i = 0; i < 128; ++i)
            worst = std::max(
                worst, std::fabs(d[i] - c[i / 4][i % 4]) / (std::fabs(c[i / 4][i % 4]) + 1e-9));
        std::printf("INFO fp16 subnormal operands on the tensor cores: max rel error %.3e (%s)\n",
                    worst, worst < 1e-3 ? "kept" : "flushed or rounded");
    }

    // ldmatrix.x4.trans on a 16 x 16 tile numbered 0..255: lane l, matrix m (rows (m & 1) * 8,
    // columns (m >> 1) * 8) holds rows 2(l%4), 2(l%4)+1 of column l/4, low half first.
    std::vector<std::uint16_t> tile(256);
    for (int i = 0; i < 256; ++i)
        tile[i] = static_cast<std::uint16_t>(i);
    DeviceBuffer d_tile = upload(check, tile, "tile"), d_frag = poisoned(check, 512, "fragments");
    check.ok(ldmatrix_x4_trans_probe(d_tile.as<std::uint16_t>(), d_frag.as<std::uint32_t>()),
             "ldmatrix probe");
    check.ok(device_synchronize(), "ldmatrix run");
    std::vector<std::uint32_t> expected_frag(128);
    for (int lane = 0; lane < 32; ++lane) {
        for (int m = 0; m < 4; ++m) {
            const int row = (m & 1) * 8 + 2 * (lane % 4), col = (m >> 1) * 8 + lane / 4;
            expected_frag[lane * 4 + m] = pack(tile[row * 16 + col], tile[(row + 1) * 16 + col]);
        }
    }
    check.equal("ldmatrix.x4.trans fragment order",
                download<std::uint32_t>(check, d_frag, 128, "fragments"), expected_frag);
    return check.finish("gpu_kernels_primitives");
}
