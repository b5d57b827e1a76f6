// The local OpenAI-compatible API over HTTP (cpp-httplib): GET /v1/models and
// POST /v1/chat/completions (JSON or server-sent events), on a loopback address only, with a
// bearer key. Requests queue in a GenerationQueue and run one at a time on the one
// ChatCompletion; a streaming client that disconnects cancels its generation.
//
// Thread-safety: start() once, then stop() from any thread; serve() blocks in its caller.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "app/core/server/chat_completion.h"
#include "engine/status.h"

namespace ponder::core::server {

struct ServerOptions {
    std::string host = "127.0.0.1";  // must be a loopback address (loopback.h)
    int port = 8080;                 // 0: any free port (bind() returns it)
    std::string api_key;             // required as a bearer token; empty: none required
    std::string api_key_path;        // named in the 401 message
    size_t queue_capacity = 8;       // requests that may wait while one runs
    std::chrono::milliseconds queue_timeout{60000};  // waited longer: 503
    size_t max_body_bytes = 4 << 20;                 // larger requests: 413
    bool log_prompts = false;                        // write each rendered prompt to the log
    std::function<void(const std::string&)> log;     // one line per event; none: quiet
};

class ApiServer {
  public:
    // `completion` must outlive the server; `model_id` is what /v1/models lists and what a
    // request's "model" must say.
    ApiServer(ChatCompletion& completion, std::string model_id, ServerOptions options);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    // Binds the listening socket. Fails on a non-loopback host or a port in use. Returns the
    // port (the chosen one when options.port is 0).
    Result<int> bind();
    // Answers requests until stop(). Call after bind().
    Status serve();
    // Stops listening, cancels the running generation and refuses the waiting ones.
    void stop();

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ponder::core::server
