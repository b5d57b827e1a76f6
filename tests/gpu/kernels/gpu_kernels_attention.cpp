// bf16_sdpa_sink_window_d64_decode (split over the key range + combine) and
// bf16_sdpa_sink_window_d64_prefill (bf16 tensor cores) against the CPU reference, with random
// q, caches and sinks: a single key, 64-key tile boundaries, contexts spanning many splits
// (including ragged splits and more splits than tiles), the 128-key window at its boundary, the
// ring past 8k positions, ragged query tiles, a window boundary inside a prefill chunk, a full
// layer whose ring is smaller than the context (keys bounded by what the ring holds).
#include <cstdio>

#include "gpu_test_support.h"
#include "kernels/launchers.h"
#include "kernels/reference/reference.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

constexpr int kKvHeads = 8;
constexpr int kQHeads = kKvHeads * kQueriesPerKvHead;

struct Setup {
    std::vector<bf16_bits> q, k, v, sinks;
    DeviceBuffer d_q, d_k, d_v, d_sinks, d_pos;
};

// q of standard deviation 2.5 gives scores q.k/8 of about 2.5: softmax neither flat nor one-hot.
Setup make_setup(Checker& check, std::mt19937& rng, int tokens, int capacity, int pos0) {
    Setup s;
    s.q = random_bf16(rng, static_cast<std::size_t>(tokens) * kQHeads * kHeadDim, 2.5f);
    s.k = random_bf16(rng, static_cast<std::size_t>(kKvHeads) * capacity * kHeadDim, 1.0f);
    s.v = random_bf16(rng, s.k.size(), 1.0f);
    s.sinks = random_bf16(rng, kQHeads, 1.5f);
    s.d_q = upload(check, s.q, "q");
    s.d_k = upload(check, s.k, "k");
    s.d_v = upload(check, s.v, "v");
    s.d_sinks = upload(check, s.sinks, "sinks");
    s.d_pos = upload(check, std::vector<std::int32_t>{pos0}, "pos0");
    return s;
}

SdpaArgs sdpa_args(Setup& s, DeviceBuffer& out, int tokens, int capacity, int window) {
    SdpaArgs a;
    a.q = s.d_q.as<bf16_bits>();
    a.cache = {s.d_k.as<bf16_bits>(), s.d_v.as<bf16_bits>(), capacity, window};
    a.sinks = s.d_sinks.as<bf16_bits>();
    a.pos0 = s.d_pos.as<std::int32_t>();
    a.out = out.as<bf16_bits>();
    a.num_tokens = tokens;
    a.num_kv_heads = kKvHeads;
    a.scale = 0.125f;
    return a;
}

std::vector<float> reference(Setup& s, int tokens, int capacity, int window, int pos0) {
    std::vector<float> out(static_cast<std::size_t>(tokens) * kQHeads * kHeadDim);
    ref::sdpa_sink_window(s.q.data(), ref::HostKvCache{s.k.data(), s.v.data(), capacity, window},
                          s.sinks.data(), tokens, kKvHeads, pos0, 0.125f, out.data());
    // The kernels store bf16; compare with the reference rounded the same way.
    for (auto& v : out)
        v = ref::round_bf16(v);
    return out;
}

void decode_case(Checker& check, std::mt19937& rng, int pos, int capacity, int window, int splits) {
    Setup s = make_setup(check, rng, 1, capacity, pos);
    DeviceBuffer out = poisoned(check, kQHeads * kHeadDim * 2, "out");
    DeviceBuffer partials =
        poisoned(check, sdpa_decode_partials_bytes(kKvHeads, splits), "partials");
    SdpaDecodeArgs args;
    args.attn = sdpa_args(s, out, 1, capacity, window);
    args.partials = partials.as<float>();
    args.num_splits = splits;
    check.ok(bf16_sdpa_sink_window_d64_decode(args, nullptr), "bf16_sdpa_sink_window_d64_decode");
    check.ok(device_synchronize(), "decode attention run");
    char name[96];
    std::snprintf(name, sizeof(name), "sdpa decode pos=%d capacity=%d window=%d splits=%d", pos,
                  capacity, window, splits);
    // f32 softmax and accumulation; the output's bf16 rounding may differ by one ulp.
    check.close(name, bf16_to_floats(download<bf16_bits>(check, out, s.q.size(), "out")),
                reference(s, 1, capacity, window, pos), 4e-3, 1.0 / 64);
}

void prefill_case(Checker& check, std::mt19937& rng, int tokens, int pos0, int capacity,
                  int window) {
    Setup s = make_setup(check, rng, tokens, capacity, pos0);
    DeviceBuffer out = poisoned(check, s.q.size() * 2, "out");
    check.ok(
        bf16_sdpa_sink_window_d64_prefill(sdpa_args(s, out, tokens, capacity, window), nullptr),
        "bf16_sdpa_sink_window_d64_prefill");
    check.ok(device_synchronize(), "prefill attention run");
    char name[96];
    std::snprintf(name, sizeof(name), "sdpa prefill T=%d pos0=%d capacity=%d window=%d", tokens,
                  pos0, capacity, window);
    // P is rounded to bf16 before P.V on the tensor cores: ~3 significant digits.
    check.close(name, bf16_to_floats(download<bf16_bits>(check, out, s.q.size(), "out")),
                reference(s, tokens, capacity, window, pos0), 1e-2, 3e-2);
}

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    Checker check;
    std::mt19937 rng(2024);
    // Decode, full attention.
    decode_case(check, rng, 0, 256, 0, 1);         // one key
    decode_case(check, rng, 0, 256, 0, 16);        // one key, 15 idle splits
    decode_case(check, rng, 63, 256, 0, 4);        // exactly one tile
    decode_case(check, rng, 64, 256, 0, 4);        // one tile + 1 key
    decode_case(check, rng, 200, 256, 0, 1);       // several tiles in one split
    decode_case(check, rng, 20000, 32768, 0, 32);  // many splits of 640 keys
    decode_case(check, rng, 20000, 32768, 0, 7);   // ragged last split
    decode_case(check, rng, 4095, 4096, 0, 256);   // more splits than tiles
    // Decode, sliding window 128 on a 128-slot ring.
    decode_case(check, rng, 126, 128, 128, 2);  // window not yet full
    decode_case(check, rng, 127, 128, 128, 2);  // exactly 128 keys, no wrap
    decode_case(check, rng, 128, 128, 128, 2);  // first wrap: key 0 leaves the window
    decode_case(check, rng, 8191, 128, 128, 2);
    decode_case(check, rng, 8200, 128, 128, 1);  // past 8k, window spans the wrap
    decode_case(check, rng, 1000, 640, 128, 3);  // prefill-sized ring
    // Prefill.
    prefill_case(check, rng, 1, 0, 256, 0);
    prefill_case(check, rng, 15, 0, 256, 0);  // one ragged query tile
    prefill_case(check, rng, 16, 0, 256, 0);
    prefill_case(check, rng, 17, 0, 256, 0);
    prefill_case(check, rng, 100, 0, 256, 0);
    prefill_case(check, rng, 77, 300, 512, 0);     // a chunk after 300 cached tokens
    prefill_case(check, rng, 200, 0, 327, 128);    // window boundary inside the chunk
    prefill_case(check, rng, 65, 8150, 256, 128);  // ring wrapping past 8k
    prefill_case(check, rng, 33, 5000, 8192, 0);   // long context, 80 key tiles
    // A full layer whose ring is smaller than the context: prefill starts at the oldest key the
    // ring holds after the chunk (pos0 + T - capacity), as decode does.
    prefill_case(check, rng, 40, 100, 128, 0);
    prefill_case(check, rng, 128, 300, 128, 0);  // the whole ring rewritten by one chunk
    decode_case(check, rng, 300, 256, 0, 4);
    return check.finish("gpu_kernels_attention");
}
