// The CUDA backend against the CPU backend (the numerical reference, itself checked against the
// fixtures' float64 logits to 1e-3) on a small random model with the kernels' geometry:
//   prefill   400 tokens in 64-token chunks through a 192-slot sliding ring (it wraps)
//   decode    400 single-token steps (the captured graph)
//   mixed     chunks of 1, 7, 64, 1, 100, 1, 1, 33, 2 ...
// and decode vs prefill on the GPU itself; then truncation (free within the ring, a restart
// beyond it), cancellation, context_full, on-device sampling (greedy = argmax of the logits,
// top-p inside the nucleus), generate() with device sampling, the benchmark's synthetic
// context fill, and the memory accounting.
#include <atomic>
#include <numeric>

#include "backend_test_support.h"
#include "engine/backend/cuda_backend.h"
#include "engine/context.h"
#include "engine/generate/generate.h"

using namespace ponder;
using namespace ponder::gpu_test;

namespace {

constexpr std::int64_t kTokens = 400;
constexpr int kChunk = 64;

SessionOptions ring_wrapping_options() {
    SessionOptions options;
    options.sliding_retain = 0;  // ring = window + chunk = 192 slots: 400 tokens wrap it twice
    return options;
}

// Tokens of the nucleus: the smallest most-likely set with probability >= top_p after
// softmax(logits / temperature), with a little slack for the device's rounding.
bool in_nucleus(std::span<const float> logits, std::int32_t token, float temperature, float top_p) {
    std::vector<std::int32_t> order(logits.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        return logits[static_cast<size_t>(a)] > logits[static_cast<size_t>(b)];
    });
    const double top = logits[static_cast<size_t>(order[0])];
    double total = 0.0;
    for (float l : logits)
        total += std::exp((l - top) / temperature);
    double mass = 0.0;
    for (std::int32_t id : order) {
        if (id == token) return true;
        mass += std::exp((logits[static_cast<size_t>(id)] - top) / temperature) / total;
        if (mass >= top_p + 1e-3) return false;
    }
    return false;
}

}  // namespace

int main() {
    if (!cuda_present()) return kSkipped;
    Checker check;
    const ModelConfig config = small_gpu_config();
    TempModel files(config, 7);
    if (!check.ok(files.status(), "write the random checkpoint")) return check.finish("vs_cpu");
    auto cpu = load(files.dir(), BackendPreference::cpu);
    auto gpu = load(files.dir(), BackendPreference::cuda, kChunk, 4096);
    if (!check.ok(cpu.status(), "load on the CPU") || !check.ok(gpu.status(), "load on CUDA")) {
        return check.finish("gpu_backend_vs_cpu");
    }
    check.expect(std::string((*gpu)->backend().name()) == "cuda",
                 "the CUDA backend runs it: " + (*gpu)->backend().description());
    const std::int64_t vocab = config.vocab_size;
    const auto tokens = random_tokens(kTokens, vocab, 11);

    auto reference = run_chunks(**cpu, tokens, {128});
    if (!check.ok(reference.status(), "CPU reference")) return check.finish("gpu_backend_vs_cpu");
    auto prefill = run_chunks(**gpu, tokens, {kTokens}, ring_wrapping_options());
    auto decode = run_chunks(**gpu, tokens, {1}, ring_wrapping_options());
    auto mixed =
        run_chunks(**gpu, tokens, {1, 7, 64, 1, 100, 1, 1, 33, 2}, ring_wrapping_options());
    if (check.ok(prefill.status(), "CUDA prefill")) {
        check_agreement(check, "prefill (64-token chunks) vs CPU",
                        compare(*prefill, *reference, vocab));
    }
    if (check.ok(decode.status(), "CUDA decode")) {
        check_agreement(check, "decode (graph, 1 token) vs CPU",
                        compare(*decode, *reference, vocab));
    }
    if (check.ok(mixed.status(), "CUDA mixed")) {
        check_agreement(check, "mixed chunks vs CPU", compare(*mixed, *reference, vocab));
    }
    if (prefill.ok() && decode.ok()) {
        check_agreement(check, "decode vs prefill (both CUDA)", compare(*decode, *prefill, vocab));
    }

    // Truncation: within the ring the state is kept and decoding again reproduces the logits
    // exactly (deterministic kernels); far back the session restarts and the caller refills.
    auto session = (*gpu)->backend().new_session(ring_wrapping_options());
    if (check.ok(session.status(), "new session") && decode.ok()) {
        Session& s = **session;
        std::vector<float> logits(static_cast<size_t>(vocab));
        ForwardRequest request;
        request.logits = LogitsWanted::none;
        for (std::int64_t p = 0; p < kTokens; ++p) {  // the same history as `decode`
            request.tokens = std::span(tokens).subspan(static_cast<size_t>(p), 1);
            if (!check.ok(s.forward(request), "decode without logits")) break;
        }
        check.expect(s.length() == kTokens, "length 400 after 400 decode steps");
        check.expect(s.truncate(350) == 350, "truncate to 350 keeps the ring's window");
        double worst = 0.0;
        for (std::int64_t p = 350; p < kTokens; ++p) {
            request.tokens = std::span(tokens).subspan(static_cast<size_t>(p), 1);
            request.logits = LogitsWanted::last;
            request.logits_out = logits.data();
            if (!check.ok(s.forward(request), "decode after truncate")) break;
            const auto again = compare(logits,
                                       std::span(*decode).subspan(static_cast<size_t>(p * vocab),
                                                                  static_cast<size_t>(vocab)),
                                       vocab);
            worst = std::max(worst, again.max_rel_l2);
        }
        char line[160];
        std::snprintf(line, sizeof(line),
                      "decode 350..399 after truncate equals the first decode (max rel L2 %.1e)",
                      worst);
        check.expect(worst < 1e-6, line);
        check.expect(s.truncate(100) == 0,
                     "truncate to 100 (window overwritten in the 192-slot ring) restarts at 0");
        request.tokens = std::span(tokens).first(100);
        check.ok(s.forward(request), "refill 100 tokens");
        check_agreement(
            check, "logits at 99 after the restart vs CPU",
            compare(logits,
                    std::span(*reference)
                        .subspan(static_cast<size_t>(99 * vocab), static_cast<size_t>(vocab)),
                    vocab));

        // Cancellation: a set flag stops the prefill between layers, keeps the length, and the
        // session works afterwards.
        std::atomic<bool> cancel{true};
        request.tokens = std::span(tokens).subspan(100, 200);
        request.cancel = &cancel;
        const Status cancelled = s.forward(request);
        check.expect(cancelled.code() == StatusCode::cancelled && s.length() == 100,
                     "a set cancel flag stops the prefill (" + cancelled.to_string() + ")");
        request.tokens = std::span(tokens).subspan(100, 1);
        const Status cancelled_step = s.forward(request);
        check.expect(cancelled_step.code() == StatusCode::cancelled && s.length() == 100,
                     "and the decode step");
        cancel = false;
        check.ok(s.forward(request), "forward after a cancel");
        check_agreement(
            check, "logits at 100 after a cancel vs CPU",
            compare(logits,
                    std::span(*reference)
                        .subspan(static_cast<size_t>(100 * vocab), static_cast<size_t>(vocab)),
                    vocab));
        request.cancel = nullptr;

        // On-device sampling.
        DeviceSampling greedy;
        std::int32_t next = -1;
        request.sample = &greedy;
        request.sampled_token = &next;
        int agree = 0;
        for (int i = 0; i < 20; ++i) {
            const std::int32_t token[] = {static_cast<std::int32_t>((i * 37) % vocab)};
            request.tokens = token;
            if (!check.ok(s.forward(request), "greedy sampling step")) break;
            if (next == static_cast<std::int32_t>(argmax(logits))) ++agree;
        }
        check.expect(agree == 20, "greedy device sampling = argmax of the logits (" +
                                      std::to_string(agree) + "/20)");
        DeviceSampling top_p{0.8f, 0.9f, 42};
        request.sample = &top_p;
        int inside = 0;
        for (int i = 0; i < 20; ++i) {
            const std::int32_t token[] = {static_cast<std::int32_t>((i * 91) % vocab)};
            request.tokens = token;
            if (!check.ok(s.forward(request), "top-p sampling step")) break;
            if (next >= 0 && next < vocab && in_nucleus(logits, next, 0.8f, 0.9f)) ++inside;
        }
        check.expect(inside == 20,
                     "top-p device draws lie in the nucleus (" + std::to_string(inside) + "/20)");
        request.sample = nullptr;
        request.sampled_token = nullptr;
    }

    // Capacity: a session asked for 410 positions refuses the 411th with context_full.
    SessionOptions small = ring_wrapping_options();
    small.max_tokens = 410;
    auto bounded = (*gpu)->backend().new_session(small);
    if (check.ok(bounded.status(), "410-token session")) {
        check.expect((*bounded)->max_length() == 410, "max_length is the asked capacity");
        ForwardRequest request;
        request.logits = LogitsWanted::none;
        request.tokens = tokens;
        check.ok((*bounded)->forward(request), "400 tokens fit");
        const auto more = random_tokens(11, vocab, 3);
        request.tokens = more;
        check.expect((*bounded)->forward(request).code() == StatusCode::context_full &&
                         (*bounded)->length() == 400,
                     "11 more: context_full, nothing kept");
    }

    // generate(): greedy tokens drawn on the GPU equal the host sampler's argmax of the same
    // logits, so both paths give the same sequence.
    std::vector<std::int32_t> sequences[2];
    for (int device = 0; device < 2; ++device) {
        auto context = Context::create(**gpu);
        auto sampler = Sampler::create({.temperature = 0.0});
        if (!check.ok(context.status(), "context") || !check.ok(sampler.status(), "sampler")) {
            break;
        }
        GenerateOptions generate_options;
        generate_options.max_tokens = 24;
        generate_options.device_sampling = device == 1;
        auto result = generate(**context, std::span(tokens).first(20), *sampler, generate_options);
        if (check.ok(result.status(), "generate")) sequences[device] = result->tokens;
    }
    check.expect(!sequences[0].empty() && sequences[0] == sequences[1],
                 "generate: greedy on the GPU = host argmax (" +
                     std::to_string(sequences[0].size()) + " tokens)");

    // The benchmark's synthetic context fill: positions appear, decoding after them works.
    auto synthetic = (*gpu)->backend().new_session({});
    if (check.ok(synthetic.status(), "session for the synthetic fill")) {
        auto& filled = static_cast<CudaSession&>(**synthetic);
        check.ok(filled.fill_synthetic(300, 5), "synthetic fill of 300 positions");
        std::vector<float> logits(static_cast<size_t>(vocab));
        ForwardRequest request;
        request.tokens = std::span(tokens).first(1);
        request.logits_out = logits.data();
        check.ok(filled.forward(request), "decode after the synthetic fill");
        const bool finite =
            std::all_of(logits.begin(), logits.end(), [](float v) { return std::isfinite(v); });
        check.expect(filled.length() == 301 && finite,
                     "length 301 and finite logits after a synthetic fill");
    }

    const auto* cuda = dynamic_cast<const CudaBackend*>(&(*gpu)->backend());
    if (cuda != nullptr) {
        const auto use = cuda->memory_use();
        std::printf(
            "device memory: weights %.1f MB, allocated %.1f MB (peak %.1f MB), device "
            "%.1f of %.1f GB free\n",
            use.weights / 1e6, use.allocated / 1e6, use.peak_allocated / 1e6, use.device_free / 1e9,
            use.device_total / 1e9);
        check.expect(
            use.weights > 0 && use.peak_allocated >= use.allocated && use.allocated >= use.weights,
            "memory accounting is consistent");
    }
    return check.finish("gpu_backend_vs_cpu");
}
