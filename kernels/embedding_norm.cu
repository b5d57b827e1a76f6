// Embedding gather, RMSNorm fused with the residual add, and the device-side position counter.
// All three are memory-bound row operations: one block per token row.
#include "kernels/cuda_common.cuh"
#include "kernels/launch_checks.h"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kRowThreads = 256;
// Each thread keeps its float4 chunks of the row in registers between the two passes.
constexpr int kMaxChunksPerThread = kMaxHidden / 4 / kRowThreads;

__global__ void __launch_bounds__(kRowThreads) i32_bf16w_embedding(EmbeddingArgs a) {
    const int t = blockIdx.x;
    const std::int32_t id = a.tokens[t];
    const bool valid = id >= 0 && id < a.vocab;
    const uint4* src = reinterpret_cast<const uint4*>(
        a.table + static_cast<std::size_t>(valid ? id : 0) * a.hidden);
    float4* dst = reinterpret_cast<float4*>(a.x + static_cast<std::size_t>(t) * a.hidden);
    for (int c = threadIdx.x; c < a.hidden / 8; c += blockDim.x) {
        const uint4 w = valid ? load_nc(src + c) : make_uint4(0, 0, 0, 0);
        dst[2 * c] = make_float4(bf16_lo(w.x), bf16_hi(w.x), bf16_lo(w.y), bf16_hi(w.y));
        dst[2 * c + 1] = make_float4(bf16_lo(w.z), bf16_hi(w.z), bf16_lo(w.w), bf16_hi(w.w));
    }
}

__device__ __forceinline__ float block_sum(float value, float* scratch /* [32] */) {
    value = warp_sum(value);
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    if (lane == 0) scratch[warp] = value;
    __syncthreads();
    float total = 0.0f;
    for (int w = 0; w < static_cast<int>(blockDim.x / 32); ++w)
        total += scratch[w];  // fixed order
    return total;
}

__global__ void __launch_bounds__(kRowThreads) f32_bf16w_rmsnorm_residual(RmsnormArgs a) {
    __shared__ float scratch[32];
    const int t = blockIdx.x;
    const int chunks = a.hidden / 4;
    float4* row = reinterpret_cast<float4*>(a.x + static_cast<std::size_t>(t) * a.hidden);
    const float4* delta =
        a.delta ? reinterpret_cast<const float4*>(a.delta + static_cast<std::size_t>(t) * a.hidden)
                : nullptr;
    float4 v[kMaxChunksPerThread];
    float sum_sq = 0.0f;
#pragma unroll
    for (int c = 0; c < kMaxChunksPerThread; ++c) {
        const int i = threadIdx.x + c * kRowThreads;
        if (i >= chunks) break;
        v[c] = row[i];
        if (delta != nullptr) {
            float4 d = delta[i];
            if (a.delta_bias != nullptr) {
                const uint2 b = *reinterpret_cast<const uint2*>(a.delta_bias + 4 * i);
                d.x += bf16_lo(b.x);
                d.y += bf16_hi(b.x);
                d.z += bf16_lo(b.y);
                d.w += bf16_hi(b.y);
            }
            v[c].x += d.x;
            v[c].y += d.y;
            v[c].z += d.z;
            v[c].w += d.w;
            row[i] = v[c];
        }
        sum_sq += v[c].x * v[c].x + v[c].y * v[c].y + v[c].z * v[c].z + v[c].w * v[c].w;
    }
    const float total = block_sum(sum_sq, scratch);
    const float inv_rms = 1.0f / sqrtf(total / static_cast<float>(a.hidden) + a.eps);
    uint2* out = reinterpret_cast<uint2*>(a.out + static_cast<std::size_t>(t) * a.hidden);
#pragma unroll
    for (int c = 0; c < kMaxChunksPerThread; ++c) {
        const int i = threadIdx.x + c * kRowThreads;
        if (i >= chunks) break;
        const uint2 w = *reinterpret_cast<const uint2*>(a.weight + 4 * i);
        out[i] = make_uint2(
            pack_bf16x2(v[c].x * inv_rms * bf16_lo(w.x), v[c].y * inv_rms * bf16_hi(w.x)),
            pack_bf16x2(v[c].z * inv_rms * bf16_lo(w.y), v[c].w * inv_rms * bf16_hi(w.y)));
    }
}

__global__ void i32_advance_position(std::int32_t* pos, int delta) {
    *pos += delta;
}

}  // namespace
}  // namespace gpu

Status i32_bf16w_embedding(const EmbeddingArgs& a, StreamHandle stream) {
    const char* name = "i32_bf16w_embedding";
    PONDER_KERNELS_TRY(require_pointer(name, "tokens", a.tokens, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "table", a.table));
    PONDER_KERNELS_TRY(require_pointer(name, "x", a.x));
    PONDER_KERNELS_TRY(require_range(name, "num_tokens", a.num_tokens, 1, 1 << 20));
    PONDER_KERNELS_TRY(require_multiple(name, "hidden", a.hidden, 8));
    PONDER_KERNELS_TRY(require_range(name, "vocab", a.vocab, 1, 1 << 30));
    gpu::i32_bf16w_embedding<<<a.num_tokens, gpu::kRowThreads, 0, stream>>>(a);
    return gpu::check_launch(name);
}

Status f32_bf16w_rmsnorm_residual(const RmsnormArgs& a, StreamHandle stream) {
    const char* name = "f32_bf16w_rmsnorm_residual";
    PONDER_KERNELS_TRY(require_pointer(name, "x", a.x));
    PONDER_KERNELS_TRY(optional_pointer(name, "delta", a.delta));
    PONDER_KERNELS_TRY(optional_pointer(name, "delta_bias", a.delta_bias, 8));
    PONDER_KERNELS_TRY(require_pointer(name, "weight", a.weight, 8));
    PONDER_KERNELS_TRY(require_pointer(name, "out", a.out, 8));
    PONDER_KERNELS_TRY(require_range(name, "num_tokens", a.num_tokens, 1, 1 << 20));
    PONDER_KERNELS_TRY(require_multiple(name, "hidden", a.hidden, 4));
    PONDER_KERNELS_TRY(require_range(name, "hidden", a.hidden, 4, kMaxHidden));
    if (a.delta_bias != nullptr && a.delta == nullptr) {
        return Status::error(StatusCode::invalid_argument, "%s: delta_bias given without delta",
                             name);
    }
    if (!(a.eps > 0.0f)) {
        return Status::error(StatusCode::invalid_argument, "%s: eps = %g, expected > 0", name,
                             static_cast<double>(a.eps));
    }
    gpu::f32_bf16w_rmsnorm_residual<<<a.num_tokens, gpu::kRowThreads, 0, stream>>>(a);
    return gpu::check_launch(name);
}

Status i32_advance_position(std::int32_t* pos, int delta, StreamHandle stream) {
    PONDER_KERNELS_TRY(require_pointer("i32_advance_position", "pos", pos, 4));
    gpu::i32_advance_position<<<1, 1, 0, stream>>>(pos, delta);
    return gpu::check_launch("i32_advance_position");
}

}  // namespace ponder::kernels
