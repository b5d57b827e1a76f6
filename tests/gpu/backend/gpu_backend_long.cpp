// A decode run past 8k tokens agrees with prefill (ring-buffer correctness): the small random
// model (GQA 8, 32 experts, window 128) decodes 8,450 tokens one at a time through the captured
// graph, its 640-slot sliding rings wrapping ~13 times, and the logits at ~45 positions (every
// 200th, plus the ring and 4k/8k edges) are compared with a second session that prefills the
// same tokens in chunks ending exactly at those positions. The first 600 decoded positions are
// also compared with the CPU backend.
#include <set>

#include "backend_test_support.h"

using namespace ponder;
using namespace ponder::gpu_test;

namespace {

constexpr std::int64_t kTokens = 8450;
constexpr std::int64_t kCpuTokens = 600;

}  // namespace

int main() {
    if (!cuda_present()) return kSkipped;
    Checker check;
    const ModelConfig config = small_gpu_config();
    TempModel files(config, 21);
    if (!check.ok(files.status(), "write the random checkpoint")) return check.finish("long");
    auto gpu = load(files.dir(), BackendPreference::cuda, 512, 16384);
    auto cpu = load(files.dir(), BackendPreference::cpu);
    if (!check.ok(gpu.status(), "load on CUDA") || !check.ok(cpu.status(), "load on the CPU")) {
        return check.finish("gpu_backend_long");
    }
    const std::int64_t vocab = config.vocab_size;
    const auto tokens = random_tokens(kTokens, vocab, 5);

    std::set<std::int64_t> positions = {0,    127,  128,  639,  640,  641,  1151,
                                        4095, 4096, 8191, 8192, 8193, 8447, kTokens - 1};
    for (std::int64_t p = 199; p < kTokens; p += 200)
        positions.insert(p);

    // Decode: one token per step, logits only where they are compared (and the CPU prefix).
    SessionOptions options;  // sliding_retain 512: rings of 128 + 512 = 640 slots
    auto decoder = (*gpu)->backend().new_session(options);
    if (!check.ok(decoder.status(), "decode session")) return check.finish("gpu_backend_long");
    std::vector<float> decoded(positions.size() * static_cast<size_t>(vocab));
    std::vector<float> decoded_prefix(static_cast<size_t>(kCpuTokens * vocab));
    size_t row = 0;
    for (std::int64_t p = 0; p < kTokens; ++p) {
        ForwardRequest request;
        request.tokens = std::span(tokens).subspan(static_cast<size_t>(p), 1);
        const bool compared = positions.count(p) != 0;
        if (compared) {
            request.logits = LogitsWanted::last;
            request.logits_out = decoded.data() + row++ * static_cast<size_t>(vocab);
        } else if (p < kCpuTokens) {
            request.logits = LogitsWanted::last;
            request.logits_out = decoded_prefix.data() + p * vocab;
        } else {
            request.logits = LogitsWanted::none;
        }
        if (!check.ok((*decoder)->forward(request), "decode step " + std::to_string(p))) {
            return check.finish("gpu_backend_long");
        }
        if (compared && p < kCpuTokens) {
            std::copy_n(request.logits_out, vocab, decoded_prefix.data() + p * vocab);
        }
    }

    // Prefill: chunks (at most the 512-token prefill step) ending at each compared position.
    auto prefiller = (*gpu)->backend().new_session(options);
    if (!check.ok(prefiller.status(), "prefill session")) return check.finish("gpu_backend_long");
    std::vector<float> prefilled(decoded.size());
    row = 0;
    std::int64_t done = 0;
    for (std::int64_t p : positions) {
        ForwardRequest request;
        request.tokens =
            std::span(tokens).subspan(static_cast<size_t>(done), static_cast<size_t>(p + 1 - done));
        request.logits = LogitsWanted::last;
        request.logits_out = prefilled.data() + row++ * static_cast<size_t>(vocab);
        if (!check.ok((*prefiller)->forward(request), "prefill to " + std::to_string(p))) {
            return check.finish("gpu_backend_long");
        }
        done = p + 1;
    }
    check.expect((*decoder)->length() == kTokens && (*prefiller)->length() == kTokens,
                 "both sessions hold 8450 positions");
    check_agreement(check, "decode vs prefill at 45 positions to 8449",
                    compare(decoded, prefilled, vocab));

    // The CPU on the first 600 positions.
    auto reference = run_chunks(**cpu, std::span(tokens).first(kCpuTokens), {128});
    if (check.ok(reference.status(), "CPU reference")) {
        check_agreement(check, "decode vs CPU, positions 0..599",
                        compare(decoded_prefix, *reference, vocab));
    }
    return check.finish("gpu_backend_long");
}
