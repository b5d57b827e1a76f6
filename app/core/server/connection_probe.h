// Tells whether the client of a streaming response is still there. cpp-httplib 0.11 notices a
// client that left only when a write fails (and the first write after the client closed still
// succeeds), and its handlers never see the socket. The probe finds the connection's socket by
// its two addresses and polls it for a hang-up, so a generation whose client is gone is
// cancelled within one poll interval, even while no token is being written (prefill).
#pragma once

#include <string>

namespace ponder::core::server {

class ConnectionProbe {
  public:
    // The connection from remote_addr:remote_port to local_addr:local_port (as cpp-httplib's
    // Request reports them). When no socket matches, gone() is always false and writes remain
    // the only signal.
    ConnectionProbe(const std::string& local_addr, int local_port, const std::string& remote_addr,
                    int remote_port);

    bool found() const { return fd_ >= 0; }
    // True when the peer closed or reset the connection. Does not block or consume data.
    bool gone() const;

  private:
    int fd_ = -1;
};

}  // namespace ponder::core::server
