// The local API listens on the loopback interface only: nothing on the network can reach it.
#pragma once

#include <optional>
#include <string>

namespace ponder::core::server {

// The numeric address to bind for `host`: any 127.x.y.z address and ::1 as given, "localhost"
// as 127.0.0.1 (no name lookup). Anything else (0.0.0.0, ::, a LAN address, another name) is
// refused: nullopt.
std::optional<std::string> loopback_bind_address(const std::string& host);

}  // namespace ponder::core::server
