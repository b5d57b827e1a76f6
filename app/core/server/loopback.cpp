#include "app/core/server/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace ponder::core::server {

std::optional<std::string> loopback_bind_address(const std::string& host) {
    if (host == "localhost") return std::string("127.0.0.1");
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
        if ((ntohl(v4.s_addr) >> 24) == 127) return host;
        return std::nullopt;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6)) return host;
    return std::nullopt;
}

}  // namespace ponder::core::server
