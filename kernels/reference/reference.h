// Plain C++ CPU references of the CUDA kernels (compiled without nvcc, built in every
// configuration). Each computes the spec's math (docs/gpt-oss.md §3-4) from the same stored
// inputs the kernel reads (bf16 bit patterns, checkpoint MXFP4 bytes), accumulating in double,
// and is what the gpu tests compare against. All pointers are host pointers; shapes as in
// kernels/kernel_args.h. Single-threaded and slow by design: clarity over speed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/kernel_args.h"

namespace ponder::kernels::ref {

// --- embedding and norm (norm_ref.cpp) ---
void embedding(const std::int32_t* tokens, int num_tokens, const bf16_bits* table, int hidden,
               int vocab, float* x);
// x += delta (+ delta_bias) when delta != nullptr; out = bf16(x / rms(x) * weight).
void rmsnorm_residual(float* x, const float* delta, const bf16_bits* delta_bias,
                      const bf16_bits* weight, int num_tokens, int hidden, float eps,
                      bf16_bits* out);

// --- dense projections (matmul_ref.cpp) ---
// y[t, r] = sum_k W[r, k] x[t, k] (+ bias[r]).
void matmul_bf16(const bf16_bits* weight, const bf16_bits* bias, const bf16_bits* x, int num_tokens,
                 int rows, int cols, float* y);

// --- RoPE and attention (attention_ref.cpp) ---
// One NeoX pair (x[i], x[i + 32]) at position pos: angle = f32(pos) * inv_freq in f32 (as the
// references compute it), then c = m cos, s = m sin; out0 = x0 c - x1 s, out1 = x1 c + x0 s.
void rope_pair(float x0, float x1, int pos, float inv_freq, float attention_factor, float* out0,
               float* out1);

struct HostKvCache {
    bf16_bits* k = nullptr;  // [num_kv_heads, capacity, 64]
    bf16_bits* v = nullptr;
    int capacity = 0;
    int window = 0;
};

// qkv [T, qkv_rows] without bias -> q [T, n_q, 64] (bf16) and cache slots (pos0 + t) % capacity.
void qkv_bias_rope_cache(const float* qkv, const bf16_bits* bias, int num_tokens, int pos0,
                         int num_kv_heads, const float* inv_freq, float attention_factor,
                         bf16_bits* q, const HostKvCache& cache);

// out [T, n_q, 64] for queries q [T, n_q, 64] at positions pos0 + t, keys/values of position j
// read from slot j % capacity; the sink joins the softmax denominator only. Keys older than the
// ring holds after the chunk is written (j < pos0 + T - capacity) are out, full layers included.
void sdpa_sink_window(const bf16_bits* q, const HostKvCache& cache, const bf16_bits* sinks,
                      int num_tokens, int num_kv_heads, int pos0, float scale, float* out);

// --- router (moe_ref.cpp) ---
// logits [num_partials, T, E] summed (+ bias) -> top-4 (ties: lower index first) and softmax.
// A NaN logit counts as -inf (sorts last); logits equal to the top one weigh exp(0) = 1 even when
// infinite, so all -inf gives 4 equal weights.
void topk_softmax(const float* logits, int num_partials, const bf16_bits* bias, int num_tokens,
                  int num_experts, std::int32_t* expert_idx, float* expert_weight);

// --- MXFP4 and MoE (moe_ref.cpp) ---
float e2m1_value(unsigned nibble);
// Element (r, k) of expert e of a checkpoint-layout MXFP4 tensor (docs/gpt-oss.md §3.3).
float mxfp4_weight(const std::uint8_t* blocks, const std::uint8_t* scales, int rows, int cols,
                   int e, int r, int k);
// The MMA tile layout of mxfp4_layout.h, built on the CPU (what u8_mxfp4_repack_mma computes).
void mxfp4_repack_mma(const Mxfp4RepackArgs& host_args);
float swiglu(float gate, float up, float limit, float alpha);

struct HostExperts {                               // checkpoint layout (not repacked)
    const std::uint8_t* gate_up_blocks = nullptr;  // [E, 2I, H/32, 16]
    const std::uint8_t* gate_up_scales = nullptr;  // [E, 2I, H/32]
    const bf16_bits* gate_up_bias = nullptr;       // [E, 2I]
    const std::uint8_t* down_blocks = nullptr;     // [E, H, I/32, 16]
    const std::uint8_t* down_scales = nullptr;     // [E, H, I/32]
    const bf16_bits* down_bias = nullptr;          // [E, H]
    int num_experts = 0;
    int hidden = 0;
    int intermediate = 0;
    float swiglu_limit = 7.0f;
    float swiglu_alpha = 1.702f;
};

// residual[t] += sum_n w[t][n] (W2 swiglu(W1 x[t] + b1) + b2) over the 4 selected experts.
// act (optional) receives the SwiGLU outputs [T, 4, I] in natural order.
void moe(const HostExperts& experts, const bf16_bits* x, const std::int32_t* expert_idx,
         const float* expert_weight, int num_tokens, float* residual, float* act);

// --- sampling (sampling_ref.cpp) ---
std::int32_t sample_argmax(const float* logits, int vocab);

// The CPU version of f32_sample_top_p, with the intermediate facts a test needs to judge a
// GPU draw whose fixed-point masses differ from these in the last bits.
struct TopPDraw {
    std::int32_t token = -1;
    std::uint32_t threshold_key = 0;  // kept: float_order_key(logit) >= threshold_key
    std::uint64_t kept_mass = 0;      // sum of kept masses (units of 2^-40)
    std::uint64_t r = 0;              // the draw: token holds cumulative interval covering r
    std::vector<std::uint64_t> mass;  // [vocab] fixed-point probability of each token
};
TopPDraw sample_top_p(const float* logits, int vocab, float temperature, float top_p,
                      std::uint64_t seed, std::uint64_t counter);

}  // namespace ponder::kernels::ref
