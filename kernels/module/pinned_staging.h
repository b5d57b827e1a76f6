// Page-locked host memory for host-to-device copies that must not stall the stream: token ids
// and positions of each step, and the weights while loading. With pageable memory,
// cudaMemcpyAsync synchronises the stream first; with these slots the next step's inputs are
// queued while the previous step still runs. Two slots are used alternately, and a slot is
// rewritten only after the copy that read it has executed (one event per slot).
//
// Not thread-safe: used under the model's mutex (or by the loader alone).
#pragma once

#include <cstddef>

#include "kernels/cuda_module_abi.h"
#include "kernels/kernel_status.h"
#include "kernels/launchers.h"

struct CUevent_st;

namespace ponder::kernels::module {

class PinnedStaging {
  public:
    PinnedStaging() = default;
    ~PinnedStaging();
    PinnedStaging(const PinnedStaging&) = delete;
    PinnedStaging& operator=(const PinnedStaging&) = delete;

    // Two slots of `slot_bytes` each, plus a small result area for device-to-host reads.
    Status create(std::size_t slot_bytes);
    std::size_t slot_bytes() const { return slot_bytes_; }

    // The next slot, once the copy last enqueued from it has run.
    Status acquire(void** slot);
    // Enqueues device[0..bytes) <- acquired slot[slot_offset ..) on `stream` and marks the slot
    // busy until that copy has run. May be called several times per acquired slot.
    Status copy_to_device(void* device, std::size_t bytes, StreamHandle stream,
                          std::size_t slot_offset = 0);

    // 64 page-locked bytes for small device-to-host results (a sampled token id).
    void* result() const { return result_; }

  private:
    char* slots_[2] = {nullptr, nullptr};
    CUevent_st* done_[2] = {nullptr, nullptr};
    void* result_ = nullptr;
    std::size_t slot_bytes_ = 0;
    int current_ = 1;
};

// Copies host memory of any size to the device through a PinnedStaging, slot by slot, reporting
// progress; `progress` (may be null) returning false cancels.
class Uploader {
  public:
    Uploader(PinnedStaging& staging, StreamHandle stream, std::size_t total_bytes,
             ponder_cuda_progress_fn progress, void* progress_user)
        : staging_(staging),
          stream_(stream),
          total_(total_bytes),
          progress_(progress),
          progress_user_(progress_user) {}

    // Enqueues device[0..bytes) <- host[0..bytes); cancelled when the progress callback says so.
    Status copy(void* device, const void* host, std::size_t bytes);

  private:
    PinnedStaging& staging_;
    StreamHandle stream_;
    std::size_t total_;
    std::size_t done_ = 0;
    ponder_cuda_progress_fn progress_;
    void* progress_user_;
};

}  // namespace ponder::kernels::module
