#include "app/core/server/api_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "app/core/server/api_key.h"
#include "app/core/server/connection_probe.h"
#include "app/core/server/generation_queue.h"
#include "app/core/server/loopback.h"

namespace ponder::core::server {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// How often a waiting handler looks for news from the worker and for a client that left: the
// bound on how late a disconnect is noticed while no token is written.
constexpr std::chrono::milliseconds kPollInterval{10};
// Threads that answer connections beyond those a full queue holds (refusals, /v1/models).
constexpr size_t kSpareThreads = 8;

std::string random_hex(size_t digits) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    static const char* hex = "0123456789abcdef";
    std::string text;
    for (size_t i = 0; i < digits; ++i)
        text += hex[random() % 16];
    return text;
}

std::int64_t unix_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The wall-clock time (Unix milliseconds) of a steady-clock instant, for logs that a client on
// the same machine can compare with its own clock.
std::int64_t unix_ms(Clock::time_point at) {
    const auto now_unix = std::chrono::system_clock::now();
    const auto offset = Clock::now() - at;
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               (now_unix - offset).time_since_epoch())
        .count();
}

double ms_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

void send_error(httplib::Response& res, const ApiError& error) {
    res.status = error.http_status;
    res.set_content(error.to_json().dump(), "application/json");
}

ApiError server_error(const std::string& message, int status = 500) {
    ApiError error;
    error.http_status = status;
    error.type = status == 503 ? "server_busy" : "server_error";
    error.message = message;
    return error;
}

json usage_json(const CompletionUsage& usage) {
    return {{"prompt_tokens", usage.prompt_tokens},
            {"completion_tokens", usage.completion_tokens},
            {"total_tokens", usage.prompt_tokens + usage.completion_tokens},
            {"prompt_tokens_details", {{"cached_tokens", usage.cached_tokens}}},
            {"completion_tokens_details", {{"reasoning_tokens", usage.reasoning_tokens}}}};
}

// A delta of the stream as OpenAI's chunk delta. Reasoning goes out under both names the local
// servers use for gpt-oss: `reasoning_content` (llama.cpp's server, vLLM) and `reasoning`
// (Ollama, LM Studio, OpenRouter), so clients written for either show it.
json delta_json(const CompletionDelta& delta) {
    switch (delta.kind) {
        case CompletionDelta::Kind::reasoning:
            return {{"reasoning_content", delta.text}, {"reasoning", delta.text}};
        case CompletionDelta::Kind::content:
            return {{"content", delta.text}};
        case CompletionDelta::Kind::tool_call: {
            json call = {{"index", delta.tool_index}, {"function", {{"arguments", delta.text}}}};
            if (!delta.tool_call_id.empty()) {
                call["id"] = delta.tool_call_id;
                call["type"] = "function";
                call["function"]["name"] = delta.tool_name;
            }
            return {{"tool_calls", json::array({call})}};
        }
    }
    return json::object();
}

// The whole answer, gathered from the deltas, for a request without "stream".
struct Answer {
    std::string content;
    std::string reasoning;
    json tool_calls = json::array();

    void add(const CompletionDelta& delta) {
        switch (delta.kind) {
            case CompletionDelta::Kind::reasoning:
                reasoning += delta.text;
                break;
            case CompletionDelta::Kind::content:
                content += delta.text;
                break;
            case CompletionDelta::Kind::tool_call:
                if (!delta.tool_call_id.empty()) {
                    tool_calls.push_back(
                        {{"id", delta.tool_call_id},
                         {"type", "function"},
                         {"function", {{"name", delta.tool_name}, {"arguments", ""}}}});
                }
                if (!tool_calls.empty()) {
                    auto& arguments = tool_calls.back()["function"]["arguments"];
                    arguments = arguments.get<std::string>() + delta.text;
                }
                break;
        }
    }

    json message() const {
        json message = {
            {"role", "assistant"},
            {"content", content.empty() && !tool_calls.empty() ? json(nullptr) : json(content)}};
        if (!reasoning.empty()) {
            message["reasoning_content"] = reasoning;
            message["reasoning"] = reasoning;
        }
        if (!tool_calls.empty()) message["tool_calls"] = tool_calls;
        return message;
    }
};

// cpp-httplib 0.11 as Debian builds it listens with a backlog of 5: a burst of clients (an
// editor opening several requests, a script's thread pool) would see SYNs dropped and retried
// after 1, 3, 7... seconds. Listening again on the bound socket raises the backlog (Linux allows
// it); the library's own socket is reachable from a subclass.
class HttpServer final : public httplib::Server {
  public:
    bool raise_backlog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }
};
constexpr int kListenBacklog = 512;

bool is_loopback_host_header(const std::string& host) {
    // DNS rebinding: a web page whose name resolves to 127.0.0.1 still sends its own Host.
    std::string name = host;
    if (!name.empty() && name.front() == '[') {
        name = name.substr(1, name.find(']') - 1);
    } else if (const size_t colon = name.rfind(':');
               colon != std::string::npos && name.find(':') == colon) {
        name = name.substr(0, colon);
    }
    return loopback_bind_address(name).has_value();
}

}  // namespace

class ApiServer::Impl {
  public:
    Impl(ChatCompletion& completion, std::string model_id, ServerOptions options)
        : completion_(completion),
          model_id_(std::move(model_id)),
          options_(std::move(options)),
          created_(unix_seconds()),
          queue_(options_.queue_capacity, [this](Job& job) { return run(job); }) {
        const size_t threads = options_.queue_capacity + 1 + kSpareThreads;
        http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
        // Bodies up to this size are read and then refused in OpenAI's shape; larger ones are
        // cut off by the library with a bare 413.
        http_.set_payload_max_length(std::max<size_t>(options_.max_body_bytes * 4, 16 << 20));
        http_.set_keep_alive_timeout(2);
        http_.set_read_timeout(10, 0);
        http_.set_write_timeout(10, 0);
        http_.set_tcp_nodelay(true);
        install_routes();
    }

    Result<int> bind() {
        const auto address = loopback_bind_address(options_.host);
        if (!address) {
            return Status(StatusCode::invalid_argument,
                          "refusing to listen on " + options_.host +
                              ": the local API listens only on this computer's loopback "
                              "address (127.0.0.1 or ::1)");
        }
        int port = options_.port;
        if (port == 0) {
            port = http_.bind_to_any_port(*address);
            if (port < 0) port = 0;
        } else if (!http_.bind_to_port(*address, port)) {
            port = 0;
        }
        if (port == 0) {
            return Status(StatusCode::io_error, "cannot listen on " + *address + " port " +
                                                    std::to_string(options_.port) +
                                                    " (is the port in use?)");
        }
        return port;
    }

    Status serve() {
        if (!http_.listen_after_bind() && !stopping_.load()) {
            return Status(StatusCode::io_error, "the server stopped listening unexpectedly");
        }
        return Status::success();
    }

    void stop() {
        stopping_.store(true);
        queue_.stop();
        http_.stop();
    }

  private:
    void log(const std::string& line) const {
        if (options_.log) options_.log(line);
    }

    void install_routes() {
        http_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            if (!is_loopback_host_header(req.get_header_value("Host"))) {
                ApiError error;
                error.http_status = 403;
                error.message =
                    "the Host header must name this computer (localhost, 127.0.0.1 "
                    "or [::1])";
                send_error(res, error);
                return httplib::Server::HandlerResponse::Handled;
            }
            if (!options_.api_key.empty()) {
                const std::string auth = req.get_header_value("Authorization");
                const std::string prefix = "Bearer ";
                if (auth.rfind(prefix, 0) != 0 ||
                    !same_key(std::string_view(auth).substr(prefix.size()), options_.api_key)) {
                    ApiError error;
                    error.http_status = 401;
                    error.message =
                        "a valid API key is required: send \"Authorization: Bearer "
                        "KEY\" with the key from " +
                        (options_.api_key_path.empty() ? std::string("the server")
                                                       : options_.api_key_path);
                    error.code = "invalid_api_key";
                    send_error(res, error);
                    return httplib::Server::HandlerResponse::Handled;
                }
            }
            return httplib::Server::HandlerResponse::Unhandled;
        });
        http_.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) return;
            ApiError error;
            error.http_status = res.status;
            if (res.status == 404) {
                error.message = "no such endpoint: " + req.method + " " + req.path +
                                " (the API has GET /v1/models and POST /v1/chat/completions)";
                error.code = "unknown_url";
            } else if (res.status == 413) {
                error.message = "the request body is too large";
                error.code = "request_too_large";
            } else {
                error.message =
                    "the request could not be handled (HTTP " + std::to_string(res.status) + ")";
            }
            send_error(res, error);
        });
        http_.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
            res.set_content(
                json({{"object", "list"}, {"data", json::array({model_json()})}}).dump(),
                "application/json");
        });
        http_.Get(R"(/v1/models/(.+))",
                  [this](const httplib::Request& req, httplib::Response& res) {
                      if (req.matches[1] != model_id_)
                          return send_error(res, unknown_model(req.matches[1]));
                      res.set_content(model_json().dump(), "application/json");
                  });
        http_.Post("/v1/chat/completions",
                   [this](const httplib::Request& req, httplib::Response& res) {
                       chat_completions(req, res);
                   });
    }

    json model_json() const {
        return {
            {"id", model_id_}, {"object", "model"}, {"created", created_}, {"owned_by", "ponder"}};
    }

    ApiError unknown_model(const std::string& name) const {
        ApiError error;
        error.http_status = 404;
        error.message =
            "the model '" + name + "' is not served here; this server serves '" + model_id_ + "'";
        error.param = "model";
        error.code = "model_not_found";
        return error;
    }

    void chat_completions(const httplib::Request& req, httplib::Response& res) {
        if (req.body.size() > options_.max_body_bytes) {
            ApiError error;
            error.http_status = 413;
            error.message = "the request body has " + std::to_string(req.body.size()) +
                            " bytes; the most this server reads is " +
                            std::to_string(options_.max_body_bytes);
            error.code = "request_too_large";
            return send_error(res, error);
        }
        // A JSON content type forces browsers to ask first (CORS), which this server never
        // allows: web pages cannot make it generate.
        if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
            ApiError error;
            error.http_status = 415;
            error.message = "the request body must be sent as Content-Type: application/json";
            return send_error(res, error);
        }
        auto parsed = parse_chat_request(req.body);
        if (auto* error = std::get_if<ApiError>(&parsed)) return send_error(res, *error);
        auto& request = std::get<ChatCompletionRequest>(parsed);
        if (request.model != model_id_) return send_error(res, unknown_model(request.model));
        auto prompt = completion_.render(request);
        if (auto* error = std::get_if<ApiError>(&prompt)) return send_error(res, *error);

        auto job = std::make_shared<Job>("chatcmpl-" + random_hex(24), std::move(request),
                                         std::get<std::vector<TokenId>>(std::move(prompt)));
        if (options_.log_prompts) {
            log(job->id() + " prompt:\n" + completion_.render_text(job->request()));
        }
        if (!queue_.submit(job)) {
            ApiError error;
            error.http_status = 429;
            error.type = "server_busy";
            error.message = std::to_string(queue_.capacity()) +
                            " requests are waiting already; try again shortly";
            error.code = "queue_full";
            res.set_header("Retry-After", "1");
            return send_error(res, error);
        }
        auto probe = std::make_shared<ConnectionProbe>(req.local_addr, req.local_port,
                                                       req.remote_addr, req.remote_port);
        // Wait for the worker before answering, so that a request that waited too long still
        // gets a proper 503 (a stream's status line goes out with its first byte).
        std::vector<CompletionDelta> early;
        std::optional<Result<CompletionResult>> finished;
        while (true) {
            Job::Update update = job->wait(kPollInterval);
            for (auto& delta : update.deltas)
                early.push_back(std::move(delta));
            if (update.finished) finished = std::move(update.finished);
            if (update.started || finished) break;
            if (probe->gone() && queue_.withdraw(job)) {
                log(job->id() + ": the client left while waiting in the queue");
                return;
            }
            if (Clock::now() - job->submitted() > options_.queue_timeout && queue_.withdraw(job)) {
                res.set_header("Retry-After", "5");
                return send_error(res,
                                  server_error("the request waited " +
                                                   std::to_string(options_.queue_timeout.count()) +
                                                   " ms in the queue without starting",
                                               503));
            }
        }
        if (job->request().stream) {
            stream(job, probe, std::move(early), std::move(finished), res);
        } else {
            respond(job, probe, std::move(early), std::move(finished), res);
        }
    }

    void respond(const std::shared_ptr<Job>& job, const std::shared_ptr<ConnectionProbe>& probe,
                 std::vector<CompletionDelta> early,
                 std::optional<Result<CompletionResult>> finished, httplib::Response& res) {
        Answer answer;
        for (const auto& delta : early)
            answer.add(delta);
        while (!finished) {
            Job::Update update = job->wait(kPollInterval);
            for (const auto& delta : update.deltas)
                answer.add(delta);
            if (update.finished) finished = std::move(update.finished);
            if (!finished && probe->gone() && !job->cancel_flag()->load()) {
                job->cancel();
                log(job->id() + ": the client disconnected; cancelling");
            }
        }
        if (!finished->ok()) {
            return send_error(
                res, server_error("generation failed: " + finished->status().message(),
                                  finished->status().code() == StatusCode::cancelled ? 503 : 500));
        }
        const CompletionResult& result = **finished;
        json body = {{"id", job->id()},
                     {"object", "chat.completion"},
                     {"created", unix_seconds()},
                     {"model", model_id_},
                     {"choices", json::array({{{"index", 0},
                                               {"message", answer.message()},
                                               {"logprobs", nullptr},
                                               {"finish_reason", result.finish_reason}}})},
                     {"usage", usage_json(result.usage)}};
        res.set_content(body.dump(), "application/json");
    }

    json chunk(const std::shared_ptr<Job>& job, const json& delta,
               const json& finish_reason) const {
        return {{"id", job->id()},
                {"object", "chat.completion.chunk"},
                {"created", unix_seconds()},
                {"model", model_id_},
                {"choices", json::array({{{"index", 0},
                                          {"delta", delta},
                                          {"logprobs", nullptr},
                                          {"finish_reason", finish_reason}}})}};
    }

    static std::string event(const json& data) { return "data: " + data.dump() + "\n\n"; }

    void stream(const std::shared_ptr<Job>& job, const std::shared_ptr<ConnectionProbe>& probe,
                std::vector<CompletionDelta> early,
                std::optional<Result<CompletionResult>> finished, httplib::Response& res) {
        res.set_header("Cache-Control", "no-cache");
        struct State {
            std::vector<CompletionDelta> pending;
            std::optional<Result<CompletionResult>> finished;
            bool opened = false;
        };
        auto state = std::make_shared<State>();
        state->pending = std::move(early);
        state->finished = std::move(finished);
        res.set_chunked_content_provider(
            "text/event-stream",
            [this, job, probe, state](size_t, httplib::DataSink& sink) {
                std::string out;
                if (!state->opened) {
                    state->opened = true;
                    out += event(chunk(job, {{"role", "assistant"}, {"content", ""}}, nullptr));
                }
                if (!state->finished && state->pending.empty()) {
                    Job::Update update = job->wait(kPollInterval);
                    state->pending = std::move(update.deltas);
                    if (update.finished) state->finished = std::move(update.finished);
                }
                for (const auto& delta : state->pending)
                    out += event(chunk(job, delta_json(delta), nullptr));
                state->pending.clear();
                if (state->finished) {
                    if (state->finished->ok()) {
                        const CompletionResult& result = **state->finished;
                        out += event(chunk(job, json::object(), result.finish_reason));
                        if (job->request().include_usage_in_stream) {
                            json last = chunk(job, json::object(), nullptr);
                            last["choices"] = json::array();
                            last["usage"] = usage_json(result.usage);
                            out += event(last);
                        }
                    } else {
                        // Headers are gone: the error travels as an event, as OpenAI does.
                        out += event(server_error("generation failed: " +
                                                  state->finished->status().message())
                                         .to_json());
                    }
                    out += "data: [DONE]\n\n";
                }
                if (!out.empty() && !sink.write(out.data(), out.size())) {
                    cancel(job, "a write to the client failed");
                    return false;
                }
                if (state->finished) {
                    sink.done();
                    return true;
                }
                if (probe->gone()) {
                    cancel(job, "the client disconnected");
                    return false;
                }
                return true;
            },
            [this, job](bool success) {
                if (!success) cancel(job, "the response ended early");
            });
    }

    void cancel(const std::shared_ptr<Job>& job, const std::string& why) {
        if (job->cancel_flag()->load()) return;
        job->cancel();
        log(job->id() + ": " + why + "; cancelling its generation");
    }

    // On the worker thread.
    Result<CompletionResult> run(Job& job) {
        const auto started = Clock::now();
        auto result = completion_.run(
            job.request(), job.prompt(), [&](const CompletionDelta& delta) { job.push(delta); },
            job.cancel_flag());
        const auto ended = Clock::now();
        char line[512];
        if (!result) {
            log(job.id() + ": generation failed: " + result.status().message());
        } else if (auto noticed = job.cancelled_at()) {
            std::snprintf(line, sizeof(line),
                          "%s: cancelled after %lld tokens; generation stopped %.1f ms after the "
                          "disconnect was noticed (noticed_unix_ms=%lld stopped_unix_ms=%lld)",
                          job.id().c_str(), static_cast<long long>(result->usage.completion_tokens),
                          ms_between(*noticed, ended), static_cast<long long>(unix_ms(*noticed)),
                          static_cast<long long>(unix_ms(ended)));
            log(line);
        } else {
            const auto& u = result->usage;
            const double rate =
                result->decode_seconds > 0 && u.completion_tokens > 1
                    ? static_cast<double>(u.completion_tokens - 1) / result->decode_seconds
                    : 0.0;
            std::snprintf(line, sizeof(line),
                          "%s: %lld prompt tokens (%lld cached), %lld completion (%lld "
                          "reasoning), first token %.1f ms, %.1f tok/s, queued %.1f ms, "
                          "finish %s",
                          job.id().c_str(), static_cast<long long>(u.prompt_tokens),
                          static_cast<long long>(u.cached_tokens),
                          static_cast<long long>(u.completion_tokens),
                          static_cast<long long>(u.reasoning_tokens), result->first_token_ms, rate,
                          ms_between(job.submitted(), started), result->finish_reason.c_str());
            log(line);
        }
        return result;
    }

    ChatCompletion& completion_;
    const std::string model_id_;
    const ServerOptions options_;
    const std::int64_t created_;
    std::atomic<bool> stopping_{false};
    HttpServer http_;
    GenerationQueue queue_;  // last: its worker stops before the rest goes
};

ApiServer::ApiServer(ChatCompletion& completion, std::string model_id, ServerOptions options)
    : impl_(std::make_unique<Impl>(completion, std::move(model_id), std::move(options))) {}

ApiServer::~ApiServer() = default;

Result<int> ApiServer::bind() {
    return impl_->bind();
}

Status ApiServer::serve() {
    return impl_->serve();
}

void ApiServer::stop() {
    impl_->stop();
}

}  // namespace ponder::core::server
