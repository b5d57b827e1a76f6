// Next-token choice on the GPU, so the logits (201,088 f32 = 804 KB) never cross to the host.
//   f32_sample_argmax: block maxima, then one block picks the best (ties: lower id).
//   f32_sample_top_p:  softmax(logits / T) statistics; a 4-pass radix select over the logits'
//     order keys finds the nucleus threshold (8 bits per pass, histograms of probability mass);
//     per-block kept mass; one block draws u, finds the block and then the token whose
//     cumulative interval (in id order) holds u * kept_mass.
// Mass is counted in integer units of 2^-40 (sampling_math.h), so every sum is exact and the
// draw is deterministic for a given seed and counter. The uniform number comes from a counter in
// device memory that the last kernel increments, so a captured graph draws afresh on each replay.
#include "kernels/cuda_common.cuh"
#include "kernels/launch_checks.h"
#include "kernels/sampling_math.h"

namespace ponder::kernels {
namespace gpu {
namespace {

constexpr int kBlocks = 64;  // the vocabulary is cut into 64 contiguous ranges
constexpr int kThreads = 256;
constexpr int kFinishThreads = 1024;
constexpr int kBins = 256;

struct Workspace {
    float block_max[kBlocks];
    float block_sum[kBlocks];   // sum exp((l - block_max) / T) over the block's range
    float block_best[kBlocks];  // argmax per block
    std::int32_t block_best_id[kBlocks];
    float max_logit;
    float sum_exp;         // Z = sum exp((l - max_logit) / T)
    std::uint32_t prefix;  // threshold key bits found so far (8 per pass)
    std::uint32_t pad;
    std::uint64_t target;      // top_p in mass units
    std::uint64_t mass_above;  // mass of keys above the prefix's range
    std::uint64_t hist[kBlocks][kBins];
    std::uint64_t kept[kBlocks];
};

struct Range {
    int begin, end;
};
__device__ __forceinline__ Range block_range(int block, int vocab) {
    const int chunk = (vocab + kBlocks - 1) / kBlocks;
    return {min(block * chunk, vocab), min((block + 1) * chunk, vocab)};
}

__device__ __forceinline__ std::uint64_t token_mass(float logit, const Workspace& ws,
                                                    float inv_temperature) {
    return mass_fixed_point(expf((logit - ws.max_logit) * inv_temperature) / ws.sum_exp);
}

template <typename T, typename Op>
__device__ __forceinline__ T block_reduce(T value, Op op, T* scratch /* [32] */) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        value = op(value, __shfl_xor_sync(kFullMask, value, offset));
    }
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    __syncthreads();  // scratch may still be read from a previous reduction
    if (lane == 0) scratch[warp] = value;
    __syncthreads();
    T total = scratch[0];
    for (int w = 1; w < static_cast<int>(blockDim.x / 32); ++w)
        total = op(total, scratch[w]);
    return total;
}

struct MaxOp {
    __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};
struct SumOp {
    __device__ float operator()(float a, float b) const { return a + b; }
};
struct SumU64Op {
    __device__ std::uint64_t operator()(std::uint64_t a, std::uint64_t b) const { return a + b; }
};

__global__ void __launch_bounds__(kThreads) f32_sample_argmax_blocks(SampleArgs a) {
    __shared__ float best_scratch[32];
    __shared__ int id_scratch[32];
    Workspace& ws = *static_cast<Workspace*>(a.workspace);
    const Range range = block_range(blockIdx.x, a.vocab);
    float best = -INFINITY;
    int best_id = -1;
    for (int i = range.begin + threadIdx.x; i < range.end; i += blockDim.x) {
        const float v = a.logits[i];
        if (best_id < 0 || v > best) {  // ascending i per thread: strict > keeps the lower id
            best = v;
            best_id = i;
        }
    }
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        const float other = __shfl_xor_sync(kFullMask, best, offset);
        const int other_id = __shfl_xor_sync(kFullMask, best_id, offset);
        if (other_id >= 0 &&
            (best_id < 0 || other > best || (other == best && other_id < best_id))) {
            best = other;
            best_id = other_id;
        }
    }
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    if (lane == 0) {
        best_scratch[warp] = best;
        id_scratch[warp] = best_id;
    }
    __syncthreads();
    if (threadIdx.x != 0) return;
    for (int w = 1; w < kThreads / 32; ++w) {
        if (id_scratch[w] >= 0 && (best_id < 0 || best_scratch[w] > best ||
                                   (best_scratch[w] == best && id_scratch[w] < best_id))) {
            best = best_scratch[w];
            best_id = id_scratch[w];
        }
    }
    ws.block_best[blockIdx.x] = best;
    ws.block_best_id[blockIdx.x] = best_id;
}

__global__ void f32_sample_argmax_finish(SampleArgs a) {
    const Workspace& ws = *static_cast<const Workspace*>(a.workspace);
    float best = -INFINITY;
    int best_id = -1;
    for (int b = 0; b < kBlocks; ++b) {  // blocks in id order: strict > keeps the lower id
        if (ws.block_best_id[b] >= 0 && (best_id < 0 || ws.block_best[b] > best)) {
            best = ws.block_best[b];
            best_id = ws.block_best_id[b];
        }
    }
    *a.token = best_id;
}

__global__ void __launch_bounds__(kThreads) f32_sample_stats(SampleArgs a) {
    __shared__ float scratch[32];
    Workspace& ws = *static_cast<Workspace*>(a.workspace);
    const Range range = block_range(blockIdx.x, a.vocab);
    const float inv_temperature = 1.0f / a.temperature;
    float m = -INFINITY;
    for (int i = range.begin + threadIdx.x; i < range.end; i += blockDim.x)
        m = fmaxf(m, a.logits[i]);
    m = block_reduce(m, MaxOp{}, scratch);
    float sum = 0.0f;
    if (m > -INFINITY) {
        for (int i = range.begin + threadIdx.x; i < range.end; i += blockDim.x) {
            sum += expf((a.logits[i] - m) * inv_temperature);
        }
    }
    sum = block_reduce(sum, SumOp{}, scratch);
    if (threadIdx.x == 0) {
        ws.block_max[blockIdx.x] = m;
        ws.block_sum[blockIdx.x] = sum;
    }
}

__global__ void f32_sample_reduce_stats(SampleArgs a) {
    Workspace& ws = *static_cast<Workspace*>(a.workspace);
    const float inv_temperature = 1.0f / a.temperature;
    float m = -INFINITY;
    for (int b = 0; b < kBlocks; ++b)
        m = fmaxf(m, ws.block_max[b]);
    float z = 0.0f;
    for (int b = 0; b < kBlocks; ++b) {
        if (ws.block_max[b] > -INFINITY)
            z += ws.block_sum[b] * expf((ws.block_max[b] - m) * inv_temperature);
    }
    ws.max_logit = m;
    ws.sum_exp = z;
    ws.prefix = 0;
    ws.mass_above = 0;
    ws.target = mass_fixed_point(a.top_p);
}

// Pass `level` (0..3): mass histogram over key bits [24 - 8 level, 32 - 8 level) of the tokens
// whose higher key bits equal the prefix chosen so far.
__global__ void __launch_bounds__(kThreads) f32_sample_histogram(SampleArgs a, int level) {
    __shared__ unsigned long long hist[kBins];
    Workspace& ws = *static_cast<Workspace*>(a.workspace);
    const Range range = block_range(blockIdx.x, a.vocab);
    const float inv_temperature = 1.0f / a.temperature;
    const std::uint32_t prefix = ws.prefix;
    const int shift = 24 - 8 * level;
    for (int b = threadIdx.x; b < kBins; b += blockDim.x)
        hist[b] = 0;
    __syncthreads();
    for (int i = range.begin + threadIdx.x; i < range.end; i += blockDim.x) {
        const float logit = a.logits[i];
        const std::uint32_t key = float_order_key(logit);
        if (level > 0 && (key >> (shift + 8)) != prefix) continue;
        const std::uint64_t mass = token_mass(logit, ws, inv_temperature);
        if (mass != 0)
            atomicAdd(&hist[(key >> shift) & 0xffu], static_cast<unsigned long long>(mass));
    }
    __syncthreads();
    for (int b = threadIdx.x; b < kBins; b += blockDim.x)
        ws.hist[blockIdx.x][b] = hist[b];
}

// One block: total the histograms, walk the bins from the largest key down until the mass of
// keys above plus this bin reaches top_p; that bin extends the prefix.
__global__ void __launch_bounds__(kBins) f32_sample_select(SampleArgs a) {
    __shared__ std::uint64_t total[kBins];
    Workspace& ws = *static_cast<Workspace*>(a.workspace);
    std::uint64_t sum = 0;
    for (int b = 0; b < kBlocks; ++b)
        sum += ws.hist[b][threadIdx.x];
    total[threadIdx.x] = sum;
    __syncthreads();
    if (threadIdx.x != 0) return;
    std::uint64_t above = ws.mass_above;
    int chosen = -1, lowest = -1;
    std::uint64_t above_lowest = 0;
    for (int bin = kBins - 1; bin >= 0; --bin) {
        if (total[bin] == 0) continue;
        if (above + total[bin] >= ws.target) {
            chosen = bin;
            break;
        }
        lowest = bin;
        above_lowest = above;
        above += total[bin];
    }
    if (chosen < 0) {  // rounding left the target unreached: keep everything down to the last bin
        chosen = lowest < 0 ? 0 : lowest;
        above = above_lowest;
    }
    ws.prefix = (ws.prefix << 8) | static_cast<std::uint32_t>(chosen);
    ws.mass_above = above;
}

__global__ void __launch_bounds__(kThreads) f32_sample_kept(SampleArgs a) {
    __shared__ std::uint64_t scratch[32];
    Workspace& ws = *static_cast<Workspace*>(a.workspace);
    const Range range = block_range(blockIdx.x, a.vocab);
    const float inv_temperature = 1.0f / a.temperature;
    std::uint64_t sum = 0;
    for (int i = range.begin + threadIdx.x; i < range.end; i += blockDim.x) {
        const float logit = a.logits[i];
        if (float_order_key(logit) >= ws.prefix) sum += token_mass(logit, ws, inv_temperature);
    }
    sum = block_reduce(sum, SumU64Op{}, scratch);
    if (threadIdx.x == 0) ws.kept[blockIdx.x] = sum;
}

// One block of 1024: draw, find the block holding the draw, then the token inside it.
__global__ void __launch_bounds__(kFinishThreads) f32_sample_finish(SampleArgs a) {
    __shared__ std::uint64_t warp_sums[32];
    __shared__ int chosen_block;
    __shared__ std::uint64_t local_draw;
    __shared__ int token;
    Workspace& ws = *static_cast<Workspace*>(a.workspace);
    const float inv_temperature = 1.0f / a.temperature;
    if (threadIdx.x == 0) {
        std::uint64_t kept_total = 0;
        for (int b = 0; b < kBlocks; ++b)
            kept_total += ws.kept[b];
        const std::uint64_t counter = *a.rng_counter;
        *a.rng_counter = counter + 1;
        const float u = sample_uniform(a.seed, counter);
        const auto r =
            static_cast<std::uint64_t>(static_cast<double>(u) * static_cast<double>(kept_total));
        std::uint64_t cumulative = 0;
        int block = kBlocks - 1;
        for (int b = 0; b < kBlocks; ++b) {
            if (cumulative + ws.kept[b] > r) {
                block = b;
                break;
            }
            cumulative += ws.kept[b];
        }
        chosen_block = block;
        local_draw = r - cumulative;
        token = -1;
    }
    __syncthreads();
    const Range range = block_range(chosen_block, a.vocab);
    const int per_thread = (range.end - range.begin + kFinishThreads - 1) / kFinishThreads;
    const int begin = range.begin + threadIdx.x * per_thread;
    const int end = min(begin + per_thread, range.end);
    std::uint64_t mine = 0;
    for (int i = begin; i < end; ++i) {
        const float logit = a.logits[i];
        if (float_order_key(logit) >= ws.prefix) mine += token_mass(logit, ws, inv_temperature);
    }
    // Exclusive prefix sum of `mine` over the threads, in thread (= id) order.
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    std::uint64_t inclusive = mine;
#pragma unroll
    for (int offset = 1; offset < 32; offset <<= 1) {
        const std::uint64_t other = __shfl_up_sync(kFullMask, inclusive, offset);
        if (lane >= offset) inclusive += other;
    }
    if (lane == 31) warp_sums[warp] = inclusive;
    __syncthreads();
    std::uint64_t before = inclusive - mine;
    for (int w = 0; w < warp; ++w)
        before += warp_sums[w];
    const std::uint64_t r = local_draw;
    if (mine != 0 && before <= r && r < before + mine) {
        std::uint64_t cumulative = before;
        for (int i = begin; i < end; ++i) {
            const float logit = a.logits[i];
            if (float_order_key(logit) < ws.prefix) continue;
            cumulative += token_mass(logit, ws, inv_temperature);
            if (cumulative > r) {
                token = i;
                break;
            }
        }
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        int result = token;
        for (int i = range.end - 1; result < 0 && i >= range.begin; --i) {  // never expected
            if (float_order_key(a.logits[i]) >= ws.prefix) result = i;
        }
        *a.token = result;
    }
}

}  // namespace
}  // namespace gpu

std::size_t sample_workspace_bytes(int /*vocab*/) {
    return sizeof(gpu::Workspace);
}

namespace {

Status check_sample(const char* name, const SampleArgs& a) {
    PONDER_KERNELS_TRY(require_pointer(name, "logits", a.logits, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "token", a.token, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "workspace", a.workspace, 8));
    PONDER_KERNELS_TRY(require_range(name, "vocab", a.vocab, 1, 1 << 24));
    return Status::success();
}

}  // namespace

Status f32_sample_argmax(const SampleArgs& a, StreamHandle stream) {
    const char* name = "f32_sample_argmax";
    PONDER_KERNELS_TRY(check_sample(name, a));
    gpu::f32_sample_argmax_blocks<<<gpu::kBlocks, gpu::kThreads, 0, stream>>>(a);
    PONDER_KERNELS_TRY(gpu::check_launch(name));
    gpu::f32_sample_argmax_finish<<<1, 1, 0, stream>>>(a);
    return gpu::check_launch(name);
}

Status f32_sample_top_p(const SampleArgs& a, StreamHandle stream) {
    const char* name = "f32_sample_top_p";
    PONDER_KERNELS_TRY(check_sample(name, a));
    PONDER_KERNELS_TRY(require_pointer(name, "rng_counter", a.rng_counter, 8));
    if (!(a.temperature > 0.0f) || !(a.top_p > 0.0f) || a.top_p > 1.0f) {
        return Status::error(StatusCode::invalid_argument,
                             "%s: temperature = %g, top_p = %g; expected temperature > 0 and "
                             "0 < top_p <= 1 (use f32_sample_argmax for greedy)",
                             name, static_cast<double>(a.temperature),
                             static_cast<double>(a.top_p));
    }
    gpu::f32_sample_stats<<<gpu::kBlocks, gpu::kThreads, 0, stream>>>(a);
    PONDER_KERNELS_TRY(gpu::check_launch("f32_sample_stats"));
    gpu::f32_sample_reduce_stats<<<1, 1, 0, stream>>>(a);
    PONDER_KERNELS_TRY(gpu::check_launch("f32_sample_reduce_stats"));
    if (a.top_p < 1.0f) {  // top_p == 1 keeps every token: prefix 0 admits every key
        for (int level = 0; level < 4; ++level) {
            gpu::f32_sample_histogram<<<gpu::kBlocks, gpu::kThreads, 0, stream>>>(a, level);
            PONDER_KERNELS_TRY(gpu::check_launch("f32_sample_histogram"));
            gpu::f32_sample_select<<<1, gpu::kBins, 0, stream>>>(a);
            PONDER_KERNELS_TRY(gpu::check_launch("f32_sample_select"));
        }
    }
    gpu::f32_sample_kept<<<gpu::kBlocks, gpu::kThreads, 0, stream>>>(a);
    PONDER_KERNELS_TRY(gpu::check_launch("f32_sample_kept"));
    gpu::f32_sample_finish<<<1, gpu::kFinishThreads, 0, stream>>>(a);
    return gpu::check_launch(name);
}

}  // namespace ponder::kernels
