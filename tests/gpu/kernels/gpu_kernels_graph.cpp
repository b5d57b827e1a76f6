// A decode step captured once in a CUDA graph and replayed 300 times: q/k/v + RoPE into a
// 128-slot sliding ring and into a full cache, decode attention on both (the full one's active
// splits grow with the position), a top-p draw, and the device-side position advance. Every
// replay is compared with the CPU reference at that position, so positions, ring slots, the
// split range and the sampler's counter must all move on the device without host writes.
#include <cstdio>

#include "gpu_test_support.h"
#include "kernels/launchers.h"
#include "kernels/reference/reference.h"
#include "sampling_check.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

constexpr int kKvHeads = 8, kQHeads = kKvHeads * kQueriesPerKvHead;
constexpr int kRows = (kQHeads + 2 * kKvHeads) * kHeadDim;
constexpr int kHidden = 256, kSteps = 300, kWindow = 128, kFullCapacity = 512, kSplits = 4;
constexpr int kVocab = 5000;

struct HostCache {
    std::vector<bf16_bits> k, v;
};

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    Checker check;
    std::mt19937 rng(4242);
    const auto weight = random_bf16(rng, static_cast<std::size_t>(kRows) * kHidden, 0.1f);
    const auto bias = random_bf16(rng, kRows, 0.2f);
    const auto x = random_bf16(rng, kHidden, 1.0f);
    const auto sinks = random_bf16(rng, kQHeads, 1.0f);
    std::vector<float> inv_freq(kRopePairs);
    for (int i = 0; i < kRopePairs; ++i)
        inv_freq[i] = static_cast<float>(std::pow(150000.0, -i / 32.0));
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<float> logits(kVocab);
    for (auto& v : logits)
        v = normal(rng);
    HostCache ring{random_bf16(rng, static_cast<std::size_t>(kKvHeads) * kWindow * kHeadDim, 1.0f),
                   {}};
    ring.v = random_bf16(rng, ring.k.size(), 1.0f);
    HostCache full{
        random_bf16(rng, static_cast<std::size_t>(kKvHeads) * kFullCapacity * kHeadDim, 1.0f), {}};
    full.v = random_bf16(rng, full.k.size(), 1.0f);

    DeviceBuffer d_w = upload(check, weight, "weight"), d_b = upload(check, bias, "bias"),
                 d_x = upload(check, x, "x"), d_sinks = upload(check, sinks, "sinks"),
                 d_f = upload(check, inv_freq, "inv_freq"),
                 d_logits = upload(check, logits, "logits"),
                 d_pos = upload(check, std::vector<std::int32_t>{0}, "pos"),
                 d_counter = upload(check, std::vector<std::uint64_t>{0}, "counter"),
                 d_ring_k = upload(check, ring.k, "ring k"),
                 d_ring_v = upload(check, ring.v, "ring v"),
                 d_full_k = upload(check, full.k, "full k"),
                 d_full_v = upload(check, full.v, "full v");
    DeviceBuffer d_q = poisoned(check, kQHeads * kHeadDim * 2, "q"),
                 d_out_ring = poisoned(check, kQHeads * kHeadDim * 2, "out ring"),
                 d_out_full = poisoned(check, kQHeads * kHeadDim * 2, "out full"),
                 d_partials =
                     poisoned(check, sdpa_decode_partials_bytes(kKvHeads, kSplits), "partials"),
                 d_token = poisoned(check, 4, "token"), d_workspace;
    check.ok(d_workspace.allocate(sample_workspace_bytes(kVocab)), "allocate sampler workspace");

    const KvCacheView ring_view{d_ring_k.as<bf16_bits>(), d_ring_v.as<bf16_bits>(), kWindow,
                                kWindow};
    const KvCacheView full_view{d_full_k.as<bf16_bits>(), d_full_v.as<bf16_bits>(), kFullCapacity,
                                0};
    QkvRopeDecodeArgs qkv;
    qkv.weight = d_w.as<bf16_bits>();
    qkv.bias = d_b.as<bf16_bits>();
    qkv.x = d_x.as<bf16_bits>();
    qkv.rope = {d_f.as<float>(), 1.3465736f, d_pos.as<std::int32_t>()};
    qkv.q = d_q.as<bf16_bits>();
    qkv.num_kv_heads = kKvHeads;
    qkv.hidden = kHidden;
    SdpaDecodeArgs attn;
    attn.attn.q = d_q.as<bf16_bits>();
    attn.attn.sinks = d_sinks.as<bf16_bits>();
    attn.attn.pos0 = d_pos.as<std::int32_t>();
    attn.attn.num_tokens = 1;
    attn.attn.num_kv_heads = kKvHeads;
    attn.partials = d_partials.as<float>();
    attn.num_splits = kSplits;
    SampleArgs sample;
    sample.logits = d_logits.as<float>();
    sample.vocab = kVocab;
    sample.temperature = 0.8f;
    sample.top_p = 0.9f;
    sample.seed = 99;
    sample.rng_counter = d_counter.as<std::uint64_t>();
    sample.token = d_token.as<std::int32_t>();
    sample.workspace = d_workspace.data();

    Stream stream;
    Graph graph;
    if (!check.ok(stream.create(), "create stream")) return check.finish("gpu_kernels_graph");
    check.ok(graph.capture_begin(stream.handle()), "capture begin");
    qkv.cache = ring_view;
    check.ok(bf16_bf16w_qkv_rope_cache_d64(qkv, stream.handle()), "capture qkv (ring)");
    qkv.cache = full_view;
    check.ok(bf16_bf16w_qkv_rope_cache_d64(qkv, stream.handle()), "capture qkv (full)");
    attn.attn.cache = ring_view;
    attn.attn.out = d_out_ring.as<bf16_bits>();
    check.ok(bf16_sdpa_sink_window_d64_decode(attn, stream.handle()), "capture attention (ring)");
    attn.attn.cache = full_view;
    attn.attn.out = d_out_full.as<bf16_bits>();
    check.ok(bf16_sdpa_sink_window_d64_decode(attn, stream.handle()), "capture attention (full)");
    check.ok(f32_sample_top_p(sample, stream.handle()), "capture sampler");
    check.ok(i32_advance_position(d_pos.as<std::int32_t>(), 1, stream.handle()), "capture advance");
    if (!check.ok(graph.capture_end(stream.handle()), "capture end"))
        return check.finish("gpu_kernels_graph");

    std::vector<float> qkv_f32(kRows);
    ref::matmul_bf16(weight.data(), nullptr, x.data(), 1, kRows, kHidden, qkv_f32.data());
    std::vector<bf16_bits> q(kQHeads * kHeadDim);
    std::vector<float> expected(kQHeads * kHeadDim);
    int attention_failures = 0, token_failures = 0;
    double worst_ring = 0.0, worst_full = 0.0;
    for (int pos = 0; pos < kSteps; ++pos) {
        if (!check.ok(graph.replay(stream.handle()), "replay") ||
            !check.ok(stream.synchronize(), "replay run"))
            break;
        ref::qkv_bias_rope_cache(qkv_f32.data(), bias.data(), 1, pos, kKvHeads, inv_freq.data(),
                                 1.3465736f, q.data(),
                                 ref::HostKvCache{ring.k.data(), ring.v.data(), kWindow, kWindow});
        ref::qkv_bias_rope_cache(qkv_f32.data(), bias.data(), 1, pos, kKvHeads, inv_freq.data(),
                                 1.3465736f, q.data(),
                                 ref::HostKvCache{full.k.data(), full.v.data(), kFullCapacity, 0});
        for (int which = 0; which < 2; ++which) {
            HostCache& c = which == 0 ? ring : full;
            const int capacity = which == 0 ? kWindow : kFullCapacity;
            ref::sdpa_sink_window(
                q.data(),
                ref::HostKvCache{c.k.data(), c.v.data(), capacity, which == 0 ? kWindow : 0},
                sinks.data(), 1, kKvHeads, pos, 0.125f, expected.data());
            const auto got = bf16_to_floats(download<bf16_bits>(
                check, which == 0 ? d_out_ring : d_out_full, expected.size(), "out"));
            for (std::size_t i = 0; i < got.size(); ++i) {
                const double err = std::fabs(got[i] - expected[i]);
                (which == 0 ? worst_ring : worst_full) =
                    std::max(which == 0 ? worst_ring : worst_full, err);
                if (!(err <= 5e-3 + std::fabs(expected[i]) / 64)) {
                    if (attention_failures++ < 5) {
                        std::printf("FAIL step %d %s [%zu]: got %g ref %g\n", pos,
                                    which == 0 ? "ring" : "full", i, static_cast<double>(got[i]),
                                    static_cast<double>(expected[i]));
                    }
                }
            }
        }
        const int token = download<std::int32_t>(check, d_token, 1, "token")[0];
        const auto draw = ref::sample_top_p(logits.data(), kVocab, 0.8f, 0.9f, 99,
                                            static_cast<std::uint64_t>(pos));
        if (!acceptable(logits, draw, token) && token_failures++ < 5) {
            std::printf("FAIL step %d: sampled %d, reference %d\n", pos, token, draw.token);
        }
    }
    char line[160];
    std::snprintf(line, sizeof(line),
                  "graph replays x%d: attention max_abs ring %.3e full %.3e, %d bad values", kSteps,
                  worst_ring, worst_full, attention_failures);
    check.expect(attention_failures == 0, line);
    std::snprintf(line, sizeof(line), "graph replays x%d: sampled tokens, %d off the reference",
                  kSteps, token_failures);
    check.expect(token_failures == 0, line);
    const auto pos = download<std::int32_t>(check, d_pos, 1, "pos");
    const auto counter = download<std::uint64_t>(check, d_counter, 1, "counter");
    check.expect(pos[0] == kSteps && counter[0] == static_cast<std::uint64_t>(kSteps),
                 "position and sampler counter advanced on the device once per replay");
    return check.finish("gpu_kernels_graph");
}
