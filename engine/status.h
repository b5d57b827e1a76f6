// Status and Result: how every public engine call reports failure (docs/architecture.md §2).
// No exception crosses the engine API; a desktop app never aborts on a recoverable error.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ponder {

enum class StatusCode {
    ok,
    invalid_argument,  // the caller passed something malformed
    io_error,          // a file could not be opened, read or written
    bad_model,         // a model file or folder is malformed, truncated or inconsistent
    unsupported,       // valid input that this build cannot handle (e.g. no CUDA)
    out_of_memory,     // host or device memory ran out
    cancelled,         // the caller asked to stop
    context_full,      // the context window has no room for more tokens
    internal,          // a bug: an invariant did not hold
};

const char* status_code_name(StatusCode code);

// A status code plus a human-readable message that says what was expected and what was found.
class [[nodiscard]] Status {
  public:
    Status() = default;
    Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

    static Status success() { return {}; }

    bool ok() const { return code_ == StatusCode::ok; }
    StatusCode code() const { return code_; }
    const std::string& message() const { return message_; }

    // "bad_model: tensor ... has shape [2, 3], expected [3, 2]"
    std::string to_string() const;

  private:
    StatusCode code_ = StatusCode::ok;
    std::string message_;
};

// Either a value or a non-ok Status. Modelled on std::expected (C++23) with C++20 tools.
template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::move(value)) {}
    Result(Status status) : state_(std::move(status)) { assert(!std::get<Status>(state_).ok()); }

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(state_); }
    const T& value() const& { return std::get<T>(state_); }
    T&& value() && { return std::get<T>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }

    // The failure; Status::success() when a value is held.
    Status status() const { return ok() ? Status::success() : std::get<Status>(state_); }

  private:
    std::variant<T, Status> state_;
};

}  // namespace ponder
