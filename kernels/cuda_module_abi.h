/* The C interface of the CUDA backend module (libponder_cuda.so).
 *
 * The CUDA backend is loaded at run time with dlopen (docs/architecture.md §3): cuBLAS alone is
 * ~0.5 GB of shared libraries, and the app must start on machines that have neither them nor a
 * GPU. The engine sees only these plain-C functions, so the module and the app can be built
 * separately. Bump PONDER_CUDA_ABI_VERSION whenever a signature or struct here changes; the loader
 * refuses a module whose ponder_cuda_abi_version() differs.
 *
 * Three exported symbols: ponder_cuda_abi_version, ponder_cuda_probe and ponder_cuda_get_api
 * (the table of everything else, so that the loader resolves one symbol per version).
 *
 * Conventions for every function in the table:
 * - Failure is a non-zero PONDER_CUDA_* code, with a human-readable message in *status (which may
 *   be NULL). Nothing aborts, throws across this boundary, or prints.
 * - Host pointers are read during the call only; the module copies what it keeps.
 * - bf16 values are passed as their 16-bit patterns (uint16_t).
 * - Thread-safety: calls on one model (and its sessions) are serialised inside the module by a
 *   mutex; one session must not be used by two threads at once. */
#ifndef PONDER_KERNELS_CUDA_MODULE_ABI_H
#define PONDER_KERNELS_CUDA_MODULE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PONDER_CUDA_ABI_VERSION 2

typedef struct ponder_cuda_device_info {
    char name[256];    /* e.g. "NVIDIA GeForce RTX 5090" */
    int compute_major; /* 9 for H100/H200, 12 for RTX 50-series */
    int compute_minor;
    uint64_t total_memory; /* bytes */
    uint64_t free_memory;  /* bytes, at probe time */
    int driver_version;    /* as cudaDriverGetVersion reports, e.g. 13000 */
    int runtime_version;
} ponder_cuda_device_info;

/* Returns PONDER_CUDA_ABI_VERSION; the loader refuses a module that disagrees. */
typedef int (*ponder_cuda_abi_version_fn)(void);

/* Fills *info for device `index` and returns 0, or returns non-zero and writes a human-readable
 * reason (no driver, no device, too old) into error[0..error_size). Never aborts. */
typedef int (*ponder_cuda_probe_fn)(int index, ponder_cuda_device_info* info, char* error,
                                    size_t error_size);

/* --- status ------------------------------------------------------------------------------ */

enum {
    PONDER_CUDA_OK = 0,
    PONDER_CUDA_INVALID_ARGUMENT = 1, /* malformed request (null pointer, bad token count) */
    PONDER_CUDA_UNSUPPORTED = 2,      /* a config the kernels are not specialised for */
    PONDER_CUDA_OUT_OF_MEMORY = 3,    /* device (or pinned host) memory ran out */
    PONDER_CUDA_CANCELLED = 4,        /* the cancel callback said stop */
    PONDER_CUDA_CONTEXT_FULL = 5,     /* the session has no room for the tokens */
    PONDER_CUDA_DEVICE_ERROR = 6      /* any other CUDA/cuBLAS failure */
};

typedef struct ponder_cuda_status {
    int code;          /* PONDER_CUDA_* */
    char message[512]; /* "" when code == PONDER_CUDA_OK */
} ponder_cuda_status;

/* --- model ------------------------------------------------------------------------------- */

/* The hyperparameters the device code needs (engine/model/config.h). RoPE tables are computed
 * by the engine (YaRN, docs/gpt-oss.md §4.5), so the module never re-derives them. */
typedef struct ponder_cuda_model_config {
    int64_t vocab_size;
    int64_t hidden_size;
    int64_t num_layers;
    int64_t num_heads;         /* query heads */
    int64_t num_kv_heads;      /* must be num_heads / 8 for the kernels */
    int64_t head_dim;          /* must be 64 */
    int64_t num_experts;       /* 32 or 128 */
    int64_t experts_per_token; /* 4 */
    int64_t intermediate_size;
    int64_t sliding_window;
    int64_t max_position_embeddings;
    float rms_norm_eps;
    float swiglu_limit;
    float swiglu_alpha;
    float rope_attention_factor;     /* YaRN m, multiplies cos and sin */
    float rope_inv_freq[32];         /* [head_dim / 2] YaRN inverse frequencies */
    const uint8_t* layer_is_sliding; /* [num_layers], non-zero = sliding window layer */
} ponder_cuda_model_config;

/* An MXFP4 tensor in the checkpoint's layout (docs/gpt-oss.md §3). */
typedef struct ponder_cuda_mxfp4 {
    const uint8_t* blocks; /* [E, rows, cols / 32, 16] */
    const uint8_t* scales; /* [E, rows, cols / 32] */
} ponder_cuda_mxfp4;

/* One layer's tensors, pointing into the (memory-mapped) checkpoint. */
typedef struct ponder_cuda_layer_weights {
    const uint16_t* attn_norm;     /* [H] */
    const uint16_t* q_weight;      /* [n_heads * 64, H] */
    const uint16_t* q_bias;        /* [n_heads * 64] */
    const uint16_t* k_weight;      /* [n_kv * 64, H] */
    const uint16_t* k_bias;        /* [n_kv * 64] */
    const uint16_t* v_weight;      /* [n_kv * 64, H] */
    const uint16_t* v_bias;        /* [n_kv * 64] */
    const uint16_t* o_weight;      /* [H, n_heads * 64] */
    const uint16_t* o_bias;        /* [H] */
    const uint16_t* sinks;         /* [n_heads] */
    const uint16_t* mlp_norm;      /* [H] */
    const uint16_t* router_weight; /* [E, H] */
    const uint16_t* router_bias;   /* [E] */
    ponder_cuda_mxfp4 gate_up;     /* rows 2I (even = gate, odd = up), cols H */
    const uint16_t* gate_up_bias;  /* [E, 2I] */
    ponder_cuda_mxfp4 down;        /* rows H, cols I */
    const uint16_t* down_bias;     /* [E, H] */
} ponder_cuda_layer_weights;

typedef struct ponder_cuda_model_weights {
    const uint16_t* embedding;               /* [vocab, H] */
    const uint16_t* final_norm;              /* [H] */
    const uint16_t* unembedding;             /* [vocab, H] */
    const ponder_cuda_layer_weights* layers; /* [num_layers] */
} ponder_cuda_model_weights;

/* Upload progress, fraction in [0, 1]; return 0 to cancel the load. */
typedef int (*ponder_cuda_progress_fn)(void* user, double fraction);

typedef struct ponder_cuda_model_options {
    int device;         /* CUDA device index */
    int random_weights; /* non-zero: ignore the weights and fill every tensor on the device with
                           random values of the checkpoint generator's scales (benchmarks:
                           no 13 GB file to write or read) */
    uint64_t random_seed;
    int prefill_chunk; /* tokens per prefill step (scratch is sized for it); 0 = 1024 */
    ponder_cuda_progress_fn progress; /* may be NULL */
    void* progress_user;
} ponder_cuda_model_options;

/* What a model and one session of `context_tokens` positions need on the device. */
typedef struct ponder_cuda_memory_plan {
    uint64_t weight_bytes;      /* all tensors (MXFP4 experts kept packed) */
    uint64_t scratch_bytes;     /* activations of one prefill chunk, logits, sampler */
    uint64_t session_bytes;     /* KV cache of one session of context_tokens positions */
    uint64_t reserve_bytes;     /* cuBLAS workspace, graphs, load staging */
    uint64_t total_bytes;       /* the sum */
    uint64_t device_free_bytes; /* cudaMemGetInfo at planning time */
    uint64_t device_total_bytes;
} ponder_cuda_memory_plan;

typedef struct ponder_cuda_model_info {
    uint64_t weight_bytes;
    uint64_t scratch_bytes;
    uint64_t allocated_bytes;      /* by this model and its live sessions, now */
    uint64_t peak_allocated_bytes; /* the most allocated at once since the model was created */
    int prefill_chunk;
    char device_name[256];
} ponder_cuda_model_info;

/* --- sessions ------------------------------------------------------------------------------ */

typedef struct ponder_cuda_session_options {
    int64_t max_tokens;     /* positions the session may hold (> 0) */
    int64_t sliding_retain; /* positions a sliding layer keeps beyond its window, so that
                               truncating back by up to this much is free */
} ponder_cuda_session_options;

enum { PONDER_CUDA_LOGITS_NONE = 0, PONDER_CUDA_LOGITS_LAST = 1, PONDER_CUDA_LOGITS_ALL = 2 };

/* Polled on the host between layers (eager prefill) and before every decode step: non-zero means
 * stop, and forward returns PONDER_CUDA_CANCELLED. */
typedef int (*ponder_cuda_cancel_fn)(const void* user);

/* Next-token selection on the device from the last position's logits. */
typedef struct ponder_cuda_sampling {
    float temperature; /* 0 = greedy (argmax, ties to the lower id) */
    float top_p;       /* (0, 1]; used when temperature > 0 */
    uint64_t seed;     /* the draw counter restarts when the seed changes */
} ponder_cuda_sampling;

typedef struct ponder_cuda_forward_request {
    const int32_t* tokens; /* [num_tokens], each in [0, vocab) */
    int64_t num_tokens;    /* >= 1; they run at positions length .. length + num_tokens - 1 */
    int logits;            /* PONDER_CUDA_LOGITS_* */
    float* logits_out;     /* host [1 or num_tokens, vocab]; may be NULL for NONE, or for LAST
                              when `sample` is set (then no logits cross to the host) */
    ponder_cuda_cancel_fn cancelled; /* may be NULL */
    const void* cancel_user;
    const ponder_cuda_sampling* sample; /* optional: draw the next token after the last one */
    int32_t* sampled_token;             /* host, required with `sample` */
} ponder_cuda_forward_request;

typedef struct ponder_cuda_model ponder_cuda_model;     /* opaque */
typedef struct ponder_cuda_session ponder_cuda_session; /* opaque */

typedef struct ponder_cuda_api {
    /* Checks `config` against the kernels' specialisations (UNSUPPORTED with the first mismatch)
     * and fills *plan; queries the device's free memory. Allocates nothing. */
    int (*plan_memory)(const ponder_cuda_model_config* config,
                       const ponder_cuda_model_options* options, int64_t context_tokens,
                       ponder_cuda_memory_plan* plan, ponder_cuda_status* status);

    /* Uploads the bf16 tensors (q/k/v packed into one matrix) and repacks the MXFP4 experts once
     * into the kernels' tile layout (u8_mxfp4_repack_mma), keeping them packed. `weights` may be
     * NULL with options->random_weights. OUT_OF_MEMORY, UNSUPPORTED, CANCELLED or DEVICE_ERROR;
     * nothing stays allocated on failure. */
    int (*model_create)(const ponder_cuda_model_config* config,
                        const ponder_cuda_model_weights* weights,
                        const ponder_cuda_model_options* options, ponder_cuda_model** model,
                        ponder_cuda_status* status);
    void (*model_destroy)(ponder_cuda_model* model); /* after all its sessions */
    void (*model_info)(ponder_cuda_model* model, ponder_cuda_model_info* info);

    /* KV cache: full layers hold all max_tokens positions, sliding layers a ring of
     * window + max(sliding_retain, prefill_chunk) positions. */
    int (*session_create)(ponder_cuda_model* model, const ponder_cuda_session_options* options,
                          ponder_cuda_session** session, ponder_cuda_status* status);
    void (*session_destroy)(ponder_cuda_session* session);

    /* Runs the tokens; one token goes through the session's captured decode graph, more through
     * the prefill kernels in chunks. On failure (CANCELLED, CONTEXT_FULL, ...) session_length
     * tells how many tokens were kept (whole chunks). */
    int (*session_forward)(ponder_cuda_session* session, const ponder_cuda_forward_request* request,
                           ponder_cuda_status* status);

    /* Forgets positions >= n; returns the length kept: n when the sliding rings still hold the
     * window before n, else 0 (the caller feeds [0, n) again). */
    int64_t (*session_truncate)(ponder_cuda_session* session, int64_t n);
    int64_t (*session_length)(const ponder_cuda_session* session);
    int64_t (*session_capacity)(const ponder_cuda_session* session);
    uint64_t (*session_cache_bytes)(const ponder_cuda_session* session);

    /* Benchmarks: appends num_tokens positions of random keys and values directly on the device
     * (no forward pass), so that decode can be timed at a context depth without prefilling. */
    int (*session_fill_synthetic)(ponder_cuda_session* session, int64_t num_tokens, uint64_t seed,
                                  ponder_cuda_status* status);

    /* Benchmarks: device-to-device copy bandwidth (bytes read + bytes written per second, best of
     * several copies of `bytes`), and the device's free/total memory now. */
    int (*copy_bandwidth)(int device, uint64_t bytes, double* bytes_per_second,
                          ponder_cuda_status* status);
    int (*device_memory)(int device, uint64_t* free_bytes, uint64_t* total_bytes,
                         ponder_cuda_status* status);
} ponder_cuda_api;

/* Returns the module's function table (static storage; never NULL). */
typedef const ponder_cuda_api* (*ponder_cuda_api_fn)(void);

#ifdef __cplusplus
}
#endif

#endif
