// Router top-4 + softmax (docs/gpt-oss.md §4.7): sums the router mat-vec's column slices (+ bias),
// picks the 4 largest logits (ties: lower expert index first, as Metal's reference does) and
// softmaxes over those 4 only. One warp per token; lane l holds experts l, l + 32, ...
// A NaN logit counts as -inf: (value desc, index asc) is then a total order every lane agrees on,
// so the 4 ids are always valid and distinct, and decode and prefill route a token alike.
#include "kernels/cuda_common.cuh"
#include "kernels/launch_checks.h"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kWarps = 4;

template <int kExperts>
__global__ void __launch_bounds__(kWarps * 32) f32_topk_softmax_k4(TopkSoftmaxArgs a) {
    constexpr int kPerLane = kExperts / 32;
    const int lane = threadIdx.x % 32;
    const int t = blockIdx.x * kWarps + threadIdx.x / 32;
    if (t >= a.num_tokens) return;
    float values[kPerLane];
#pragma unroll
    for (int v = 0; v < kPerLane; ++v) {
        const int e = v * 32 + lane;
        float sum = 0.0f;
        for (int p = 0; p < a.num_partials; ++p) {  // slices in order, as the reference sums them
            sum += a.logits[(static_cast<std::size_t>(p) * a.num_tokens + t) * kExperts + e];
        }
        const float logit = a.bias ? sum + bf16_to_f32(a.bias[e]) : sum;
        values[v] = isnan(logit) ? -INFINITY : logit;
    }
    unsigned taken = 0;  // bit v: expert v * 32 + lane already selected
    float selected[kTopK];
    int selected_idx[kTopK];
#pragma unroll
    for (int n = 0; n < kTopK; ++n) {
        // This lane's best remaining (ascending e, strict >: the lower index wins a tie) ...
        float best = -INFINITY;
        int best_idx = -1;
#pragma unroll
        for (int v = 0; v < kPerLane; ++v) {
            if (!(taken & (1u << v)) && (best_idx < 0 || values[v] > best)) {
                best = values[v];
                best_idx = v * 32 + lane;
            }
        }
        // ... then the warp's, by (value desc, index asc).
#pragma unroll
        for (int offset = 16; offset > 0; offset >>= 1) {
            const float other = __shfl_xor_sync(kFullMask, best, offset);
            const int other_idx = __shfl_xor_sync(kFullMask, best_idx, offset);
            if (other_idx >= 0 &&
                (best_idx < 0 || other > best || (other == best && other_idx < best_idx))) {
                best = other;
                best_idx = other_idx;
            }
        }
        if (best_idx % 32 == lane) taken |= 1u << (best_idx / 32);
        selected[n] = best;
        selected_idx[n] = best_idx;
    }
    if (lane == 0) {
        float exps[kTopK], sum = 0.0f;
#pragma unroll
        for (int n = 0; n < kTopK; ++n) {
            // Equal to the top: weight 1 even when both are infinite (inf - inf would be NaN).
            exps[n] = selected[n] == selected[0] ? 1.0f : expf(selected[n] - selected[0]);
            sum += exps[n];
        }
#pragma unroll
        for (int n = 0; n < kTopK; ++n) {
            a.expert_idx[t * kTopK + n] = selected_idx[n];
            a.expert_weight[t * kTopK + n] = exps[n] / sum;
        }
    }
}

}  // namespace
}  // namespace gpu

namespace {

template <int kExperts>
Status launch_topk(const char* name, const TopkSoftmaxArgs& a, StreamHandle stream) {
    PONDER_KERNELS_TRY(require_pointer(name, "logits", a.logits, 4));
    PONDER_KERNELS_TRY(optional_pointer(name, "bias", a.bias, 2));
    PONDER_KERNELS_TRY(require_pointer(name, "expert_idx", a.expert_idx, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "expert_weight", a.expert_weight, 4));
    PONDER_KERNELS_TRY(require_range(name, "num_tokens", a.num_tokens, 1, 1 << 20));
    PONDER_KERNELS_TRY(require_range(name, "num_partials", a.num_partials, 1, 16));
    if (a.num_experts != kExperts) {
        return Status::error(StatusCode::invalid_argument, "%s: num_experts = %d, expected %d",
                             name, a.num_experts, kExperts);
    }
    const int blocks = (a.num_tokens + gpu::kWarps - 1) / gpu::kWarps;
    gpu::f32_topk_softmax_k4<kExperts><<<blocks, gpu::kWarps * 32, 0, stream>>>(a);
    return gpu::check_launch(name);
}

}  // namespace

Status f32_topk_softmax_e32_k4(const TopkSoftmaxArgs& a, StreamHandle stream) {
    return launch_topk<32>("f32_topk_softmax_e32_k4", a, stream);
}

Status f32_topk_softmax_e128_k4(const TopkSoftmaxArgs& a, StreamHandle stream) {
    return launch_topk<128>("f32_topk_softmax_e128_k4", a, stream);
}

}  // namespace ponder::kernels
