// The MXFP4 expert kernels against the CPU reference (which dequantises the checkpoint layout
// directly, docs/gpt-oss.md §3): the tile repack byte for byte; decode gate_up + SwiGLU and down
// + routing-weighted accumulate at gpt-oss-20b size; the grouped prefill path (stable grouping,
// tiles of 64 slots with a ragged last tile, empty experts, every expert hit, one expert with
// five tiles, 128 experts, T = 1).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "gpu_test_support.h"
#include "kernels/launchers.h"
#include "kernels/mxfp4_layout.h"
#include "kernels/reference/reference.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

// Scales that keep a K-wide dot product of random E2M1 values (rms 2.93) and unit activations
// near 2: 2^(s - 127) ~ 2 / (2.93 sqrt(K)), jittered by one binade either way.
std::vector<std::uint8_t> random_scales(std::mt19937& rng, std::size_t n, int k) {
    const int center = 127 - static_cast<int>(std::lround(std::log2(2.93 * std::sqrt(k) / 2.0)));
    std::vector<std::uint8_t> s(n);
    for (auto& v : s)
        v = static_cast<std::uint8_t>(center - 1 + static_cast<int>(rng() % 3));
    return s;
}

struct Experts {
    int E = 0, H = 0, I = 0;
    std::vector<std::uint8_t> gu_blocks, gu_scales, dn_blocks, dn_scales;
    std::vector<bf16_bits> gu_bias, dn_bias;
    DeviceBuffer d_gu_blocks, d_gu_scales, d_dn_blocks, d_dn_scales, d_gu_bias, d_dn_bias;

    Mxfp4Experts device_view() const {
        Mxfp4Experts ex;
        ex.gate_up_blocks = d_gu_blocks.as<std::uint8_t>();
        ex.gate_up_scales = d_gu_scales.as<std::uint8_t>();
        ex.gate_up_bias = d_gu_bias.as<bf16_bits>();
        ex.down_blocks = d_dn_blocks.as<std::uint8_t>();
        ex.down_scales = d_dn_scales.as<std::uint8_t>();
        ex.down_bias = d_dn_bias.as<bf16_bits>();
        ex.num_experts = E;
        ex.hidden = H;
        ex.intermediate = I;
        return ex;
    }
    ref::HostExperts host_view() const {
        return {gu_blocks.data(),
                gu_scales.data(),
                gu_bias.data(),
                dn_blocks.data(),
                dn_scales.data(),
                dn_bias.data(),
                E,
                H,
                I,
                7.0f,
                1.702f};
    }
};

// Uploads a checkpoint-layout tensor, repacks it on the GPU and (when asked) compares the tile
// layout with the CPU repack byte for byte.
void repack(Checker& check, const std::vector<std::uint8_t>& blocks,
            const std::vector<std::uint8_t>& scales, int E, int rows, int cols, bool interleaved,
            bool compare, DeviceBuffer& tile_blocks, DeviceBuffer& tile_scales) {
    DeviceBuffer d_blocks = upload(check, blocks, "blocks"),
                 d_scales = upload(check, scales, "scales");
    tile_blocks = poisoned(check, blocks.size(), "tile blocks");
    tile_scales = poisoned(check, scales.size(), "tile scales");
    Mxfp4RepackArgs args;
    args.blocks = d_blocks.as<std::uint8_t>();
    args.scales = d_scales.as<std::uint8_t>();
    args.tile_blocks = tile_blocks.as<std::uint8_t>();
    args.tile_scales = tile_scales.as<std::uint8_t>();
    args.num_experts = E;
    args.rows = rows;
    args.cols = cols;
    args.gate_up_interleaved = interleaved;
    check.ok(u8_mxfp4_repack_mma(args, nullptr), "u8_mxfp4_repack_mma");
    check.ok(device_synchronize(), "repack run");
    if (!compare) return;
    std::vector<std::uint8_t> expected_blocks(blocks.size()), expected_scales(scales.size());
    Mxfp4RepackArgs host = args;
    host.blocks = blocks.data();
    host.scales = scales.data();
    host.tile_blocks = expected_blocks.data();
    host.tile_scales = expected_scales.data();
    ref::mxfp4_repack_mma(host);
    char name[96];
    std::snprintf(name, sizeof(name), "repack E=%d rows=%d cols=%d interleaved=%d", E, rows, cols,
                  interleaved);
    check.equal(std::string(name) + ": blocks",
                download<std::uint8_t>(check, tile_blocks, blocks.size(), "tile blocks"),
                expected_blocks);
    check.equal(std::string(name) + ": scales",
                download<std::uint8_t>(check, tile_scales, scales.size(), "tile scales"),
                expected_scales);
}

Experts make_experts(Checker& check, std::mt19937& rng, int E, int H, int I, bool compare_repack) {
    Experts ex;
    ex.E = E;
    ex.H = H;
    ex.I = I;
    ex.gu_blocks.resize(static_cast<std::size_t>(E) * 2 * I * H / 2);
    ex.dn_blocks.resize(static_cast<std::size_t>(E) * H * I / 2);
    fill_random_bytes(ex.gu_blocks, rng());
    fill_random_bytes(ex.dn_blocks, rng());
    ex.gu_scales = random_scales(rng, static_cast<std::size_t>(E) * 2 * I * H / 32, H);
    ex.dn_scales = random_scales(rng, static_cast<std::size_t>(E) * H * I / 32, I);
    ex.gu_bias = random_bf16(rng, static_cast<std::size_t>(E) * 2 * I, 0.5f);
    ex.dn_bias = random_bf16(rng, static_cast<std::size_t>(E) * H, 0.5f);
    repack(check, ex.gu_blocks, ex.gu_scales, E, 2 * I, H, true, compare_repack, ex.d_gu_blocks,
           ex.d_gu_scales);
    repack(check, ex.dn_blocks, ex.dn_scales, E, H, I, false, compare_repack, ex.d_dn_blocks,
           ex.d_dn_scales);
    ex.d_gu_bias = upload(check, ex.gu_bias, "gate_up bias");
    ex.d_dn_bias = upload(check, ex.dn_bias, "down bias");
    return ex;
}

// Routing for T tokens: 4 distinct experts per token and softmax-like positive weights.
void random_routing(std::mt19937& rng, int tokens, int E, std::vector<std::int32_t>& idx,
                    std::vector<float>& w) {
    idx.resize(static_cast<std::size_t>(tokens) * 4);
    w.resize(idx.size());
    std::uniform_real_distribution<float> uniform(0.1f, 1.0f);
    for (int t = 0; t < tokens; ++t) {
        float sum = 0.0f;
        for (int n = 0; n < 4; ++n) {
            int e;
            do {
                e = static_cast<int>(rng() % E);
            } while (std::find(&idx[t * 4], &idx[t * 4 + n], e) != &idx[t * 4 + n]);
            idx[t * 4 + n] = e;
            w[t * 4 + n] = uniform(rng);
            sum += w[t * 4 + n];
        }
        for (int n = 0; n < 4; ++n)
            w[t * 4 + n] /= sum;
    }
}

std::vector<float> random_residual(std::mt19937& rng, std::size_t n) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> r(n);
    for (auto& v : r)
        v = normal(rng);
    return r;
}

void decode_case(Checker& check, std::mt19937& rng, const Experts& ex, const std::string& label) {
    const auto x = random_bf16(rng, ex.H, 1.0f);
    std::vector<std::int32_t> idx;
    std::vector<float> w;
    random_routing(rng, 1, ex.E, idx, w);
    idx[3] = ex.E - 1;  // the last expert's tiles
    if (idx[0] == idx[3] || idx[1] == idx[3] || idx[2] == idx[3]) idx[3] = ex.E - 2;
    const auto residual = random_residual(rng, ex.H);
    DeviceBuffer d_x = upload(check, x, "x"), d_idx = upload(check, idx, "idx"),
                 d_w = upload(check, w, "w"), d_residual = upload(check, residual, "residual");
    DeviceBuffer d_act = poisoned(check, static_cast<std::size_t>(4) * ex.I * 2, "act");
    MoeDecodeArgs args;
    args.experts = ex.device_view();
    args.x = d_x.as<bf16_bits>();
    args.expert_idx = d_idx.as<std::int32_t>();
    args.expert_weight = d_w.as<float>();
    args.act = d_act.as<f16_bits>();
    args.residual = d_residual.as<float>();
    check.ok(bf16_mxfp4w_moe_gate_up_swiglu_decode(args, nullptr), "gate_up decode");
    check.ok(f16_mxfp4w_moe_down_accumulate_decode(args, nullptr), "down decode");
    check.ok(device_synchronize(), "moe decode run");

    std::vector<float> expected = residual, expected_act(static_cast<std::size_t>(4) * ex.I);
    ref::moe(ex.host_view(), x.data(), idx.data(), w.data(), 1, expected.data(),
             expected_act.data());
    const auto act_bits = download<f16_bits>(check, d_act, expected_act.size(), "act");
    std::vector<float> act(expected_act.size());
    for (int n = 0; n < 4; ++n) {
        for (int j = 0; j < ex.I; ++j) {
            act[n * ex.I + j] = ref::f16_to_f32(act_bits[n * ex.I + mma_order_position(j)]);
        }
    }
    // act: one fp16 rounding (2^-11) of an f32 result; residual: plus the fp16 act's effect.
    check.close("moe decode " + label + ": SwiGLU act", act, expected_act, 2e-3, 2e-3);
    check.close("moe decode " + label + ": residual",
                download<float>(check, d_residual, ex.H, "residual"), expected, 2e-2, 1e-2);
}

void grouped_case(Checker& check, const Experts& ex, const std::vector<std::int32_t>& idx,
                  const std::vector<float>& w, std::mt19937& rng, const std::string& label) {
    const int tokens = static_cast<int>(idx.size() / 4);
    const auto x = random_bf16(rng, static_cast<std::size_t>(tokens) * ex.H, 1.0f);
    const auto residual = random_residual(rng, static_cast<std::size_t>(tokens) * ex.H);
    DeviceBuffer d_x = upload(check, x, "x"), d_idx = upload(check, idx, "idx"),
                 d_w = upload(check, w, "w"), d_residual = upload(check, residual, "residual");
    DeviceBuffer scratch =
        poisoned(check, moe_grouped_scratch_bytes(tokens, ex.E, ex.H, ex.I), "scratch");
    MoeGroupedArgs args;
    args.experts = ex.device_view();
    args.x = d_x.as<bf16_bits>();
    args.expert_idx = d_idx.as<std::int32_t>();
    args.expert_weight = d_w.as<float>();
    args.residual = d_residual.as<float>();
    args.scratch = moe_grouped_scratch(scratch.data(), tokens, ex.E, ex.H, ex.I);
    args.num_tokens = tokens;
    check.ok(i32_moe_group_by_expert(args, nullptr), "group by expert");
    check.ok(bf16_mxfp4w_moe_gate_up_swiglu_grouped(args, nullptr), "gate_up grouped");
    check.ok(f16_mxfp4w_moe_down_grouped(args, nullptr), "down grouped");
    check.ok(f32_moe_combine_residual(args, nullptr), "combine");
    check.ok(device_synchronize(), "moe grouped run");

    // Grouping: slots sorted by expert, in slot order within an expert (a stable sort).
    std::vector<std::int32_t> expected_sorted(idx.size());
    std::iota(expected_sorted.begin(), expected_sorted.end(), 0);
    std::stable_sort(expected_sorted.begin(), expected_sorted.end(),
                     [&](int a, int b) { return idx[a] < idx[b]; });
    std::vector<std::int32_t> sorted(idx.size());
    check.ok(copy_to_host(sorted.data(), args.scratch.sorted_slots, sorted.size() * 4),
             "download sorted slots");
    check.equal("moe grouped " + label + ": stable grouping", sorted, expected_sorted);

    std::vector<float> expected = residual;
    ref::moe(ex.host_view(), x.data(), idx.data(), w.data(), tokens, expected.data(), nullptr);
    check.close("moe grouped " + label + ": residual",
                download<float>(check, d_residual, expected.size(), "residual"), expected, 2e-2,
                1e-2);
}

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    Checker check;
    std::mt19937 rng(31337);
    {
        const Experts ex = make_experts(check, rng, 32, 2880, 2880, true);  // gpt-oss-20b
        decode_case(check, rng, ex, "E=32 H=I=2880");
        decode_case(check, rng, ex, "E=32 H=I=2880 (second token)");
        std::vector<std::int32_t> idx;
        std::vector<float> w;
        random_routing(rng, 16, 32, idx, w);
        grouped_case(check, ex, idx, w, rng, "E=32 H=I=2880 T=16");
    }
    {
        const Experts ex = make_experts(check, rng, 32, 256, 512, true);
        std::vector<std::int32_t> idx;
        std::vector<float> w;
        random_routing(rng, 300, 32, idx, w);
        for (int t = 0; t < 300; ++t) {  // slot 0 of every token -> expert 7: 5 tiles, last ragged
            const int n7 =
                static_cast<int>(std::find(&idx[t * 4], &idx[t * 4 + 4], 7) - &idx[t * 4]);
            if (n7 < 4) idx[t * 4 + n7] = idx[t * 4];
            idx[t * 4] = 7;
        }
        grouped_case(check, ex, idx, w, rng, "E=32 H=256 I=512 T=300 skewed");
        for (int t = 0; t < 64; ++t) {
            for (int n = 0; n < 4; ++n)
                idx[t * 4 + n] = (4 * t + n) % 32;  // every expert, 8 slots
        }
        idx.resize(256);
        w.resize(256);
        grouped_case(check, ex, idx, w, rng, "E=32 T=64 all experts hit");
        idx.resize(4);
        w.resize(4);
        grouped_case(check, ex, idx, w, rng, "E=32 T=1");
        decode_case(check, rng, ex, "E=32 H=256 I=512");
    }
    {
        const Experts ex = make_experts(check, rng, 128, 256, 256, false);  // 120b expert count
        std::vector<std::int32_t> idx;
        std::vector<float> w;
        random_routing(rng, 100, 128, idx, w);
        grouped_case(check, ex, idx, w, rng, "E=128 H=I=256 T=100");
        decode_case(check, rng, ex, "E=128 H=I=256");
    }
    return check.finish("gpu_kernels_moe");
}
