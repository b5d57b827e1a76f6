#include "kernels/device_buffer.h"

#include <cuda_runtime.h>

#include <utility>

namespace ponder::kernels {

Status require_device() {
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) return Status::from_cuda(err, "no usable CUDA device");
    if (count == 0) return Status::error(StatusCode::unsupported, "no CUDA device found");
    return Status::success();
}

Status device_synchronize() {
    return Status::from_cuda(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

Status copy_to_host(void* host, const void* device, std::size_t bytes) {
    return Status::from_cuda(cudaMemcpy(host, device, bytes, cudaMemcpyDeviceToHost),
                             "cudaMemcpy to host");
}

DeviceBuffer::~DeviceBuffer() {
    reset();
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
    if (this != &other) {
        reset();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

Status DeviceBuffer::allocate(std::size_t bytes) {
    reset();
    if (bytes == 0) return Status::success();
    void* pointer = nullptr;
    const cudaError_t err = cudaMalloc(&pointer, bytes);
    if (err != cudaSuccess) {
        cudaGetLastError();  // cudaMalloc failures are not sticky; clear them for the next check
        return Status::from_cuda(err, "cudaMalloc");
    }
    data_ = pointer;
    size_ = bytes;
    return Status::success();
}

void DeviceBuffer::reset() {
    if (data_ != nullptr) cudaFree(data_);
    data_ = nullptr;
    size_ = 0;
}

Status DeviceBuffer::upload(const void* host, std::size_t bytes, std::size_t offset) {
    if (offset > size_ || bytes > size_ - offset) {
        return Status::error(StatusCode::invalid_argument,
                             "upload of %zu bytes at offset %zu into a %zu-byte buffer", bytes,
                             offset, size_);
    }
    return Status::from_cuda(
        cudaMemcpy(static_cast<char*>(data_) + offset, host, bytes, cudaMemcpyHostToDevice),
        "cudaMemcpy to device");
}

Status DeviceBuffer::download(void* host, std::size_t bytes, std::size_t offset) const {
    if (offset > size_ || bytes > size_ - offset) {
        return Status::error(StatusCode::invalid_argument,
                             "download of %zu bytes at offset %zu from a %zu-byte buffer", bytes,
                             offset, size_);
    }
    return Status::from_cuda(
        cudaMemcpy(host, static_cast<const char*>(data_) + offset, bytes, cudaMemcpyDeviceToHost),
        "cudaMemcpy to host");
}

Status DeviceBuffer::fill_bytes(int byte_value) {
    if (data_ == nullptr) return Status::success();
    return Status::from_cuda(cudaMemset(data_, byte_value, size_), "cudaMemset");
}

Stream::~Stream() {
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
}

Stream::Stream(Stream&& other) noexcept : stream_(std::exchange(other.stream_, nullptr)) {}

Stream& Stream::operator=(Stream&& other) noexcept {
    if (this != &other) {
        if (stream_ != nullptr) cudaStreamDestroy(stream_);
        stream_ = std::exchange(other.stream_, nullptr);
    }
    return *this;
}

Status Stream::create() {
    if (stream_ != nullptr) return Status::success();
    cudaStream_t stream = nullptr;
    PONDER_KERNELS_TRY(Status::from_cuda(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking),
                                         "cudaStreamCreate"));
    stream_ = stream;
    return Status::success();
}

Status Stream::synchronize() const {
    return Status::from_cuda(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
}

Graph::~Graph() {
    if (exec_ != nullptr) cudaGraphExecDestroy(exec_);
}

Graph::Graph(Graph&& other) noexcept : exec_(std::exchange(other.exec_, nullptr)) {}

Graph& Graph::operator=(Graph&& other) noexcept {
    if (this != &other) {
        if (exec_ != nullptr) cudaGraphExecDestroy(exec_);
        exec_ = std::exchange(other.exec_, nullptr);
    }
    return *this;
}

Status Graph::capture_begin(StreamHandle stream) {
    if (stream == nullptr) {
        return Status::error(StatusCode::invalid_argument,
                             "graph capture needs a created stream, not the default stream");
    }
    return Status::from_cuda(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal),
                             "cudaStreamBeginCapture");
}

Status Graph::capture_end(StreamHandle stream) {
    cudaGraph_t graph = nullptr;
    PONDER_KERNELS_TRY(
        Status::from_cuda(cudaStreamEndCapture(stream, &graph), "cudaStreamEndCapture"));
    cudaGraphExec_t exec = nullptr;
    const cudaError_t err = cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphDestroy(graph);
    PONDER_KERNELS_TRY(Status::from_cuda(err, "cudaGraphInstantiate"));
    if (exec_ != nullptr) cudaGraphExecDestroy(exec_);
    exec_ = exec;
    return Status::success();
}

Status Graph::replay(StreamHandle stream) const {
    if (exec_ == nullptr) {
        return Status::error(StatusCode::invalid_argument, "replay of a graph never captured");
    }
    return Status::from_cuda(cudaGraphLaunch(exec_, stream), "cudaGraphLaunch");
}

}  // namespace ponder::kernels
