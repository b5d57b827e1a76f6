#include "app/core/server/connection_probe.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>

namespace ponder::core::server {
namespace {

// "127.0.0.1", 5000 -> the sockaddr, to compare with getsockname/getpeername.
bool same_endpoint(const sockaddr_storage& address, const std::string& host, int port) {
    if (address.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        in_addr expected{};
        return inet_pton(AF_INET, host.c_str(), &expected) == 1 &&
               v4.sin_addr.s_addr == expected.s_addr && ntohs(v4.sin_port) == port;
    }
    if (address.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        in6_addr expected{};
        return inet_pton(AF_INET6, host.c_str(), &expected) == 1 &&
               std::memcmp(&v6.sin6_addr, &expected, sizeof(expected)) == 0 &&
               ntohs(v6.sin6_port) == port;
    }
    return false;
}

}  // namespace

ConnectionProbe::ConnectionProbe(const std::string& local_addr, int local_port,
                                 const std::string& remote_addr, int remote_port) {
    DIR* fds = opendir("/proc/self/fd");
    if (fds == nullptr) return;
    while (const dirent* entry = readdir(fds)) {
        char* end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == dirfd(fds)) continue;
        sockaddr_storage local{};
        sockaddr_storage peer{};
        socklen_t local_size = sizeof(local);
        socklen_t peer_size = sizeof(peer);
        if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &local_size) !=
                0 ||
            getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peer_size) !=
                0) {
            continue;
        }
        if (same_endpoint(local, local_addr, local_port) &&
            same_endpoint(peer, remote_addr, remote_port)) {
            fd_ = static_cast<int>(fd);
            break;
        }
    }
    closedir(fds);
}

bool ConnectionProbe::gone() const {
    if (fd_ < 0) return false;
    pollfd entry{fd_, POLLRDHUP, 0};
    if (poll(&entry, 1, 0) <= 0) return false;
    return (entry.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

}  // namespace ponder::core::server
