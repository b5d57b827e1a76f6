// bf16_bf16w_qkv_rope_cache_d64 (decode: mat-vec + bias + RoPE + cache write in one pass) and
// f32_qkv_bias_rope_cache_d64 (prefill epilogue) against the CPU reference. The whole cache is
// compared, starting from random contents, so a write to the wrong slot or head shows up:
// full caches, the 128-slot sliding ring at positions past 8k, a prefill-sized ring.
#include <cstdio>

#include "gpu_test_support.h"
#include "kernels/launchers.h"
#include "kernels/reference/reference.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

constexpr int kKvHeads = 8;
constexpr int kQHeads = kKvHeads * kQueriesPerKvHead;
constexpr int kRows = (kQHeads + 2 * kKvHeads) * kHeadDim;  // 5120

// YaRN-like frequencies spanning 1 .. 3e-7 (docs/gpt-oss.md §4.5 table), m of gpt-oss.
std::vector<float> inv_freq_table() {
    std::vector<float> f(kRopePairs);
    for (int i = 0; i < kRopePairs; ++i)
        f[i] = static_cast<float>(std::pow(150000.0, -i / 32.0));
    return f;
}
constexpr float kAttentionFactor = 1.3465735902799727f;

// RoPE angles of large positions are sensitive to the last bit of the f32 product and of
// sincosf; bf16 outputs absorb that: one bf16 ulp plus a little.
constexpr double kAtol = 2e-3, kRtol = 1.0 / 64;

struct Cache {
    std::vector<bf16_bits> k, v;
    DeviceBuffer d_k, d_v;
};

Cache random_cache(Checker& check, std::mt19937& rng, int capacity) {
    Cache c;
    c.k = random_bf16(rng, static_cast<std::size_t>(kKvHeads) * capacity * kHeadDim, 1.0f);
    c.v = random_bf16(rng, c.k.size(), 1.0f);
    c.d_k = upload(check, c.k, "k cache");
    c.d_v = upload(check, c.v, "v cache");
    return c;
}

void compare_cache(Checker& check, const std::string& name, Cache& c) {
    check.close(name + ": k cache",
                bf16_to_floats(download<bf16_bits>(check, c.d_k, c.k.size(), "k")),
                bf16_to_floats(c.k), kAtol, kRtol);
    check.close(name + ": v cache",
                bf16_to_floats(download<bf16_bits>(check, c.d_v, c.v.size(), "v")),
                bf16_to_floats(c.v), kAtol, kRtol);
}

void decode_case(Checker& check, std::mt19937& rng, int pos, int capacity, int window) {
    const int hidden = 2880;
    const auto weight = random_bf16(rng, static_cast<std::size_t>(kRows) * hidden, 0.03f);
    const auto bias = random_bf16(rng, kRows, 0.2f);
    const auto x = random_bf16(rng, hidden, 1.0f);
    const auto inv_freq = inv_freq_table();
    Cache cache = random_cache(check, rng, capacity);
    DeviceBuffer d_w = upload(check, weight, "weight"), d_b = upload(check, bias, "bias"),
                 d_x = upload(check, x, "x"), d_f = upload(check, inv_freq, "inv_freq"),
                 d_pos = upload(check, std::vector<std::int32_t>{pos}, "pos");
    DeviceBuffer d_q = poisoned(check, kQHeads * kHeadDim * 2, "q");
    QkvRopeDecodeArgs args;
    args.weight = d_w.as<bf16_bits>();
    args.bias = d_b.as<bf16_bits>();
    args.x = d_x.as<bf16_bits>();
    args.rope = {d_f.as<float>(), kAttentionFactor, d_pos.as<std::int32_t>()};
    args.q = d_q.as<bf16_bits>();
    args.cache = {cache.d_k.as<bf16_bits>(), cache.d_v.as<bf16_bits>(), capacity, window};
    args.num_kv_heads = kKvHeads;
    args.hidden = hidden;
    check.ok(bf16_bf16w_qkv_rope_cache_d64(args, nullptr), "bf16_bf16w_qkv_rope_cache_d64");
    check.ok(device_synchronize(), "qkv decode run");

    std::vector<float> qkv(kRows);
    ref::matmul_bf16(weight.data(), nullptr, x.data(), 1, kRows, hidden, qkv.data());
    std::vector<bf16_bits> q(kQHeads * kHeadDim);
    ref::qkv_bias_rope_cache(qkv.data(), bias.data(), 1, pos, kKvHeads, inv_freq.data(),
                             kAttentionFactor, q.data(),
                             ref::HostKvCache{cache.k.data(), cache.v.data(), capacity, window});
    char name[96];
    std::snprintf(name, sizeof(name), "qkv decode pos=%d capacity=%d window=%d", pos, capacity,
                  window);
    check.close(std::string(name) + ": q",
                bf16_to_floats(download<bf16_bits>(check, d_q, q.size(), "q")), bf16_to_floats(q),
                kAtol, kRtol);
    compare_cache(check, name, cache);
}

void prefill_case(Checker& check, std::mt19937& rng, int tokens, int pos0, int capacity,
                  int window) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> qkv(static_cast<std::size_t>(tokens) * kRows);
    for (auto& v : qkv)
        v = normal(rng);
    const auto bias = random_bf16(rng, kRows, 0.2f);
    const auto inv_freq = inv_freq_table();
    Cache cache = random_cache(check, rng, capacity);
    DeviceBuffer d_qkv = upload(check, qkv, "qkv"), d_b = upload(check, bias, "bias"),
                 d_f = upload(check, inv_freq, "inv_freq"),
                 d_pos = upload(check, std::vector<std::int32_t>{pos0}, "pos0");
    DeviceBuffer d_q =
        poisoned(check, static_cast<std::size_t>(tokens) * kQHeads * kHeadDim * 2, "q");
    QkvRopePrefillArgs args;
    args.qkv = d_qkv.as<float>();
    args.bias = d_b.as<bf16_bits>();
    args.rope = {d_f.as<float>(), kAttentionFactor, d_pos.as<std::int32_t>()};
    args.q = d_q.as<bf16_bits>();
    args.cache = {cache.d_k.as<bf16_bits>(), cache.d_v.as<bf16_bits>(), capacity, window};
    args.num_tokens = tokens;
    args.num_kv_heads = kKvHeads;
    check.ok(f32_qkv_bias_rope_cache_d64(args, nullptr), "f32_qkv_bias_rope_cache_d64");
    check.ok(device_synchronize(), "qkv prefill run");
    std::vector<bf16_bits> q(static_cast<std::size_t>(tokens) * kQHeads * kHeadDim);
    ref::qkv_bias_rope_cache(qkv.data(), bias.data(), tokens, pos0, kKvHeads, inv_freq.data(),
                             kAttentionFactor, q.data(),
                             ref::HostKvCache{cache.k.data(), cache.v.data(), capacity, window});
    char name[96];
    std::snprintf(name, sizeof(name), "qkv prefill T=%d pos0=%d capacity=%d window=%d", tokens,
                  pos0, capacity, window);
    check.close(std::string(name) + ": q",
                bf16_to_floats(download<bf16_bits>(check, d_q, q.size(), "q")), bf16_to_floats(q),
                kAtol, kRtol);
    compare_cache(check, name, cache);
}

void refuses_small_ring(Checker& check) {
    QkvRopePrefillArgs args;
    DeviceBuffer dummy;
    check.ok(dummy.allocate(1 << 16), "allocate");
    args.qkv = dummy.as<float>();
    args.bias = dummy.as<bf16_bits>();
    args.rope = {dummy.as<float>(), 1.0f, dummy.as<std::int32_t>()};
    args.q = dummy.as<bf16_bits>();
    args.cache = {dummy.as<bf16_bits>(), dummy.as<bf16_bits>(), 128, 128};
    args.num_tokens = 2;  // needs 129 slots
    args.num_kv_heads = kKvHeads;
    const Status status = f32_qkv_bias_rope_cache_d64(args, nullptr);
    check.expect(
        status.code() == StatusCode::invalid_argument,
        std::string("a chunk larger than the ring allows is refused: ") + status.message());
}

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    Checker check;
    std::mt19937 rng(7);
    decode_case(check, rng, 0, 4096, 0);         // first token, full cache
    decode_case(check, rng, 4095, 4096, 0);      // last slot of a full cache
    decode_case(check, rng, 127, 128, 128);      // ring: last slot
    decode_case(check, rng, 128, 128, 128);      // ring: wraps to slot 0
    decode_case(check, rng, 8200, 128, 128);     // past 8k: slot 8200 % 128 = 8
    decode_case(check, rng, 131071, 131072, 0);  // the largest gpt-oss position
    prefill_case(check, rng, 50, 100, 4096, 0);
    prefill_case(check, rng, 64, 8150, 191, 128);  // ring of 128 + 64 - 1 slots, wrapping past 8k
    prefill_case(check, rng, 1, 0, 128, 128);
    refuses_small_ring(check);
    return check.finish("gpu_kernels_qkv_rope");
}
