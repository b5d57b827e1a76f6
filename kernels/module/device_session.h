// One conversation's state on the device (the state behind ponder_cuda_session): the KV cache of
// every layer, the position, and the captured decode steps.
//
// - Full-attention layers keep every position (capacity = max_tokens); sliding layers keep a ring
//   of window + max(retain, prefill chunk) slots. Position p lives in slot p % capacity.
// - A forward of one token replays a CUDA graph of the whole decode step (embedding, 24 layers,
//   final norm, unembedding, optional sampling). The graph reads the token and the position from
//   the session's device scalars, which one 8-byte copy sets before each replay, so it is captured
//   once per sampling mode and reused at every position. Cancellation is checked before each step.
// - A forward of several tokens runs the prefill kernels eagerly, chunk by chunk; the cancel
//   callback is polled before every layer, with the host kept at most two layers ahead of the GPU
//   so that a stop is felt within a layer or two.
//
// Not thread-safe by itself: every public call takes the model's mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "kernels/cuda_module_abi.h"
#include "kernels/device_buffer.h"
#include "kernels/module/device_model.h"
#include "kernels/module/plan.h"

struct CUevent_st;

namespace ponder::kernels::module {

class DeviceSession {
  public:
    static Status create(DeviceModel& model, const ponder_cuda_session_options& options,
                         std::unique_ptr<DeviceSession>& out);
    ~DeviceSession();
    DeviceSession(const DeviceSession&) = delete;
    DeviceSession& operator=(const DeviceSession&) = delete;

    Status forward(const ponder_cuda_forward_request& request);
    std::int64_t truncate(std::int64_t n);
    Status fill_synthetic(std::int64_t num_tokens, std::uint64_t seed);

    std::int64_t length() const { return length_; }
    std::int64_t capacity() const { return max_tokens_; }
    std::uint64_t cache_bytes() const { return cache_.size(); }

  private:
    explicit DeviceSession(DeviceModel& model) : model_(model) {}

    // Device scalars the decode graph reads and writes (in the session's allocation).
    struct State {
        std::int32_t position;
        std::int32_t token;
        std::uint64_t draw_counter;
    };

    Status prefill(const ponder_cuda_forward_request& request);
    Status decode(const ponder_cuda_forward_request& request);
    Status set_position_and_token(std::int32_t position, std::int32_t token);
    Status reset_draws(std::uint64_t seed);
    // Before enqueuing a prefill layer: keeps the host at most two layers ahead of the GPU and
    // polls the cancel callback.
    Status pace_and_poll(const ponder_cuda_forward_request& request);
    Status layer_enqueued();

    DeviceModel& model_;
    SessionLayout layout_;
    DeviceBuffer cache_;
    std::vector<KvCacheView> caches_;  // [layers]
    State* state_ = nullptr;           // device
    std::int64_t max_tokens_ = 0;
    std::int64_t length_ = 0;
    RingState ring_;
    std::int64_t ring_capacity_ = 0;
    // Graphs by sampling mode: (kind 0 = logits only, 1 = argmax, 2 = top-p; temperature bits,
    // top_p bits, seed) -> the captured step.
    using GraphKey = std::tuple<int, std::uint32_t, std::uint32_t, std::uint64_t>;
    std::map<GraphKey, std::unique_ptr<Graph>> graphs_;
    bool draws_seeded_ = false;
    std::uint64_t draw_seed_ = 0;
    CUevent_st* layer_done_[2] = {nullptr, nullptr};
    std::uint64_t layers_enqueued_ = 0;
};

}  // namespace ponder::kernels::module
