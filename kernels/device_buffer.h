// Owning wrappers for the CUDA objects the backend and the gpu tests hold: device memory, a
// stream, a captured graph. Each is move-only, frees its resource in the destructor, and reports
// failure through Status (never aborts). Not thread-safe: one owner uses an object at a time.
#pragma once

#include <cstddef>

#include "kernels/kernel_status.h"
#include "kernels/launchers.h"

struct CUgraphExec_st;

namespace ponder::kernels {

// Ok when the CUDA runtime sees at least one device; otherwise the reason (no driver, no GPU).
Status require_device();

// Waits for all work on the current device; reports the first asynchronous error (a kernel that
// faulted). For tests and set-up; the decode loop never calls it.
Status device_synchronize();

// Synchronous copy from any device pointer (e.g. into a carved workspace) to the host.
Status copy_to_host(void* host, const void* device, std::size_t bytes);

class DeviceBuffer {
  public:
    DeviceBuffer() = default;
    ~DeviceBuffer();
    DeviceBuffer(DeviceBuffer&& other) noexcept;
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    // Frees the current allocation, then allocates `bytes` (256-byte aligned, uninitialised).
    Status allocate(std::size_t bytes);
    void reset();

    void* data() const { return data_; }
    template <typename T>
    T* as() const {
        return static_cast<T*>(data_);
    }
    std::size_t size() const { return size_; }

    // Synchronous copies (they wait for the device): for set-up and tests, not the decode loop.
    Status upload(const void* host, std::size_t bytes, std::size_t offset = 0);
    Status download(void* host, std::size_t bytes, std::size_t offset = 0) const;
    Status fill_bytes(int byte_value);  // memset of the whole buffer

  private:
    void* data_ = nullptr;
    std::size_t size_ = 0;
};

class Stream {
  public:
    Stream() = default;
    ~Stream();
    Stream(Stream&& other) noexcept;
    Stream& operator=(Stream&& other) noexcept;
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    Status create();  // a non-blocking stream (does not sync with the legacy default stream)
    Status synchronize() const;
    StreamHandle handle() const { return stream_; }

  private:
    StreamHandle stream_ = nullptr;
};

// A decode step recorded once and replayed: capture_begin, launch the step's kernels on the
// stream, capture_end (instantiates), then replay() per token.
class Graph {
  public:
    Graph() = default;
    ~Graph();
    Graph(Graph&& other) noexcept;
    Graph& operator=(Graph&& other) noexcept;
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;

    Status capture_begin(StreamHandle stream);
    Status capture_end(StreamHandle stream);
    Status replay(StreamHandle stream) const;

  private:
    CUgraphExec_st* exec_ = nullptr;
};

}  // namespace ponder::kernels
