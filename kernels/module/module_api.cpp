// The exported function table of libponder_cuda.so (kernels/cuda_module_abi.h): thin wrappers
// that take the model's mutex, select the device, turn kernels::Status into ponder_cuda_status
// and make sure no C++ exception (a failed host allocation) crosses the C boundary.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

#include "kernels/cuda_module_abi.h"
#include "kernels/module/device_model.h"
#include "kernels/module/device_session.h"

using ponder::kernels::Status;
using ponder::kernels::StatusCode;
using namespace ponder::kernels::module;

struct ponder_cuda_model {
    std::unique_ptr<DeviceModel> device;
};

struct ponder_cuda_session {
    ponder_cuda_model* owner;
    std::unique_ptr<DeviceSession> device;
};

namespace {

int abi_code(StatusCode code) {
    switch (code) {
        case StatusCode::ok:
            return PONDER_CUDA_OK;
        case StatusCode::invalid_argument:
            return PONDER_CUDA_INVALID_ARGUMENT;
        case StatusCode::unsupported:
            return PONDER_CUDA_UNSUPPORTED;
        case StatusCode::out_of_memory:
            return PONDER_CUDA_OUT_OF_MEMORY;
        case StatusCode::cancelled:
            return PONDER_CUDA_CANCELLED;
        case StatusCode::context_full:
            return PONDER_CUDA_CONTEXT_FULL;
        case StatusCode::cuda_error:
            return PONDER_CUDA_DEVICE_ERROR;
    }
    return PONDER_CUDA_DEVICE_ERROR;
}

int report(const Status& status, ponder_cuda_status* out) {
    const int code = abi_code(status.code());
    if (out != nullptr) {
        out->code = code;
        std::snprintf(out->message, sizeof(out->message), "%s", status.message());
    }
    return code;
}

// Runs `body` (returning Status), converting exceptions: std::bad_alloc is host memory running
// out; anything else is a bug, reported rather than propagated into C.
template <typename Body>
int guarded(ponder_cuda_status* out, Body&& body) {
    try {
        return report(body(), out);
    } catch (const std::bad_alloc&) {
        return report(Status::error(StatusCode::out_of_memory, "host memory exhausted"), out);
    } catch (...) {
        return report(Status::error(StatusCode::cuda_error, "internal error in the CUDA module"),
                      out);
    }
}

int plan_memory(const ponder_cuda_model_config* config, const ponder_cuda_model_options* options,
                int64_t context_tokens, ponder_cuda_memory_plan* plan, ponder_cuda_status* status) {
    return guarded(status, [&]() -> Status {
        if (config == nullptr || options == nullptr || plan == nullptr || context_tokens < 0) {
            return Status::error(StatusCode::invalid_argument, "plan_memory: bad arguments");
        }
        ModelParams params;
        PONDER_KERNELS_TRY(read_model_params(*config, params));
        const int chunk =
            options->prefill_chunk > 0 ? options->prefill_chunk : kDefaultPrefillChunk;
        std::memset(plan, 0, sizeof(*plan));
        plan->weight_bytes = plan_weights(params.shape).total;
        plan->scratch_bytes =
            plan_scratch(params.shape, chunk, kernel_workspaces(params.shape, chunk)).total;
        plan->session_bytes =
            plan_session(params.shape, context_tokens > 0 ? context_tokens : 1, 512, chunk).total;
        plan->reserve_bytes = kReserveBytes;
        plan->total_bytes =
            plan->weight_bytes + plan->scratch_bytes + plan->session_bytes + plan->reserve_bytes;
        PONDER_KERNELS_TRY(Status::from_cuda(cudaSetDevice(options->device), "cudaSetDevice"));
        std::size_t free_bytes = 0, total_bytes = 0;
        PONDER_KERNELS_TRY(
            Status::from_cuda(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo"));
        plan->device_free_bytes = free_bytes;
        plan->device_total_bytes = total_bytes;
        return Status::success();
    });
}

int model_create(const ponder_cuda_model_config* config, const ponder_cuda_model_weights* weights,
                 const ponder_cuda_model_options* options, ponder_cuda_model** model,
                 ponder_cuda_status* status) {
    return guarded(status, [&]() -> Status {
        if (config == nullptr || options == nullptr || model == nullptr) {
            return Status::error(StatusCode::invalid_argument, "model_create: bad arguments");
        }
        *model = nullptr;
        ModelParams params;
        PONDER_KERNELS_TRY(read_model_params(*config, params));
        auto handle = std::make_unique<ponder_cuda_model>();
        PONDER_KERNELS_TRY(DeviceModel::create(params, weights, *options, handle->device));
        *model = handle.release();
        return Status::success();
    });
}

void model_destroy(ponder_cuda_model* model) {
    if (model == nullptr) return;
    cudaSetDevice(model->device->device());
    delete model;
}

void model_info(ponder_cuda_model* model, ponder_cuda_model_info* info) {
    if (model == nullptr || info == nullptr) return;
    std::lock_guard lock(model->device->mutex());
    const DeviceModel& m = *model->device;
    std::memset(info, 0, sizeof(*info));
    info->weight_bytes = m.weight_bytes();
    info->scratch_bytes = m.scratch_bytes();
    info->allocated_bytes = m.allocated_bytes();
    info->peak_allocated_bytes = m.peak_allocated_bytes();
    info->prefill_chunk = m.chunk();
    std::snprintf(info->device_name, sizeof(info->device_name), "%s", m.device_name().c_str());
}

int session_create(ponder_cuda_model* model, const ponder_cuda_session_options* options,
                   ponder_cuda_session** session, ponder_cuda_status* status) {
    return guarded(status, [&]() -> Status {
        if (model == nullptr || options == nullptr || session == nullptr) {
            return Status::error(StatusCode::invalid_argument, "session_create: bad arguments");
        }
        *session = nullptr;
        std::lock_guard lock(model->device->mutex());
        PONDER_KERNELS_TRY(
            Status::from_cuda(cudaSetDevice(model->device->device()), "cudaSetDevice"));
        auto handle = std::make_unique<ponder_cuda_session>();
        handle->owner = model;
        PONDER_KERNELS_TRY(DeviceSession::create(*model->device, *options, handle->device));
        *session = handle.release();
        return Status::success();
    });
}

void session_destroy(ponder_cuda_session* session) {
    if (session == nullptr) return;
    std::lock_guard lock(session->owner->device->mutex());
    cudaSetDevice(session->owner->device->device());
    delete session;
}

int session_forward(ponder_cuda_session* session, const ponder_cuda_forward_request* request,
                    ponder_cuda_status* status) {
    return guarded(status, [&]() -> Status {
        if (session == nullptr || request == nullptr) {
            return Status::error(StatusCode::invalid_argument, "forward: bad arguments");
        }
        std::lock_guard lock(session->owner->device->mutex());
        return session->device->forward(*request);
    });
}

int64_t session_truncate(ponder_cuda_session* session, int64_t n) {
    if (session == nullptr) return 0;
    std::lock_guard lock(session->owner->device->mutex());
    return session->device->truncate(n);
}

int64_t session_length(const ponder_cuda_session* session) {
    return session == nullptr ? 0 : session->device->length();
}

int64_t session_capacity(const ponder_cuda_session* session) {
    return session == nullptr ? 0 : session->device->capacity();
}

uint64_t session_cache_bytes(const ponder_cuda_session* session) {
    return session == nullptr ? 0 : session->device->cache_bytes();
}

int session_fill_synthetic(ponder_cuda_session* session, int64_t num_tokens, uint64_t seed,
                           ponder_cuda_status* status) {
    return guarded(status, [&]() -> Status {
        if (session == nullptr) {
            return Status::error(StatusCode::invalid_argument, "fill_synthetic: no session");
        }
        std::lock_guard lock(session->owner->device->mutex());
        return session->device->fill_synthetic(num_tokens, seed);
    });
}

int copy_bandwidth(int device, uint64_t bytes, double* bytes_per_second,
                   ponder_cuda_status* status) {
    return guarded(status, [&]() -> Status {
        if (bytes_per_second == nullptr || bytes == 0) {
            return Status::error(StatusCode::invalid_argument, "copy_bandwidth: bad arguments");
        }
        PONDER_KERNELS_TRY(Status::from_cuda(cudaSetDevice(device), "cudaSetDevice"));
        ponder::kernels::DeviceBuffer source, target;
        PONDER_KERNELS_TRY(source.allocate(bytes));
        PONDER_KERNELS_TRY(target.allocate(bytes));
        PONDER_KERNELS_TRY(source.fill_bytes(1));
        cudaEvent_t start = nullptr, stop = nullptr;
        PONDER_KERNELS_TRY(Status::from_cuda(cudaEventCreate(&start), "cudaEventCreate"));
        PONDER_KERNELS_TRY(Status::from_cuda(cudaEventCreate(&stop), "cudaEventCreate"));
        float best_ms = 0.0f;
        Status result = Status::success();
        for (int round = 0; round < 6 && result.ok(); ++round) {  // round 0 warms up
            cudaEventRecord(start);
            cudaMemcpyAsync(target.data(), source.data(), bytes, cudaMemcpyDeviceToDevice);
            cudaEventRecord(stop);
            result = Status::from_cuda(cudaEventSynchronize(stop), "device copy");
            float ms = 0.0f;
            cudaEventElapsedTime(&ms, start, stop);
            if (round > 0 && (best_ms == 0.0f || ms < best_ms)) best_ms = ms;
        }
        cudaEventDestroy(start);
        cudaEventDestroy(stop);
        PONDER_KERNELS_TRY(result);
        // Each byte is read once and written once.
        *bytes_per_second =
            best_ms > 0.0f ? 2.0 * static_cast<double>(bytes) / (best_ms * 1e-3) : 0.0;
        return Status::success();
    });
}

int device_memory(int device, uint64_t* free_bytes, uint64_t* total_bytes,
                  ponder_cuda_status* status) {
    return guarded(status, [&]() -> Status {
        if (free_bytes == nullptr || total_bytes == nullptr) {
            return Status::error(StatusCode::invalid_argument, "device_memory: bad arguments");
        }
        PONDER_KERNELS_TRY(Status::from_cuda(cudaSetDevice(device), "cudaSetDevice"));
        std::size_t free_now = 0, total = 0;
        PONDER_KERNELS_TRY(Status::from_cuda(cudaMemGetInfo(&free_now, &total), "cudaMemGetInfo"));
        *free_bytes = free_now;
        *total_bytes = total;
        return Status::success();
    });
}

const ponder_cuda_api kApi = {
    plan_memory,         model_create,           model_destroy,    model_info,     session_create,
    session_destroy,     session_forward,        session_truncate, session_length, session_capacity,
    session_cache_bytes, session_fill_synthetic, copy_bandwidth,   device_memory,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const ponder_cuda_api* ponder_cuda_get_api() {
    return &kApi;
}
