#include "app/core/server/api_error.h"

namespace ponder::core::server {

nlohmann::json ApiError::to_json() const {
    nlohmann::json error = {
        {"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}};
    if (param) error["param"] = *param;
    if (code) error["code"] = *code;
    return {{"error", std::move(error)}};
}

ApiError ApiError::bad_field(const std::string& param, const std::string& message) {
    ApiError error;
    error.http_status = 400;
    error.message = message;
    error.param = param;
    return error;
}

}  // namespace ponder::core::server
