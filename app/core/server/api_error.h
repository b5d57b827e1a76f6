// An error as the OpenAI API reports it: an HTTP status and
//   {"error": {"message": ..., "type": ..., "param": ..., "code": ...}}
// so that clients written for OpenAI (the `openai` packages, editors) show the message as is.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ponder::core::server {

struct ApiError {
    int http_status = 400;
    std::string message;
    std::string type = "invalid_request_error";
    std::optional<std::string> param;  // the request field at fault, e.g. "messages[2].role"
    std::optional<std::string> code;   // e.g. "model_not_found", "invalid_api_key"

    nlohmann::json to_json() const;

    // 400: a field is missing, of the wrong type or out of range; the message names it.
    static ApiError bad_field(const std::string& param, const std::string& message);
};

}  // namespace ponder::core::server
