#include "kernels/module/device_session.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>

#include "kernels/module/forward_steps.h"

namespace ponder::kernels::module {

namespace {

constexpr std::size_t kMaxGraphs = 8;      // sampling modes kept captured per session
constexpr std::size_t kTokensOffset = 16;  // token ids after the position in a staging slot

enum GraphKind { kLogits = 0, kArgmax = 1, kTopP = 2, kNoLogits = 3 };

std::uint32_t float_bits(float value) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    return bits;
}

bool wants_logits(const ponder_cuda_forward_request& r) {
    return r.logits != PONDER_CUDA_LOGITS_NONE && r.logits_out != nullptr;
}

Status check_request(const ponder_cuda_forward_request& r, std::int64_t vocab) {
    if (r.tokens == nullptr || r.num_tokens < 1) {
        return Status::error(StatusCode::invalid_argument, "forward: %lld tokens given",
                             static_cast<long long>(r.num_tokens));
    }
    for (std::int64_t t = 0; t < r.num_tokens; ++t) {
        if (r.tokens[t] < 0 || r.tokens[t] >= vocab) {
            return Status::error(StatusCode::invalid_argument,
                                 "token id %d is outside the vocabulary [0, %lld)", r.tokens[t],
                                 static_cast<long long>(vocab));
        }
    }
    if (r.logits < PONDER_CUDA_LOGITS_NONE || r.logits > PONDER_CUDA_LOGITS_ALL) {
        return Status::error(StatusCode::invalid_argument, "forward: logits mode %d", r.logits);
    }
    if (r.logits != PONDER_CUDA_LOGITS_NONE && r.logits_out == nullptr &&
        !(r.logits == PONDER_CUDA_LOGITS_LAST && r.sample != nullptr)) {
        return Status::error(StatusCode::invalid_argument,
                             "forward: logits wanted but no buffer given");
    }
    if (r.sample != nullptr) {
        const ponder_cuda_sampling& s = *r.sample;
        if (r.sampled_token == nullptr || r.logits != PONDER_CUDA_LOGITS_LAST) {
            return Status::error(StatusCode::invalid_argument,
                                 "forward: sampling needs logits = LAST and sampled_token");
        }
        if (!std::isfinite(s.temperature) || s.temperature < 0.0f ||
            (s.temperature > 0.0f && !(s.top_p > 0.0f && s.top_p <= 1.0f))) {
            return Status::error(StatusCode::invalid_argument,
                                 "forward: temperature %g, top_p %g; expected temperature >= 0 "
                                 "and 0 < top_p <= 1",
                                 static_cast<double>(s.temperature), static_cast<double>(s.top_p));
        }
    }
    return Status::success();
}

}  // namespace

Status DeviceSession::create(DeviceModel& model, const ponder_cuda_session_options& options,
                             std::unique_ptr<DeviceSession>& out) {
    const ModelShape& shape = model.shape();
    if (options.max_tokens < 1 || options.max_tokens > model.params().max_positions ||
        options.sliding_retain < 0 || options.sliding_retain > (1 << 20)) {
        return Status::error(StatusCode::invalid_argument,
                             "session: max_tokens %lld (expected 1..%lld), sliding_retain %lld",
                             static_cast<long long>(options.max_tokens),
                             static_cast<long long>(model.params().max_positions),
                             static_cast<long long>(options.sliding_retain));
    }
    std::unique_ptr<DeviceSession> session(new DeviceSession(model));
    session->max_tokens_ = options.max_tokens;
    session->layout_ =
        plan_session(shape, options.max_tokens, options.sliding_retain, model.chunk());
    session->ring_capacity_ = ring_capacity(shape.window, options.sliding_retain, model.chunk());
    PONDER_KERNELS_TRY(session->cache_.allocate(session->layout_.total));
    model.track_allocation(static_cast<std::int64_t>(session->cache_.size()));
    char* base = session->cache_.as<char>();
    for (std::size_t l = 0; l < shape.sliding.size(); ++l) {
        KvCacheView view;
        view.k = reinterpret_cast<bf16_bits*>(base + session->layout_.k[l]);
        view.v = reinterpret_cast<bf16_bits*>(base + session->layout_.v[l]);
        view.capacity = static_cast<int>(session->layout_.capacity[l]);
        view.window = shape.sliding[l] ? static_cast<int>(shape.window) : 0;
        session->caches_.push_back(view);
    }
    session->state_ = reinterpret_cast<State*>(base + session->layout_.state);
    for (CUevent_st*& event : session->layer_done_) {
        cudaEvent_t created = nullptr;
        PONDER_KERNELS_TRY(Status::from_cuda(
            cudaEventCreateWithFlags(&created, cudaEventDisableTiming), "cudaEventCreate"));
        event = created;
    }
    PONDER_KERNELS_TRY(Status::from_cuda(
        cudaMemsetAsync(session->state_, 0, sizeof(State), model.stream()), "cudaMemsetAsync"));
    out = std::move(session);
    return Status::success();
}

DeviceSession::~DeviceSession() {
    graphs_.clear();
    for (CUevent_st* event : layer_done_) {
        if (event != nullptr) cudaEventDestroy(event);
    }
    // Work still queued may write this cache (a cancelled prefill): let it finish first.
    cudaStreamSynchronize(model_.stream());
    model_.track_allocation(-static_cast<std::int64_t>(cache_.size()));
}

Status DeviceSession::forward(const ponder_cuda_forward_request& request) {
    PONDER_KERNELS_TRY(check_request(request, model_.shape().vocab));
    if (length_ + request.num_tokens > max_tokens_) {
        return Status::error(StatusCode::context_full,
                             "the session holds %lld tokens; %lld more exceed its capacity of "
                             "%lld",
                             static_cast<long long>(length_),
                             static_cast<long long>(request.num_tokens),
                             static_cast<long long>(max_tokens_));
    }
    PONDER_KERNELS_TRY(Status::from_cuda(cudaSetDevice(model_.device()), "cudaSetDevice"));
    const Status status = request.num_tokens == 1 ? decode(request) : prefill(request);
    // Nothing the request enqueued may outlive it (its buffers are the caller's), also after a
    // cancel or an error; the wait is at most the layers already queued.
    const Status synced =
        Status::from_cuda(cudaStreamSynchronize(model_.stream()), "cudaStreamSynchronize");
    if (!status.ok()) return status;
    if (!synced.ok()) return synced;
    if (request.sample != nullptr) {
        std::memcpy(request.sampled_token, model_.staging().result(), sizeof(std::int32_t));
    }
    return Status::success();
}

Status DeviceSession::set_position_and_token(std::int32_t position, std::int32_t token) {
    void* slot = nullptr;
    PONDER_KERNELS_TRY(model_.staging().acquire(&slot));
    const std::int32_t values[2] = {position, token};
    std::memcpy(slot, values, sizeof(values));
    static_assert(offsetof(State, token) == offsetof(State, position) + 4);
    return model_.staging().copy_to_device(&state_->position, sizeof(values), model_.stream());
}

Status DeviceSession::reset_draws(std::uint64_t seed) {
    if (draws_seeded_ && draw_seed_ == seed) return Status::success();
    PONDER_KERNELS_TRY(Status::from_cuda(
        cudaMemsetAsync(&state_->draw_counter, 0, sizeof(std::uint64_t), model_.stream()),
        "cudaMemsetAsync"));
    draws_seeded_ = true;
    draw_seed_ = seed;
    return Status::success();
}

Status DeviceSession::decode(const ponder_cuda_forward_request& request) {
    if (request.cancelled != nullptr && request.cancelled(request.cancel_user) != 0) {
        return Status::error(StatusCode::cancelled, "cancelled before the decode step");
    }
    const GraphKind kind = request.sample != nullptr
                               ? (request.sample->temperature > 0.0f ? kTopP : kArgmax)
                               : (request.logits == PONDER_CUDA_LOGITS_NONE ? kNoLogits : kLogits);
    GraphKey key{kind, 0, 0, 0};
    if (kind == kTopP) {
        key = {kind, float_bits(request.sample->temperature), float_bits(request.sample->top_p),
               request.sample->seed};
    }
    auto found = graphs_.find(key);
    if (found == graphs_.end()) {
        if (graphs_.size() >= kMaxGraphs) graphs_.clear();
        auto graph = std::make_unique<Graph>();
        StepTarget target{model_, caches_, &state_->position, layout_.full_splits};
        const StreamHandle stream = model_.stream();
        PONDER_KERNELS_TRY(graph->capture_begin(stream));
        const Status recorded = [&]() -> Status {
            PONDER_KERNELS_TRY(enqueue_embedding(target, &state_->token, 1));
            for (int l = 0; l < static_cast<int>(caches_.size()); ++l)
                PONDER_KERNELS_TRY(enqueue_decode_layer(target, l));
            if (kind == kNoLogits) return Status::success();
            PONDER_KERNELS_TRY(enqueue_final_norm(target, 0, 1));
            PONDER_KERNELS_TRY(enqueue_unembedding(target, 0, 1));
            if (kind == kLogits) return Status::success();
            return enqueue_sample(target, *request.sample, &state_->token, &state_->draw_counter);
        }();
        if (!recorded.ok()) {
            cudaGraph_t partial = nullptr;
            cudaStreamEndCapture(stream, &partial);  // leave the stream usable
            if (partial != nullptr) cudaGraphDestroy(partial);
            cudaGetLastError();
            return recorded;
        }
        PONDER_KERNELS_TRY(graph->capture_end(stream));
        found = graphs_.emplace(key, std::move(graph)).first;
    }
    if (kind == kTopP) PONDER_KERNELS_TRY(reset_draws(request.sample->seed));
    PONDER_KERNELS_TRY(
        set_position_and_token(static_cast<std::int32_t>(length_), request.tokens[0]));
    PONDER_KERNELS_TRY(found->second->replay(model_.stream()));
    ring_.wrote_until(length_ + 1, ring_capacity_);
    const StreamHandle stream = model_.stream();
    if (wants_logits(request)) {
        PONDER_KERNELS_TRY(Status::from_cuda(
            cudaMemcpyAsync(request.logits_out, model_.scratch().logits,
                            static_cast<std::size_t>(model_.shape().vocab) * sizeof(float),
                            cudaMemcpyDeviceToHost, stream),
            "copy logits to the host"));
    }
    if (request.sample != nullptr) {
        PONDER_KERNELS_TRY(
            Status::from_cuda(cudaMemcpyAsync(model_.staging().result(), &state_->token,
                                              sizeof(std::int32_t), cudaMemcpyDeviceToHost, stream),
                              "copy the sampled token to the host"));
    }
    length_ += 1;
    return Status::success();
}

Status DeviceSession::pace_and_poll(const ponder_cuda_forward_request& request) {
    if (request.cancelled == nullptr) return Status::success();
    if (layers_enqueued_ >= 2) {
        PONDER_KERNELS_TRY(Status::from_cuda(
            cudaEventSynchronize(layer_done_[layers_enqueued_ % 2]), "cudaEventSynchronize"));
    }
    if (request.cancelled(request.cancel_user) != 0) {
        return Status::error(StatusCode::cancelled, "cancelled between layers");
    }
    return Status::success();
}

Status DeviceSession::layer_enqueued() {
    const Status status = Status::from_cuda(
        cudaEventRecord(layer_done_[layers_enqueued_ % 2], model_.stream()), "cudaEventRecord");
    ++layers_enqueued_;
    return status;
}

Status DeviceSession::prefill(const ponder_cuda_forward_request& request) {
    const ModelShape& shape = model_.shape();
    const ScratchView& sc = model_.scratch();
    const StreamHandle stream = model_.stream();
    const std::int64_t vocab = shape.vocab;
    const int layers = static_cast<int>(caches_.size());
    StepTarget target{model_, caches_, &state_->position, layout_.full_splits};
    layers_enqueued_ = 0;
    for (std::int64_t first = 0; first < request.num_tokens; first += model_.chunk()) {
        const int t =
            static_cast<int>(std::min<std::int64_t>(model_.chunk(), request.num_tokens - first));
        const bool final_chunk = first + t == request.num_tokens;

        // Position and token ids through one pinned slot: no stall of the queued chunk.
        void* slot = nullptr;
        PONDER_KERNELS_TRY(model_.staging().acquire(&slot));
        const std::int32_t position = static_cast<std::int32_t>(length_);
        std::memcpy(slot, &position, sizeof(position));
        std::memcpy(static_cast<char*>(slot) + kTokensOffset, request.tokens + first,
                    static_cast<std::size_t>(t) * sizeof(std::int32_t));
        PONDER_KERNELS_TRY(
            model_.staging().copy_to_device(&state_->position, sizeof(position), stream));
        PONDER_KERNELS_TRY(model_.staging().copy_to_device(
            sc.tokens, static_cast<std::size_t>(t) * sizeof(std::int32_t), stream, kTokensOffset));

        // The chunk's keys overwrite ring slots from here on, whatever happens next.
        ring_.wrote_until(length_ + t, ring_capacity_);
        PONDER_KERNELS_TRY(enqueue_embedding(target, sc.tokens, t));
        for (int l = 0; l < layers; ++l) {
            PONDER_KERNELS_TRY(pace_and_poll(request));
            PONDER_KERNELS_TRY(enqueue_prefill_layer(target, l, t));
            PONDER_KERNELS_TRY(layer_enqueued());
        }

        if (request.logits == PONDER_CUDA_LOGITS_ALL) {
            PONDER_KERNELS_TRY(enqueue_final_norm(target, 0, t));
            for (int r0 = 0; r0 < t; r0 += kLogitsRows) {
                const int rows = std::min(kLogitsRows, t - r0);
                PONDER_KERNELS_TRY(enqueue_unembedding(target, r0, rows));
                // Pageable destination: the copy completes before cudaMemcpyAsync returns, so
                // the next GEMM may reuse the logits rows.
                PONDER_KERNELS_TRY(Status::from_cuda(
                    cudaMemcpyAsync(request.logits_out + (first + r0) * vocab, sc.logits,
                                    static_cast<std::size_t>(rows * vocab) * sizeof(float),
                                    cudaMemcpyDeviceToHost, stream),
                    "copy logits to the host"));
            }
        } else if (request.logits == PONDER_CUDA_LOGITS_LAST && final_chunk) {
            PONDER_KERNELS_TRY(enqueue_final_norm(target, t - 1, 1));
            PONDER_KERNELS_TRY(enqueue_unembedding(target, t - 1, 1));
            if (request.logits_out != nullptr) {
                PONDER_KERNELS_TRY(Status::from_cuda(
                    cudaMemcpyAsync(request.logits_out, sc.logits,
                                    static_cast<std::size_t>(vocab) * sizeof(float),
                                    cudaMemcpyDeviceToHost, stream),
                    "copy logits to the host"));
            }
        }
        if (final_chunk && request.sample != nullptr) {
            if (request.sample->temperature > 0.0f) {
                PONDER_KERNELS_TRY(reset_draws(request.sample->seed));
            }
            PONDER_KERNELS_TRY(
                enqueue_sample(target, *request.sample, &state_->token, &state_->draw_counter));
            PONDER_KERNELS_TRY(Status::from_cuda(
                cudaMemcpyAsync(model_.staging().result(), &state_->token, sizeof(std::int32_t),
                                cudaMemcpyDeviceToHost, stream),
                "copy the sampled token to the host"));
        }
        length_ += t;
    }
    return Status::success();
}

std::int64_t DeviceSession::truncate(std::int64_t n) {
    n = std::clamp<std::int64_t>(n, 0, length_);
    if (n == length_) return length_;
    const std::int64_t kept =
        model_.shape().any_sliding() ? ring_.keep_after_truncate(n, model_.shape().window) : n;
    if (kept == 0) ring_ = RingState{};
    length_ = kept;
    return length_;
}

Status DeviceSession::fill_synthetic(std::int64_t num_tokens, std::uint64_t seed) {
    if (num_tokens < 0 || length_ + num_tokens > max_tokens_) {
        return Status::error(StatusCode::context_full,
                             "fill_synthetic: %lld positions after %lld exceed the capacity %lld",
                             static_cast<long long>(num_tokens), static_cast<long long>(length_),
                             static_cast<long long>(max_tokens_));
    }
    PONDER_KERNELS_TRY(Status::from_cuda(cudaSetDevice(model_.device()), "cudaSetDevice"));
    const StreamHandle stream = model_.stream();
    const std::int64_t kv_heads = model_.shape().kv_heads;
    std::uint64_t tensor = 0;
    auto fill = [&](bf16_bits* out, std::int64_t elements) {
        RandomFillArgs a;
        a.out = out;
        a.count = static_cast<std::size_t>(elements);
        a.seed = seed * 7919u + tensor++;
        return bf16_fill_random(a, stream);
    };
    for (const KvCacheView& cache : caches_) {
        const std::int64_t capacity = cache.capacity;
        if (cache.window > 0) {  // a ring: every slot may be read, fill all of it
            PONDER_KERNELS_TRY(fill(cache.k, kv_heads * capacity * 64));
            PONDER_KERNELS_TRY(fill(cache.v, kv_heads * capacity * 64));
            continue;
        }
        for (std::int64_t h = 0; h < kv_heads; ++h) {
            const std::int64_t offset = (h * capacity + length_) * 64;
            PONDER_KERNELS_TRY(fill(cache.k + offset, num_tokens * 64));
            PONDER_KERNELS_TRY(fill(cache.v + offset, num_tokens * 64));
        }
    }
    PONDER_KERNELS_TRY(Status::from_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize"));
    length_ += num_tokens;
    ring_.wrote_until(length_, ring_capacity_);
    return Status::success();
}

}  // namespace ponder::kernels::module
