// The C++ launcher API of the CUDA kernels (docs/architecture.md §4). Each launcher carries the
// name of the kernel it launches (<activation dtype>_<weight dtype>w_<op>[_<specialisation>]),
// validates its arguments (returning invalid_argument with expected vs actual) and enqueues on
// `stream` without synchronising: no launcher waits for the device, allocates, or copies to the
// host, so a decode step built from them can be captured in a CUDA graph and replayed (positions
// are read from device memory). Thread-safety: launchers keep no state; two threads may launch on
// different streams concurrently, provided they do not share scratch buffers.
//
// Built only with a CUDA toolkit (libponder_cuda_kernels, linked into libponder_cuda.so and the
// gpu tests). Argument structs: kernels/kernel_args.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernel_args.h"
#include "kernels/kernel_status.h"

struct CUstream_st;  // cudaStream_t is CUstream_st*; this header does not need CUDA's headers

namespace ponder::kernels {

using StreamHandle = CUstream_st*;  // nullptr = the legacy default stream

// Checks a model's shapes against the ones the kernels are specialised for (head_dim 64, 8 query
// heads per KV head, top-4 of 32 or 128 experts, widths multiples of 64 up to kMaxHidden).
// Call once at load; the message names the first mismatch.
Status check_gpt_oss_shapes(int head_dim, int num_q_heads, int num_kv_heads, int num_experts,
                            int experts_per_token, int hidden, int intermediate);

// --- embedding_norm.cu ---
Status i32_bf16w_embedding(const EmbeddingArgs& args, StreamHandle stream);
Status f32_bf16w_rmsnorm_residual(const RmsnormArgs& args, StreamHandle stream);
// *pos += delta on the device: the last launch of a captured decode step.
Status i32_advance_position(std::int32_t* pos, int delta, StreamHandle stream);

// --- matvec.cu --- (decode projections: o_proj, router logits, unembedding)
Status bf16_bf16w_matvec(const MatvecArgs& args, StreamHandle stream);

// --- qkv_rope.cu ---
// Decode: packed q/k/v mat-vec + bias + RoPE in one pass; writes q and the cache slot.
Status bf16_bf16w_qkv_rope_cache_d64(const QkvRopeDecodeArgs& args, StreamHandle stream);
// Prefill: bias + RoPE + cache write on the f32 output of a q/k/v GEMM.
Status f32_qkv_bias_rope_cache_d64(const QkvRopePrefillArgs& args, StreamHandle stream);

// --- attention_decode.cu --- (flash-decoding: split over the key range, then combine)
std::size_t sdpa_decode_partials_bytes(int num_kv_heads, int num_splits);
Status bf16_sdpa_sink_window_d64_decode(const SdpaDecodeArgs& args, StreamHandle stream);

// --- attention_prefill.cu --- (flash attention on bf16 tensor cores, 16 queries x 8 heads)
Status bf16_sdpa_sink_window_d64_prefill(const SdpaArgs& args, StreamHandle stream);

// --- router_topk.cu ---
Status f32_topk_softmax_e32_k4(const TopkSoftmaxArgs& args, StreamHandle stream);
Status f32_topk_softmax_e128_k4(const TopkSoftmaxArgs& args, StreamHandle stream);

// --- mxfp4_repack.cu --- (once per expert tensor at load time)
Status u8_mxfp4_repack_mma(const Mxfp4RepackArgs& args, StreamHandle stream);

// --- moe_decode.cu --- (one token; call gate_up then down)
Status bf16_mxfp4w_moe_gate_up_swiglu_decode(const MoeDecodeArgs& args, StreamHandle stream);
Status f16_mxfp4w_moe_down_accumulate_decode(const MoeDecodeArgs& args, StreamHandle stream);

// --- moe_grouped.cu --- (prefill; call in this order: group, gate_up, down, combine)
std::size_t moe_grouped_scratch_bytes(int num_tokens, int num_experts, int hidden,
                                      int intermediate);
// Carves a workspace of moe_grouped_scratch_bytes() bytes (256-byte aligned base) into buffers.
MoeGroupedScratch moe_grouped_scratch(void* base, int num_tokens, int num_experts, int hidden,
                                      int intermediate);
Status i32_moe_group_by_expert(const MoeGroupedArgs& args, StreamHandle stream);
Status bf16_mxfp4w_moe_gate_up_swiglu_grouped(const MoeGroupedArgs& args, StreamHandle stream);
Status f16_mxfp4w_moe_down_grouped(const MoeGroupedArgs& args, StreamHandle stream);
Status f32_moe_combine_residual(const MoeGroupedArgs& args, StreamHandle stream);

// --- sampling.cu ---
std::size_t sample_workspace_bytes(int vocab);
Status f32_sample_argmax(const SampleArgs& args, StreamHandle stream);
Status f32_sample_top_p(const SampleArgs& args, StreamHandle stream);

// --- random_fill.cu --- (benchmarks: random weights and KV caches made on the device)
// out[i] = mean + stddev * u_i, u_i uniform with unit variance ([-sqrt 3, sqrt 3]) from a
// counter-based hash of (seed, i): reproducible, independent of the launch geometry.
Status bf16_fill_random(const RandomFillArgs& args, StreamHandle stream);
// out[i] uniform in [lo, hi] (bytes: MXFP4 nibbles with lo 0, hi 255; E8M0 scales around a base).
Status u8_fill_random(const RandomFillArgs& args, StreamHandle stream);

}  // namespace ponder::kernels
