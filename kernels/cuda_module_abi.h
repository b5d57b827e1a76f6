/* The C interface of the CUDA backend module (libponder_cuda.so).
 *
 * The CUDA backend is loaded at run time with dlopen (design.md §3): cuBLAS alone is ~0.5 GB of
 * shared libraries, and the app must start on machines that have neither them nor a GPU. The
 * engine sees only these plain-C functions, so the module and the app can be built separately.
 * Bump PONDER_CUDA_ABI_VERSION whenever a signature or struct here changes. */
#ifndef PONDER_KERNELS_CUDA_MODULE_ABI_H
#define PONDER_KERNELS_CUDA_MODULE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PONDER_CUDA_ABI_VERSION 1

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

#ifdef __cplusplus
}
#endif

#endif
