// The CUDA module's memory plan and sliding-ring arithmetic (kernels/module/plan.h), checked on
// the CPU: the same functions size the GPU allocations, so the VRAM budget of gpt-oss-20b at a
// 32k context and the truncation rule can be verified without a GPU.
#include <QtTest>

#include <algorithm>
#include <vector>

#include "kernels/module/plan.h"

using namespace ponder::kernels::module;

namespace {

ModelShape shape_20b() {
    ModelShape s;
    s.vocab = 201088;
    s.hidden = 2880;
    s.q_heads = 64;
    s.kv_heads = 8;
    s.experts = 32;
    s.intermediate = 2880;
    s.window = 128;
    for (int l = 0; l < 24; ++l)
        s.sliding.push_back(l % 2 == 0);
    return s;
}

// As moe_grouped_scratch_bytes() and sdpa_decode_partials_bytes() compute them (kernels/*.cu).
KernelWorkspaces workspaces_20b(int chunk) {
    const std::size_t slot_count = static_cast<std::size_t>(chunk) * 4;
    KernelWorkspaces w;
    w.moe_grouped = 2 * align_up(33 * 4) + 2 * align_up(slot_count * 4) +
                    align_up(slot_count * 2880 * 2) + align_up(slot_count * 2880 * 4);
    w.sdpa_partials = static_cast<std::size_t>(kMaxDecodeSplits) * 64 * 68 * 4;
    w.sampler = 1 << 16;
    return w;
}

// Offsets in ascending order, aligned, and each region inside the next one's start.
bool regions_disjoint(std::vector<std::pair<std::size_t, std::size_t>> regions, std::size_t total) {
    std::sort(regions.begin(), regions.end());
    for (std::size_t i = 0; i < regions.size(); ++i) {
        const auto [offset, bytes] = regions[i];
        if (offset % kAlignment != 0) return false;
        const std::size_t end = offset + bytes;
        const std::size_t next = i + 1 < regions.size() ? regions[i + 1].first : total;
        if (end > next) return false;
    }
    return true;
}

}  // namespace

class TestCudaPlan : public QObject {
    Q_OBJECT
  private slots:
    void weightsOf20bAreTheCheckpointBytes() {
        const ModelShape s = shape_20b();
        const WeightLayout w = plan_weights(s);
        // docs/gpt-oss.md §8: 13,761,264,768 tensor bytes; the arena adds alignment padding
        // (< 256 bytes per tensor) and the 128-byte RoPE table, nothing else.
        const std::size_t tensors = 3 + 24 * 15 + 1;
        QVERIFY(w.total >= 13'761'264'768ull);
        QVERIFY(w.total <= 13'761'264'768ull + tensors * kAlignment);
        std::vector<std::pair<std::size_t, std::size_t>> regions = {
            {w.embedding, 201088ull * 2880 * 2},
            {w.final_norm, 2880 * 2},
            {w.unembedding, 201088ull * 2880 * 2},
            {w.rope_inv_freq, 128}};
        for (const LayerOffsets& o : w.layers) {
            regions.push_back({o.qkv_weight, 5120ull * 2880 * 2});
            regions.push_back({o.gate_up_blocks, 32ull * 5760 * 2880 / 2});
            regions.push_back({o.gate_up_scales, 32ull * 5760 * 2880 / 32});
            regions.push_back({o.down_blocks, 32ull * 2880 * 2880 / 2});
            regions.push_back({o.down_scales, 32ull * 2880 * 2880 / 32});
            regions.push_back({o.down_bias, 32ull * 2880 * 2});
        }
        QVERIFY(regions_disjoint(regions, w.total));
        // Each expert's tiles start 512-byte aligned (expert e at e * rows * cols / 2).
        QVERIFY((5760ull * 2880 / 2) % 512 == 0);
    }

    void scratchHoldsOneChunk() {
        const ModelShape s = shape_20b();
        const int chunk = 1024;
        const ScratchLayout c = plan_scratch(s, chunk, workspaces_20b(chunk));
        QCOMPARE(c.chunk, chunk);
        const std::size_t t = chunk;
        QVERIFY(regions_disjoint({{c.tokens, t * 4},
                                  {c.x, t * 2880 * 4},
                                  {c.t, t * 2880 * 2},
                                  {c.qkv, t * 5120 * 4},
                                  {c.q, t * 4096 * 2},
                                  {c.attn, t * 4096 * 2},
                                  {c.delta, t * 2880 * 4},
                                  {c.router, t * 32 * 4},
                                  {c.expert_idx, t * 16},
                                  {c.expert_weight, t * 16},
                                  {c.moe_grouped, workspaces_20b(chunk).moe_grouped},
                                  {c.moe_act, 4 * 2880 * 2},
                                  {c.partials, workspaces_20b(chunk).sdpa_partials},
                                  {c.logits, kLogitsRows * 201088ull * 4},
                                  {c.sampler, 1 << 16}},
                                 c.total));
        // The decode router writes kRouterSplits rows even when a chunk is smaller.
        const ScratchLayout tiny = plan_scratch(s, 1, workspaces_20b(1));
        QVERIFY(tiny.expert_idx - tiny.router >= std::size_t{kRouterSplits} * 32 * 4);
    }

    void ringHoldsWindowChunkAndRetain() {
        QCOMPARE(ring_capacity(128, 512, 1024), std::int64_t{1152});
        QCOMPARE(ring_capacity(128, 0, 64), std::int64_t{192});
        QCOMPARE(ring_capacity(128, 512, 64), std::int64_t{640});
        QCOMPARE(ring_capacity(128, -5, 1), std::int64_t{129});
        // The prefill kernels need capacity >= window + chunk - 1.
        for (int chunk : {1, 7, 64, 1024, 4096})
            QVERIFY(ring_capacity(128, 0, chunk) >= 128 + chunk - 1);
    }

    void decodeSplitsFollowCapacity() {
        QCOMPARE(full_layer_decode_splits(1), 1);
        QCOMPARE(full_layer_decode_splits(300), 1);
        QCOMPARE(full_layer_decode_splits(4096), 8);
        QCOMPARE(full_layer_decode_splits(32768), 64);
        QCOMPARE(full_layer_decode_splits(131072), kMaxDecodeSplits);
    }

    void session20bAt32kAndTheVramBudget() {
        const ModelShape s = shape_20b();
        const SessionLayout layout = plan_session(s, 32768, 512, 1024);
        QCOMPARE(layout.capacity.size(), std::size_t{24});
        QCOMPARE(layout.capacity[0], std::int64_t{1152});   // sliding
        QCOMPARE(layout.capacity[1], std::int64_t{32768});  // full
        QCOMPARE(layout.full_splits, 64);
        // 12 full layers x 32768 x 2 KB + 12 rings x 1152 x 2 KB + the state block.
        QCOMPARE(layout.total,
                 std::size_t{12} * 32768 * 2048 + std::size_t{12} * 1152 * 2048 + kAlignment);
        // The target: gpt-oss-20b with a 32k context in <= 15 GB of device memory
        // (what the module allocates; the CUDA context itself comes on top).
        const std::size_t weights = plan_weights(s).total;
        const std::size_t scratch = plan_scratch(s, 1024, workspaces_20b(1024)).total;
        const double total_gb = static_cast<double>(weights + scratch + layout.total) / 1e9;
        qInfo("20b, 32k context: weights %.3f GB + scratch %.3f GB + KV %.3f GB = %.3f GB",
              weights / 1e9, scratch / 1e9, layout.total / 1e9, total_gb);
        QVERIFY(total_gb < 15.0);
    }

    void ringTruncation() {
        RingState ring;
        ring.wrote_until(100, 192);
        QCOMPARE(ring.lo, std::int64_t{0});
        QCOMPARE(ring.keep_after_truncate(50, 128), std::int64_t{50});
        ring.wrote_until(300, 192);  // positions below 108 overwritten
        QCOMPARE(ring.lo, std::int64_t{108});
        QCOMPARE(ring.keep_after_truncate(300, 128), std::int64_t{300});
        QCOMPARE(ring.keep_after_truncate(250, 128),
                 std::int64_t{250});  // window [123, 250) intact
        QCOMPARE(ring.keep_after_truncate(235, 128),
                 std::int64_t{235});  // window starts at 108 exactly
        QCOMPARE(ring.keep_after_truncate(234, 128), std::int64_t{0});  // would need position 107
        QCOMPARE(ring.keep_after_truncate(0, 128), std::int64_t{0});
        // After keeping 250, rewriting [250, 260) destroys nothing below 260 - 192 = 68 < 108.
        ring.wrote_until(260, 192);
        QCOMPARE(ring.lo, std::int64_t{108});
        ring.wrote_until(400, 192);
        QCOMPARE(ring.lo, std::int64_t{208});
    }
};

QTEST_GUILESS_MAIN(TestCudaPlan)
#include "test_cuda_plan.moc"
