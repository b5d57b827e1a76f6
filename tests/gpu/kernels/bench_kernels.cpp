// ponder-kernel-bench: times each CUDA kernel at gpt-oss-20b shapes and prints one table row per
// kernel: bytes it must move, median time, achieved GB/s and its share of this GPU's measured
// device-to-device copy bandwidth (the ceiling measured, not the datasheet's). Weights
// rotate through several copies (together larger than L2) so that no row measures the cache.
// Not a test: it asserts nothing (docs/architecture.md §7); tools/gpu-check.sh prints its table.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "gpu_test_support.h"
#include "kernels/gemm_cublas.h"
#include "kernels/launchers.h"

using namespace ponder::kernels;
using namespace ponder::kernels::test;

namespace {

constexpr int kH = 2880, kI = 2880, kE = 32, kKv = 8, kQ = 64, kQkvRows = 5120, kVocab = 201088;

// Median over `repeats` of the mean time of `inner` back-to-back launches, in microseconds.
double time_us(const std::function<void(int)>& launch, int inner = 20, int repeats = 7) {
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    for (int i = 0; i < 3; ++i)
        launch(i);  // warm-up
    std::vector<double> samples;
    int call = 0;
    for (int r = 0; r < repeats; ++r) {
        cudaEventRecord(start);
        for (int i = 0; i < inner; ++i)
            launch(call++);
        cudaEventRecord(stop);
        cudaEventSynchronize(stop);
        float ms = 0.0f;
        cudaEventElapsedTime(&ms, start, stop);
        samples.push_back(1000.0 * ms / inner);
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

struct Row {
    std::string kernel;
    double bytes;
    double flops;
    double us;
};

DeviceBuffer zeros(std::size_t bytes) {
    DeviceBuffer b;
    if (b.allocate(bytes).ok()) b.fill_bytes(0x3c).ok();  // 0x3c3c: ~1.2 in bf16/fp16, finite
    return b;
}

}  // namespace

int main() {
    if (!device_present()) return kSkipped;
    cudaDeviceProp prop{};
    cudaGetDeviceProperties(&prop, 0);
    std::vector<Row> rows;
    Checker check;

    // Ceiling: device-to-device copy of 1 GiB, counting bytes read + written.
    const std::size_t copy_bytes = std::size_t(1) << 30;
    DeviceBuffer copy_a = zeros(copy_bytes), copy_b = zeros(copy_bytes);
    const double copy_us = time_us(
        [&](int) {
            cudaMemcpyAsync(copy_b.data(), copy_a.data(), copy_bytes, cudaMemcpyDeviceToDevice);
        },
        5, 5);
    const double copy_gbs = 2.0 * copy_bytes / (copy_us * 1e3);
    copy_a.reset();
    copy_b.reset();

    DeviceBuffer x_bf16 = zeros(8192 * 2), y_f32 = zeros(std::size_t(kVocab) * 4), pos = zeros(4);
    check.ok(pos.fill_bytes(0), "zero pos");
    DeviceBuffer residual = zeros(kH * 4), normed = zeros(kH * 2), norm_w = zeros(kH * 2);
    rows.push_back(
        {"f32_bf16w_rmsnorm_residual (1 x 2880)", kH * (4.0 * 3 + 2 * 2), 0, time_us([&](int) {
             RmsnormArgs a;
             a.x = residual.as<float>();
             a.delta = y_f32.as<float>();
             a.weight = norm_w.as<bf16_bits>();
             a.out = normed.as<bf16_bits>();
             a.num_tokens = 1;
             a.hidden = kH;
             check.ok(f32_bf16w_rmsnorm_residual(a, nullptr), "rmsnorm");
         })});

    // Decode projections: 6 copies of the q/k/v weights (177 MB) rotate.
    constexpr int kCopies = 6;
    DeviceBuffer qkv_w = zeros(std::size_t(kCopies) * kQkvRows * kH * 2),
                 qkv_b = zeros(kQkvRows * 2);
    DeviceBuffer inv_freq = zeros(32 * 4), q = zeros(kQ * 64 * 2);
    DeviceBuffer kcache = zeros(std::size_t(kKv) * 32768 * 64 * 2),
                 vcache = zeros(std::size_t(kKv) * 32768 * 64 * 2);
    rows.push_back(
        {"bf16_bf16w_qkv_rope_cache_d64 (5120 x 2880)", kQkvRows * kH * 2.0, 0, time_us([&](int i) {
             QkvRopeDecodeArgs a;
             a.weight = qkv_w.as<bf16_bits>() + std::size_t(i % kCopies) * kQkvRows * kH;
             a.bias = qkv_b.as<bf16_bits>();
             a.x = x_bf16.as<bf16_bits>();
             a.rope = {inv_freq.as<float>(), 1.0f, pos.as<std::int32_t>()};
             a.q = q.as<bf16_bits>();
             a.cache = {kcache.as<bf16_bits>(), vcache.as<bf16_bits>(), 32768, 0};
             a.num_kv_heads = kKv;
             a.hidden = kH;
             check.ok(bf16_bf16w_qkv_rope_cache_d64(a, nullptr), "qkv");
         })});

    DeviceBuffer partials = zeros(sdpa_decode_partials_bytes(kKv, 64)), sinks = zeros(kQ * 2),
                 attn_out = zeros(kQ * 64 * 2);
    for (const int context : {128, 4096, 32768}) {
        const bool sliding = context == 128;
        std::vector<std::int32_t> p{context - 1};
        check.ok(pos.upload(p.data(), 4), "pos");
        const int splits = sliding ? 2 : std::min(64, std::max(1, context / 512));
        char name[96];
        std::snprintf(name, sizeof(name),
                      "bf16_sdpa_sink_window_d64_decode (%s %d keys, %d splits)",
                      sliding ? "window" : "full", context, splits);
        rows.push_back(
            {name, 2.0 * kKv * context * 64 * 2, 4.0 * kQ * context * 64, time_us([&](int) {
                 SdpaDecodeArgs a;
                 a.attn.q = q.as<bf16_bits>();
                 a.attn.cache = {kcache.as<bf16_bits>(), vcache.as<bf16_bits>(),
                                 sliding ? 128 : 32768, sliding ? 128 : 0};
                 a.attn.sinks = sinks.as<bf16_bits>();
                 a.attn.pos0 = pos.as<std::int32_t>();
                 a.attn.out = attn_out.as<bf16_bits>();
                 a.attn.num_tokens = 1;
                 a.attn.num_kv_heads = kKv;
                 a.partials = partials.as<float>();
                 a.num_splits = splits;
                 check.ok(bf16_sdpa_sink_window_d64_decode(a, nullptr), "sdpa decode");
             })});
    }
    check.ok(pos.fill_bytes(0), "zero pos");

    DeviceBuffer o_w = zeros(std::size_t(kCopies) * kH * 4096 * 2);
    rows.push_back(
        {"bf16_bf16w_matvec o_proj (2880 x 4096)", kH * 4096 * 2.0, 0, time_us([&](int i) {
             MatvecArgs a;
             a.weight = o_w.as<bf16_bits>() + std::size_t(i % kCopies) * kH * 4096;
             a.x = x_bf16.as<bf16_bits>();
             a.y = y_f32.as<float>();
             a.rows = kH;
             a.cols = 4096;
             check.ok(bf16_bf16w_matvec(a, nullptr), "o_proj");
         })});
    DeviceBuffer router_w = zeros(std::size_t(kCopies) * kE * kH * 2), idx = zeros(16),
                 wts = zeros(16);
    rows.push_back(
        {"bf16_bf16w_matvec router (32 x 2880, 4 slices)", kE * kH * 2.0, 0, time_us([&](int i) {
             MatvecArgs a;
             a.weight = router_w.as<bf16_bits>() + std::size_t(i % kCopies) * kE * kH;
             a.x = x_bf16.as<bf16_bits>();
             a.y = y_f32.as<float>();
             a.rows = kE;
             a.cols = kH;
             a.k_splits = 4;
             check.ok(bf16_bf16w_matvec(a, nullptr), "router");
         })});
    rows.push_back({"f32_topk_softmax_e32_k4 (1 token)", kE * 4 * 4.0, 0, time_us([&](int) {
                        TopkSoftmaxArgs a;
                        a.logits = y_f32.as<float>();
                        a.expert_idx = idx.as<std::int32_t>();
                        a.expert_weight = wts.as<float>();
                        a.num_tokens = 1;
                        a.num_experts = kE;
                        a.num_partials = 4;
                        check.ok(f32_topk_softmax_e32_k4(a, nullptr), "topk");
                    })});

    // MoE: all 32 experts of one layer (424 MB); each call routes to 4 different experts.
    const std::size_t gu_bytes = std::size_t(kE) * 2 * kI * kH / 2,
                      dn_bytes = std::size_t(kE) * kH * kI / 2;
    DeviceBuffer gu_blocks = zeros(gu_bytes), gu_scales = zeros(gu_bytes / 16),
                 gu_bias = zeros(kE * 2 * kI * 2);
    DeviceBuffer dn_blocks = zeros(dn_bytes), dn_scales = zeros(dn_bytes / 16),
                 dn_bias = zeros(kE * kH * 2);
    check.ok(gu_scales.fill_bytes(120), "scales");
    check.ok(dn_scales.fill_bytes(120), "scales");
    std::vector<std::int32_t> routes;
    for (int i = 0; i < 64; ++i) {
        for (int n = 0; n < 4; ++n)
            routes.push_back((i * 4 + n) % kE);
    }
    DeviceBuffer d_routes = upload(check, routes, "routes"), act = zeros(4 * kI * 2);
    std::vector<float> w4{0.25f, 0.25f, 0.25f, 0.25f};
    DeviceBuffer d_w4 = upload(check, w4, "weights");
    MoeDecodeArgs moe;
    moe.experts = {gu_blocks.as<std::uint8_t>(),
                   gu_scales.as<std::uint8_t>(),
                   gu_bias.as<bf16_bits>(),
                   dn_blocks.as<std::uint8_t>(),
                   dn_scales.as<std::uint8_t>(),
                   dn_bias.as<bf16_bits>(),
                   kE,
                   kH,
                   kI,
                   7.0f,
                   1.702f};
    moe.x = x_bf16.as<bf16_bits>();
    moe.expert_weight = d_w4.as<float>();
    moe.act = act.as<f16_bits>();
    moe.residual = residual.as<float>();
    const double expert_gu = 2.0 * kI * kH * 17 / 32, expert_dn = double(kH) * kI * 17 / 32;
    rows.push_back(
        {"bf16_mxfp4w_moe_gate_up_swiglu_decode (4 experts)", 4 * expert_gu, 0, time_us([&](int i) {
             moe.expert_idx = d_routes.as<std::int32_t>() + 4 * (i % 64);
             check.ok(bf16_mxfp4w_moe_gate_up_swiglu_decode(moe, nullptr), "gate_up");
         })});
    rows.push_back(
        {"f16_mxfp4w_moe_down_accumulate_decode (4 experts)", 4 * expert_dn, 0, time_us([&](int i) {
             moe.expert_idx = d_routes.as<std::int32_t>() + 4 * (i % 64);
             check.ok(f16_mxfp4w_moe_down_accumulate_decode(moe, nullptr), "down");
         })});

    DeviceBuffer unembed = zeros(std::size_t(kVocab) * kH * 2);
    rows.push_back({"bf16_bf16w_matvec unembedding (201088 x 2880)", double(kVocab) * kH * 2, 0,
                    time_us(
                        [&](int) {
                            MatvecArgs a;
                            a.weight = unembed.as<bf16_bits>();
                            a.x = x_bf16.as<bf16_bits>();
                            a.y = y_f32.as<float>();
                            a.rows = kVocab;
                            a.cols = kH;
                            check.ok(bf16_bf16w_matvec(a, nullptr), "unembedding");
                        },
                        5, 5)});
    unembed.reset();

    DeviceBuffer workspace = zeros(sample_workspace_bytes(kVocab)), token = zeros(4),
                 counter = zeros(8);
    SampleArgs sample;
    sample.logits = y_f32.as<float>();
    sample.vocab = kVocab;
    sample.temperature = 1.0f;
    sample.top_p = 0.9f;
    sample.rng_counter = counter.as<std::uint64_t>();
    sample.token = token.as<std::int32_t>();
    sample.workspace = workspace.data();
    rows.push_back({"f32_sample_argmax (201088)", kVocab * 4.0, 0,
                    time_us([&](int) { check.ok(f32_sample_argmax(sample, nullptr), "argmax"); })});
    rows.push_back({"f32_sample_top_p (201088, p 0.9)", kVocab * 4.0 * 7, 0,
                    time_us([&](int) { check.ok(f32_sample_top_p(sample, nullptr), "top-p"); })});

    // Prefill, 512 tokens.
    constexpr int kT = 512;
    DeviceBuffer xs = zeros(std::size_t(kT) * kH * 2),
                 qkv_out = zeros(std::size_t(kT) * kQkvRows * 4);
    Blas blas;
    if (check.ok(blas.create(), "cublas")) {
        rows.push_back(
            {"bf16_bf16w_gemm q/k/v (cuBLAS, 512 x 5120 x 2880)",
             kQkvRows * kH * 2.0 + kT * kH * 2.0 + kT * kQkvRows * 4.0, 2.0 * kT * kQkvRows * kH,
             time_us(
                 [&](int i) {
                     GemmArgs a;
                     a.weight = qkv_w.as<bf16_bits>() + std::size_t(i % kCopies) * kQkvRows * kH;
                     a.x = xs.as<bf16_bits>();
                     a.y = qkv_out.as<float>();
                     a.num_tokens = kT;
                     a.rows = kQkvRows;
                     a.cols = kH;
                     check.ok(bf16_bf16w_gemm(blas, a, nullptr), "gemm");
                 },
                 10, 5)});
    }
    DeviceBuffer q_prefill = zeros(std::size_t(kT) * kQ * 64 * 2),
                 out_prefill = zeros(std::size_t(kT) * kQ * 64 * 2);
    for (const int window : {0, 128}) {
        char name[96];
        std::snprintf(name, sizeof(name), "bf16_sdpa_sink_window_d64_prefill (512 tokens, %s)",
                      window ? "window 128" : "causal");
        const double pairs = window ? kT * 128.0 : kT * (kT + 1) / 2.0;
        rows.push_back(
            {name, 2.0 * kKv * kT * 64 * 2 + 2.0 * kT * kQ * 64 * 2, 4.0 * kQ * pairs * 64,
             time_us(
                 [&](int) {
                     SdpaArgs a;
                     a.q = q_prefill.as<bf16_bits>();
                     a.cache = {kcache.as<bf16_bits>(), vcache.as<bf16_bits>(),
                                window ? 1024 : 32768, window};
                     a.sinks = sinks.as<bf16_bits>();
                     a.pos0 = pos.as<std::int32_t>();
                     a.out = out_prefill.as<bf16_bits>();
                     a.num_tokens = kT;
                     a.num_kv_heads = kKv;
                     check.ok(bf16_sdpa_sink_window_d64_prefill(a, nullptr), "sdpa prefill");
                 },
                 10, 5)});
    }
    std::vector<std::int32_t> prefill_routes(std::size_t(kT) * 4);
    for (int t = 0; t < kT; ++t) {
        for (int n = 0; n < 4; ++n)
            prefill_routes[t * 4 + n] = (t * 7 + n * 5) % kE;
    }
    std::vector<float> prefill_w(prefill_routes.size(), 0.25f);
    DeviceBuffer d_proutes = upload(check, prefill_routes, "routes"),
                 d_pw = upload(check, prefill_w, "w");
    DeviceBuffer scratch = zeros(moe_grouped_scratch_bytes(kT, kE, kH, kI)),
                 pres = zeros(std::size_t(kT) * kH * 4);
    MoeGroupedArgs grouped;
    grouped.experts = moe.experts;
    grouped.x = xs.as<bf16_bits>();
    grouped.expert_idx = d_proutes.as<std::int32_t>();
    grouped.expert_weight = d_pw.as<float>();
    grouped.residual = pres.as<float>();
    grouped.scratch = moe_grouped_scratch(scratch.data(), kT, kE, kH, kI);
    grouped.num_tokens = kT;
    const double moe_flops = 2.0 * kT * 4 * (2.0 * kI * kH + double(kH) * kI);
    rows.push_back({"MoE grouped, 4 kernels (512 tokens, 32 experts)",
                    gu_bytes * 17 / 16 + dn_bytes * 17 / 16, moe_flops,
                    time_us(
                        [&](int) {
                            check.ok(i32_moe_group_by_expert(grouped, nullptr), "group");
                            check.ok(bf16_mxfp4w_moe_gate_up_swiglu_grouped(grouped, nullptr),
                                     "gate_up grouped");
                            check.ok(f16_mxfp4w_moe_down_grouped(grouped, nullptr), "down grouped");
                            check.ok(f32_moe_combine_residual(grouped, nullptr), "combine");
                        },
                        5, 5)});
    check.ok(device_synchronize(), "benchmark");

    std::printf("\n%s, %d SMs; device-to-device copy %.0f GB/s (read + write)\n", prop.name,
                prop.multiProcessorCount, copy_gbs);
    std::printf("%-62s %10s %10s %9s %7s %9s\n", "kernel", "MB moved", "us", "GB/s", "% copy",
                "TFLOP/s");
    double layer_us = 0.0;
    for (const Row& r : rows) {
        const double gbs = r.bytes / (r.us * 1e3);
        std::printf("%-62s %10.2f %10.2f %9.0f %6.0f%% %9.1f\n", r.kernel.c_str(), r.bytes / 1e6,
                    r.us, gbs, 100.0 * gbs / copy_gbs, r.flops > 0 ? r.flops / (r.us * 1e6) : 0.0);
    }
    // One decode layer: rmsnorm x2, qkv, attention (half the layers slide), o_proj, router,
    // top-k, MoE; plus the unembedding and a top-p draw per token.
    auto us_of = [&](const std::string& prefix) {
        for (const Row& r : rows) {
            if (r.kernel.rfind(prefix, 0) == 0) return r.us;
        }
        return 0.0;
    };
    layer_us = 2 * us_of("f32_bf16w_rmsnorm") + us_of("bf16_bf16w_qkv") +
               0.5 * (us_of("bf16_sdpa_sink_window_d64_decode (window") +
                      us_of("bf16_sdpa_sink_window_d64_decode (full 4096")) +
               us_of("bf16_bf16w_matvec o_proj") + us_of("bf16_bf16w_matvec router") +
               us_of("f32_topk") + us_of("bf16_mxfp4w_moe_gate_up") + us_of("f16_mxfp4w_moe_down");
    const double token_us =
        24 * layer_us + us_of("bf16_bf16w_matvec unembedding") + us_of("f32_sample_top_p");
    std::printf(
        "\ndecode estimate, gpt-oss-20b at 4096 context: %.1f us/layer, %.0f us/token = %.1f "
        "tokens/s; "
        "weight floor %.0f us (3.71 GB at the copy bandwidth)\n",
        layer_us, token_us, 1e6 / token_us, 3.71e9 / (copy_gbs * 1e3));
    return check.finish("ponder-kernel-bench");
}
