// f32_topk_softmax_e32_k4 / _e128_k4 against the CPU reference: exact expert ids (ties resolved
// to the lower index), weights to float precision, column slices summed, bias added; and the
// decode router path (bf16_bf16w_matvec split over columns, then top-k on its slices). NaN logits
// sort last (as -inf): the ids stay valid and distinct, as the CPU router's.
#include <cstdio>
#include <limits>
#include <set>

#include "gpu_test_support.h"
#include "kernels/launchers.h"
#include "kernels/reference/reference.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

Status launch(const TopkSoftmaxArgs& args) {
    return args.num_experts == 32 ? f32_topk_softmax_e32_k4(args, nullptr)
                                  : f32_topk_softmax_e128_k4(args, nullptr);
}

void topk_case(Checker& check, std::mt19937& rng, int tokens, int experts, int partials,
               bool with_bias, bool ties) {
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<float> logits(static_cast<std::size_t>(partials) * tokens * experts);
    for (auto& v : logits)
        v = normal(rng);
    if (ties) {  // a quarter of the tokens: equal logits in every slice -> exact ties after the sum
        for (int t = 0; t < tokens; t += 4) {
            for (int p = 0; p < partials; ++p) {
                for (int e = 0; e < experts; ++e) {
                    logits[(static_cast<std::size_t>(p) * tokens + t) * experts + e] =
                        (e % 5 == 0) ? 1.0f : -1.0f;
                }
            }
        }
    }
    const auto bias = random_bf16(rng, experts, 0.5f);
    std::vector<bf16_bits> zero_bias(experts, 0);
    DeviceBuffer d_logits = upload(check, logits, "logits"),
                 d_bias = upload(check, ties ? zero_bias : bias, "bias");
    DeviceBuffer d_idx = poisoned(check, static_cast<std::size_t>(tokens) * 16, "idx"),
                 d_w = poisoned(check, static_cast<std::size_t>(tokens) * 16, "w");
    TopkSoftmaxArgs args;
    args.logits = d_logits.as<float>();
    args.bias = with_bias ? d_bias.as<bf16_bits>() : nullptr;
    args.expert_idx = d_idx.as<std::int32_t>();
    args.expert_weight = d_w.as<float>();
    args.num_tokens = tokens;
    args.num_experts = experts;
    args.num_partials = partials;
    check.ok(launch(args), "topk");
    check.ok(device_synchronize(), "topk run");
    std::vector<std::int32_t> idx(static_cast<std::size_t>(tokens) * 4);
    std::vector<float> w(idx.size());
    ref::topk_softmax(logits.data(), partials,
                      with_bias ? (ties ? zero_bias.data() : bias.data()) : nullptr, tokens,
                      experts, idx.data(), w.data());
    char name[96];
    std::snprintf(name, sizeof(name), "topk E=%d T=%d partials=%d bias=%d ties=%d", experts, tokens,
                  partials, with_bias, ties);
    check.equal(std::string(name) + ": ids",
                download<std::int32_t>(check, d_idx, idx.size(), "idx"), idx);
    check.close(std::string(name) + ": weights", download<float>(check, d_w, w.size(), "w"), w,
                1e-6, 1e-5);
    if (ties) {
        const auto got = download<std::int32_t>(check, d_idx, idx.size(), "idx");
        check.expect(got[0] == 0 && got[1] == 5 && got[2] == 10 && got[3] == 15,
                     "ties resolve to the lowest expert ids (0, 5, 10, 15)");
    }
}

// Rows with NaN logits: one NaN at expert 0 (the one a "best so far" scan starts from), NaNs
// spread over the lanes, more NaNs than experts minus 4, and all NaN. Every row must get 4 valid,
// distinct ids and the reference's weights (none NaN).
void nan_case(Checker& check, std::mt19937& rng, int experts, int partials) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const int tokens = 5;
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<float> logits(static_cast<std::size_t>(partials) * tokens * experts);
    for (auto& v : logits)
        v = normal(rng);
    const auto at = [&](int p, int t, int e) -> float& {
        return logits[(static_cast<std::size_t>(p) * tokens + t) * experts + e];
    };
    at(0, 0, 0) = nan;
    for (int e = 1; e < experts; e += 7)
        at(partials - 1, 1, e) = nan;  // in the last slice: the sum carries it
    for (int e = 0; e < experts; ++e) {
        if (e != 9 && e != 40 % experts) at(0, 2, e) = nan;  // only 2 numbers: 2 NaN slots
        at(0, 3, e) = nan;                                   // all NaN
    }
    // token 4: no NaN, the control row.
    const auto bias = random_bf16(rng, experts, 0.5f);
    DeviceBuffer d_logits = upload(check, logits, "logits"), d_bias = upload(check, bias, "bias");
    DeviceBuffer d_idx = poisoned(check, static_cast<std::size_t>(tokens) * 16, "idx"),
                 d_w = poisoned(check, static_cast<std::size_t>(tokens) * 16, "w");
    TopkSoftmaxArgs args;
    args.logits = d_logits.as<float>();
    args.bias = d_bias.as<bf16_bits>();
    args.expert_idx = d_idx.as<std::int32_t>();
    args.expert_weight = d_w.as<float>();
    args.num_tokens = tokens;
    args.num_experts = experts;
    args.num_partials = partials;
    check.ok(launch(args), "topk nan");
    check.ok(device_synchronize(), "topk nan run");
    std::vector<std::int32_t> idx(static_cast<std::size_t>(tokens) * 4);
    std::vector<float> w(idx.size());
    ref::topk_softmax(logits.data(), partials, bias.data(), tokens, experts, idx.data(), w.data());
    char name[96];
    std::snprintf(name, sizeof(name), "topk NaN logits E=%d partials=%d", experts, partials);
    const auto got = download<std::int32_t>(check, d_idx, idx.size(), "idx");
    check.equal(std::string(name) + ": ids", got, idx);
    check.close(std::string(name) + ": weights", download<float>(check, d_w, w.size(), "w"), w,
                1e-6, 1e-5);
    bool valid = true;
    for (int t = 0; t < tokens; ++t) {
        std::set<std::int32_t> distinct;
        for (int n = 0; n < 4; ++n) {
            const std::int32_t e = got[static_cast<std::size_t>(t) * 4 + n];
            valid = valid && e >= 0 && e < experts;
            distinct.insert(e);
        }
        valid = valid && distinct.size() == 4;
    }
    check.expect(valid, std::string(name) + ": 4 valid, distinct ids per token");
    check.expect(got[12] == 0 && got[13] == 1 && got[14] == 2 && got[15] == 3,
                 std::string(name) + ": all NaN -> experts 0-3");
}

void router_path_case(Checker& check, std::mt19937& rng, int experts, int k_splits) {
    const int hidden = 2880;
    const auto weight = random_bf16(rng, static_cast<std::size_t>(experts) * hidden, 0.05f);
    const auto bias = random_bf16(rng, experts, 0.5f);
    const auto x = random_bf16(rng, hidden, 1.0f);
    DeviceBuffer d_w = upload(check, weight, "router weight"), d_b = upload(check, bias, "bias"),
                 d_x = upload(check, x, "x");
    DeviceBuffer d_logits =
        poisoned(check, static_cast<std::size_t>(k_splits) * experts * 4, "logits");
    DeviceBuffer d_idx = poisoned(check, 16, "idx"), d_weights = poisoned(check, 16, "w");
    MatvecArgs mv;
    mv.weight = d_w.as<bf16_bits>();
    mv.x = d_x.as<bf16_bits>();
    mv.y = d_logits.as<float>();
    mv.rows = experts;
    mv.cols = hidden;
    mv.k_splits = k_splits;
    check.ok(bf16_bf16w_matvec(mv, nullptr), "router matvec");
    TopkSoftmaxArgs tk;
    tk.logits = d_logits.as<float>();
    tk.bias = d_b.as<bf16_bits>();
    tk.expert_idx = d_idx.as<std::int32_t>();
    tk.expert_weight = d_weights.as<float>();
    tk.num_tokens = 1;
    tk.num_experts = experts;
    tk.num_partials = k_splits;
    check.ok(launch(tk), "router topk");
    check.ok(device_synchronize(), "router run");
    // Select on the GPU's own logit slices: the summation order is the kernel's, the rule is
    // the reference's.
    const auto slices =
        download<float>(check, d_logits, static_cast<std::size_t>(k_splits) * experts, "logits");
    std::vector<std::int32_t> idx(4);
    std::vector<float> w(4);
    ref::topk_softmax(slices.data(), k_splits, bias.data(), 1, experts, idx.data(), w.data());
    // And the logits themselves against the double-precision mat-vec.
    std::vector<float> summed(experts, 0.0f), expected(experts);
    for (int s = 0; s < k_splits; ++s) {
        for (int e = 0; e < experts; ++e)
            summed[e] += slices[static_cast<std::size_t>(s) * experts + e];
    }
    ref::matmul_bf16(weight.data(), nullptr, x.data(), 1, experts, hidden, expected.data());
    char name[96];
    std::snprintf(name, sizeof(name), "router path E=%d k_splits=%d", experts, k_splits);
    check.close(std::string(name) + ": logits", summed, expected, 1e-4, 1e-4);
    check.equal(std::string(name) + ": ids", download<std::int32_t>(check, d_idx, 4, "idx"), idx);
    check.close(std::string(name) + ": weights", download<float>(check, d_weights, 4, "w"), w, 1e-6,
                1e-5);
}

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    Checker check;
    std::mt19937 rng(5);
    topk_case(check, rng, 1, 32, 1, true, false);
    topk_case(check, rng, 70, 32, 4, true, false);  // ragged last block of 4 warps
    topk_case(check, rng, 64, 32, 1, false, true);
    topk_case(check, rng, 33, 128, 8, true, false);
    topk_case(check, rng, 16, 128, 1, false, true);
    nan_case(check, rng, 32, 1);
    nan_case(check, rng, 128, 4);
    router_path_case(check, rng, 32, 4);
    router_path_case(check, rng, 128, 8);
    return check.finish("gpu_kernels_router");
}
