#include "engine/status.h"

namespace ponder {

const char* status_code_name(StatusCode code) {
    switch (code) {
        case StatusCode::ok:
            return "ok";
        case StatusCode::invalid_argument:
            return "invalid argument";
        case StatusCode::io_error:
            return "I/O error";
        case StatusCode::bad_model:
            return "bad model";
        case StatusCode::unsupported:
            return "unsupported";
        case StatusCode::out_of_memory:
            return "out of memory";
        case StatusCode::cancelled:
            return "cancelled";
        case StatusCode::context_full:
            return "context full";
        case StatusCode::internal:
            return "internal error";
    }
    return "unknown";
}

std::string Status::to_string() const {
    if (ok()) return "ok";
    return std::string(status_code_name(code_)) + ": " + message_;
}

}  // namespace ponder
