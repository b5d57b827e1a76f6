// i32_bf16w_embedding and f32_bf16w_rmsnorm_residual against their CPU references: gpt-oss width
// (2880), a width that is not a multiple of the block's 1024-float stride, out-of-range ids,
// with and without the residual delta and bias.
#include <cstdio>

#include "gpu_test_support.h"
#include "kernels/launchers.h"
#include "kernels/reference/reference.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

void embedding_case(Checker& check, std::mt19937& rng, int tokens, int hidden, int vocab) {
    const auto table = random_bf16(rng, static_cast<std::size_t>(vocab) * hidden, 1.0f);
    std::vector<std::int32_t> ids(tokens);
    for (int t = 0; t < tokens; ++t)
        ids[t] = static_cast<std::int32_t>(rng() % vocab);
    ids[0] = vocab - 1;              // last row
    if (tokens > 2) ids[1] = vocab;  // out of range: zeros
    if (tokens > 3) ids[2] = -5;
    DeviceBuffer d_table = upload(check, table, "table"), d_ids = upload(check, ids, "ids");
    DeviceBuffer d_x = poisoned(check, static_cast<std::size_t>(tokens) * hidden * 4, "x");
    EmbeddingArgs args;
    args.tokens = d_ids.as<std::int32_t>();
    args.table = d_table.as<bf16_bits>();
    args.x = d_x.as<float>();
    args.num_tokens = tokens;
    args.hidden = hidden;
    args.vocab = vocab;
    check.ok(i32_bf16w_embedding(args, nullptr), "i32_bf16w_embedding");
    check.ok(device_synchronize(), "embedding run");
    std::vector<float> expected(static_cast<std::size_t>(tokens) * hidden);
    ref::embedding(ids.data(), tokens, table.data(), hidden, vocab, expected.data());
    char name[96];
    std::snprintf(name, sizeof(name), "embedding T=%d hidden=%d vocab=%d", tokens, hidden, vocab);
    check.close(name, download<float>(check, d_x, expected.size(), "x"), expected, 0.0, 0.0);
}

void rmsnorm_case(Checker& check, std::mt19937& rng, int tokens, int hidden, bool with_delta,
                  bool with_bias) {
    std::normal_distribution<float> normal(0.0f, 3.0f);
    std::vector<float> x(static_cast<std::size_t>(tokens) * hidden), delta(x.size());
    for (auto& v : x)
        v = normal(rng);
    for (auto& v : delta)
        v = normal(rng);
    const auto weight = random_bf16(rng, hidden, 1.0f);
    const auto bias = random_bf16(rng, hidden, 0.5f);
    DeviceBuffer d_x = upload(check, x, "x"), d_delta = upload(check, delta, "delta");
    DeviceBuffer d_weight = upload(check, weight, "weight"), d_bias = upload(check, bias, "bias");
    DeviceBuffer d_out = poisoned(check, x.size() * 2, "out");
    RmsnormArgs args;
    args.x = d_x.as<float>();
    args.delta = with_delta ? d_delta.as<float>() : nullptr;
    args.delta_bias = with_bias ? d_bias.as<bf16_bits>() : nullptr;
    args.weight = d_weight.as<bf16_bits>();
    args.out = d_out.as<bf16_bits>();
    args.num_tokens = tokens;
    args.hidden = hidden;
    args.eps = 1e-5f;
    check.ok(f32_bf16w_rmsnorm_residual(args, nullptr), "f32_bf16w_rmsnorm_residual");
    check.ok(device_synchronize(), "rmsnorm run");
    std::vector<bf16_bits> expected(x.size());
    std::vector<float> x_ref = x;
    ref::rmsnorm_residual(x_ref.data(), with_delta ? delta.data() : nullptr,
                          with_bias ? bias.data() : nullptr, weight.data(), tokens, hidden, 1e-5f,
                          expected.data());
    char name[96];
    std::snprintf(name, sizeof(name), "rmsnorm T=%d hidden=%d delta=%d bias=%d: out", tokens,
                  hidden, with_delta, with_bias);
    // One bf16 rounding of a value the GPU computes in f32: at most one bf16 ulp apart.
    check.close(name, bf16_to_floats(download<bf16_bits>(check, d_out, x.size(), "out")),
                bf16_to_floats(expected), 1e-6, 1.0 / 128);
    std::snprintf(name, sizeof(name), "rmsnorm T=%d hidden=%d delta=%d bias=%d: residual", tokens,
                  hidden, with_delta, with_bias);
    check.close(name, download<float>(check, d_x, x.size(), "x"), x_ref, 1e-6, 1e-6);
}

void argument_checks(Checker& check) {
    RmsnormArgs args;  // all null
    const Status status = f32_bf16w_rmsnorm_residual(args, nullptr);
    check.expect(status.code() == StatusCode::invalid_argument,
                 std::string("null arguments are refused: ") + status.message());
    check.expect(check_gpt_oss_shapes(64, 64, 8, 32, 4, 2880, 2880).ok() &&
                     check_gpt_oss_shapes(64, 64, 8, 128, 4, 2880, 2880).ok(),
                 "gpt-oss-20b and -120b shapes are accepted");
    const Status wrong = check_gpt_oss_shapes(64, 16, 4, 8, 4, 64, 96);  // the tiny fixture model
    check.expect(wrong.code() == StatusCode::unsupported,
                 std::string("a GQA-4 model is refused: ") + wrong.message());
}

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    Checker check;
    std::mt19937 rng(1234);
    embedding_case(check, rng, 5, 2880, 1000);
    embedding_case(check, rng, 1, 2880, 4096);
    embedding_case(check, rng, 7, 64, 50);
    rmsnorm_case(check, rng, 3, 2880, true, true);
    rmsnorm_case(check, rng, 3, 2880, true, false);
    rmsnorm_case(check, rng, 2, 2880, false, false);
    rmsnorm_case(check, rng, 4, 1028, true, true);
    rmsnorm_case(check, rng, 1, 4096, true, false);
    rmsnorm_case(check, rng, 33, 64, true, true);
    argument_checks(check);
    return check.finish("gpu_kernels_norm_embed");
}
