// f32_sample_argmax and f32_sample_top_p against the CPU reference on the full 201,088-token
// vocabulary and on small ones (fewer tokens than the sampler's 64 blocks). Draws must match the
// reference token, except that a draw landing within rounding of a boundary between two tokens'
// cumulative intervals may take the neighbour (the GPU sums probabilities in another order).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gpu_test_support.h"
#include "kernels/launchers.h"
#include "kernels/reference/reference.h"
#include "kernels/sampling_math.h"
#include "sampling_check.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

struct Sampler {
    DeviceBuffer logits, workspace, token, counter;
    SampleArgs args;
};

Sampler make_sampler(Checker& check, const std::vector<float>& logits, float temperature,
                     float top_p, std::uint64_t seed) {
    Sampler s;
    const int vocab = static_cast<int>(logits.size());
    s.logits = upload(check, logits, "logits");
    check.ok(s.workspace.allocate(sample_workspace_bytes(vocab)), "allocate workspace");
    s.token = poisoned(check, 4, "token");
    s.counter = upload(check, std::vector<std::uint64_t>{0}, "counter");
    s.args.logits = s.logits.as<float>();
    s.args.vocab = vocab;
    s.args.temperature = temperature;
    s.args.top_p = top_p;
    s.args.seed = seed;
    s.args.rng_counter = s.counter.as<std::uint64_t>();
    s.args.token = s.token.as<std::int32_t>();
    s.args.workspace = s.workspace.data();
    return s;
}

void argmax_case(Checker& check, std::vector<float> logits, const std::string& label) {
    Sampler s = make_sampler(check, logits, 1.0f, 1.0f, 0);
    check.ok(f32_sample_argmax(s.args, nullptr), "f32_sample_argmax");
    check.ok(device_synchronize(), "argmax run");
    const auto got = download<std::int32_t>(check, s.token, 1, "token");
    check.equal("argmax " + label, got,
                std::vector<std::int32_t>{
                    ref::sample_argmax(logits.data(), static_cast<int>(logits.size()))});
}

void top_p_case(Checker& check, const std::vector<float>& logits, float temperature, float top_p,
                int draws, const std::string& label) {
    const std::uint64_t seed = 0x5eed;
    Sampler s = make_sampler(check, logits, temperature, top_p, seed);
    int exact = 0, valid = 0;
    for (int i = 0; i < draws; ++i) {
        if (!check.ok(f32_sample_top_p(s.args, nullptr), "f32_sample_top_p")) break;
        const int token = download<std::int32_t>(check, s.token, 1, "token")[0];
        const ref::TopPDraw d =
            ref::sample_top_p(logits.data(), static_cast<int>(logits.size()), temperature, top_p,
                              seed, static_cast<std::uint64_t>(i));
        exact += token == d.token;
        valid += acceptable(logits, d, token);
    }
    const auto counter = download<std::uint64_t>(check, s.counter, 1, "counter");
    char name[160];
    std::snprintf(name, sizeof(name),
                  "top-p %s T=%.2f p=%.4f: %d/%d draws exact, %d/%d within rounding, counter %llu",
                  label.c_str(), static_cast<double>(temperature), static_cast<double>(top_p),
                  exact, draws, valid, draws, static_cast<unsigned long long>(counter[0]));
    check.expect(valid == draws && exact >= draws * 95 / 100 &&
                     counter[0] == static_cast<std::uint64_t>(draws),
                 name);
}

void frequency_case(Checker& check) {
    // p = {0.4, 0.3, 0.2, 0.1, 0...}; top_p 0.65 keeps tokens 0 and 1 at 4/7 and 3/7.
    std::vector<float> logits{std::log(4.0f), std::log(3.0f), std::log(2.0f), 0.0f};
    logits.resize(70, -INFINITY);
    Sampler s = make_sampler(check, logits, 1.0f, 0.65f, 77);
    int counts[2] = {}, outside = 0;
    const int draws = 2000;
    for (int i = 0; i < draws; ++i) {
        check.ok(f32_sample_top_p(s.args, nullptr), "f32_sample_top_p");
        const int token = download<std::int32_t>(check, s.token, 1, "token")[0];
        if (token == 0 || token == 1)
            ++counts[token];
        else
            ++outside;
    }
    const double share = counts[0] / static_cast<double>(draws);
    char name[128];
    std::snprintf(name, sizeof(name),
                  "top-p frequencies: token 0 %.3f (expect 0.571), outside nucleus %d", share,
                  outside);
    check.expect(outside == 0 && std::fabs(share - 4.0 / 7.0) < 0.04, name);
}

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    Checker check;
    std::mt19937 rng(8);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    std::vector<float> logits(201088);
    for (auto& v : logits)
        v = normal(rng);

    argmax_case(check, logits, "vocab 201088 random");
    auto edge = logits;
    edge[201087] = 100.0f;
    argmax_case(check, edge, "max at the last id");
    edge[0] = 100.0f;
    argmax_case(check, edge, "tie between first and last id");
    edge[0] = -INFINITY;
    edge[123457] = 100.0f;
    argmax_case(check, edge, "tie in the middle, -inf present");
    argmax_case(check, std::vector<float>(50, 1.0f), "vocab 50, all equal");

    top_p_case(check, logits, 0.7f, 0.9f, 100, "vocab 201088");
    top_p_case(check, logits, 1.0f, 1.0f, 50, "vocab 201088 no nucleus");
    top_p_case(check, logits, 1.0f, 1e-4f, 20, "vocab 201088 tiny nucleus");
    std::vector<float> flat(1000);
    for (auto& v : flat)
        v = 0.01f * normal(rng);  // near-uniform: the nucleus holds most tokens
    top_p_case(check, flat, 1.0f, 0.5f, 100, "vocab 1000 flat");
    top_p_case(check, std::vector<float>(logits.begin(), logits.begin() + 50), 1.0f, 0.8f, 100,
               "vocab 50");
    frequency_case(check);
    return check.finish("gpu_kernels_sampling");
}
