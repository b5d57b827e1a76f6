#include "kernels/module/pinned_staging.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstring>

namespace ponder::kernels::module {

PinnedStaging::~PinnedStaging() {
    for (int i = 0; i < 2; ++i) {
        // Nothing may still read a slot we free: wait for the last copies first.
        if (done_[i] != nullptr) {
            cudaEventSynchronize(done_[i]);
            cudaEventDestroy(done_[i]);
        }
        if (slots_[i] != nullptr) cudaFreeHost(slots_[i]);
    }
    if (result_ != nullptr) cudaFreeHost(result_);
}

Status PinnedStaging::create(std::size_t slot_bytes) {
    slot_bytes_ = slot_bytes;
    for (int i = 0; i < 2; ++i) {
        void* slot = nullptr;
        PONDER_KERNELS_TRY(
            Status::from_cuda(cudaMallocHost(&slot, slot_bytes), "cudaMallocHost (staging)"));
        slots_[i] = static_cast<char*>(slot);
        cudaEvent_t event = nullptr;
        PONDER_KERNELS_TRY(Status::from_cuda(
            cudaEventCreateWithFlags(&event, cudaEventDisableTiming), "cudaEventCreate"));
        done_[i] = event;
    }
    return Status::from_cuda(cudaMallocHost(&result_, 64), "cudaMallocHost (results)");
}

Status PinnedStaging::acquire(void** slot) {
    current_ ^= 1;
    // An event never recorded counts as complete.
    PONDER_KERNELS_TRY(
        Status::from_cuda(cudaEventSynchronize(done_[current_]), "waiting for a staging copy"));
    *slot = slots_[current_];
    return Status::success();
}

Status PinnedStaging::copy_to_device(void* device, std::size_t bytes, StreamHandle stream,
                                     std::size_t slot_offset) {
    if (slot_offset > slot_bytes_ || bytes > slot_bytes_ - slot_offset) {
        return Status::error(StatusCode::invalid_argument,
                             "staging copy of %zu bytes at %zu exceeds the %zu-byte slot", bytes,
                             slot_offset, slot_bytes_);
    }
    PONDER_KERNELS_TRY(Status::from_cuda(cudaMemcpyAsync(device, slots_[current_] + slot_offset,
                                                         bytes, cudaMemcpyHostToDevice, stream),
                                         "cudaMemcpyAsync (staging to device)"));
    return Status::from_cuda(cudaEventRecord(done_[current_], stream), "cudaEventRecord");
}

Status Uploader::copy(void* device, const void* host, std::size_t bytes) {
    const std::size_t slot_bytes = staging_.slot_bytes();
    for (std::size_t offset = 0; offset < bytes; offset += slot_bytes) {
        const std::size_t n = std::min(slot_bytes, bytes - offset);
        void* slot = nullptr;
        PONDER_KERNELS_TRY(staging_.acquire(&slot));
        // The page faults of a memory-mapped checkpoint happen here, overlapped with the
        // previous slot's transfer.
        std::memcpy(slot, static_cast<const char*>(host) + offset, n);
        PONDER_KERNELS_TRY(
            staging_.copy_to_device(static_cast<char*>(device) + offset, n, stream_));
        done_ += n;
        if (progress_ != nullptr && total_ > 0 &&
            progress_(progress_user_, static_cast<double>(done_) / static_cast<double>(total_)) ==
                0) {
            return Status::error(StatusCode::cancelled, "model upload cancelled");
        }
    }
    return Status::success();
}

}  // namespace ponder::kernels::module
