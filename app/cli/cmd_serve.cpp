// `ponder-cli serve --model DIR [--host 127.0.0.1|::1] [--port N] [--no-key] [--key-file FILE]
//  [--context N] [--queue N] [--queue-timeout SECONDS] [--log-prompts] [--layout ...]
//  [--threads N] [--backend ...]`
//
// Serves the model to programs on this computer through an OpenAI-compatible API
// (app/core/server): GET /v1/models, POST /v1/chat/completions. Listens on a loopback address
// only (anything else is refused), and asks for the key in the data folder's api-key file
// (made on first use, readable only by you) unless --no-key waives it. Requests run one at a
// time on one engine; up to --queue more wait (a fuller queue answers 429, a longer wait 503).
// Ctrl+C stops the server. Requests and measurements are logged to stderr.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/model_args.h"
#include "app/core/chat/model_identity.h"
#include "app/core/chat/token_source.h"
#include "app/core/server/api_key.h"
#include "app/core/server/api_server.h"
#include "app/core/server/loopback.h"
#include "engine/tokenizer/o200k_harmony.h"

namespace ponder::cli {

int run_serve(const Words& words) {
    // SIGINT/SIGTERM are taken by a thread of their own (sigwait), so that stopping the server
    // happens outside a signal handler. Blocked before any thread starts (the engine's workers
    // start while the model loads), as every thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    std::set<std::string> names(std::begin(model_option_names), std::end(model_option_names));
    names.insert({"host", "port", "key-file", "context", "queue", "queue-timeout"});
    auto args = Args::parse(words, names, {"no-key", "log-prompts"});
    if (!args) return fail("serve", args.status().message(), 2);
    if (!args->has("model")) return fail("serve", "missing required option --model", 2);
    const std::string host = args->get_or("host", "127.0.0.1");
    if (!core::server::loopback_bind_address(host)) {
        return fail("serve",
                    "--host " + host +
                        ": the local API listens only on this computer's loopback address "
                        "(127.0.0.1 or ::1), never on a network",
                    2);
    }
    auto port = args->get_int("port", 8080);
    auto context = args->get_int("context", 8192);
    auto queue = args->get_int("queue", 8);
    auto queue_timeout = args->get_double("queue-timeout", 60);
    for (const Status& status :
         {port.status(), context.status(), queue.status(), queue_timeout.status()}) {
        if (!status.ok()) return fail("serve", status.message(), 2);
    }

    core::server::ServerOptions options;
    options.host = host;
    options.port = static_cast<int>(*port);
    options.queue_capacity = static_cast<size_t>(*queue);
    options.queue_timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(*queue_timeout * 1000));
    options.log_prompts = args->has("log-prompts");
    if (!args->has("no-key")) {
        const std::filesystem::path key_path =
            args->get_or("key-file", core::server::default_api_key_path().string());
        auto key = core::server::load_or_create_api_key(key_path);
        if (!key) return fail("serve", key.status().message());
        options.api_key = *key;
        options.api_key_path = key_path.string();
    } else if (args->has("key-file")) {
        return fail("serve", "--no-key and --key-file exclude each other", 2);
    }
    auto log_mutex = std::make_shared<std::mutex>();
    options.log = [log_mutex](const std::string& line) {
        std::lock_guard lock(*log_mutex);
        std::fprintf(stderr, "ponder-cli serve: %s\n", line.c_str());
        std::fflush(stderr);
    };

    const std::string model_dir = *args->get("model");
    auto identity = core::read_model_identity(model_dir);
    if (!identity) return fail("serve", identity.status().message());
    auto tokenizer = load_model_tokenizer(model_dir);
    if (!tokenizer) return fail("serve", tokenizer.status().message());
    auto model = load_model(*args);
    if (!model) return fail("serve", model.status().message());
    auto source = core::EngineTokenSource::create(**model, *context);
    if (!source) return fail("serve", source.status().message());
    // The model's name for clients: its folder's name ("gpt-oss-20b"), as the app lists it.
    std::error_code error;
    const auto canonical = std::filesystem::weakly_canonical(model_dir, error);
    const std::string model_id =
        (error ? std::filesystem::path(model_dir) : canonical).filename().string();

    core::server::ChatCompletion completion(**source, *tokenizer, *identity);
    core::server::ApiServer server(completion, model_id, options);
    auto bound = server.bind();
    if (!bound) return fail("serve", bound.status().message());
    const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    options.log("serving " + model_id + " on http://" + shown_host + ":" + std::to_string(*bound) +
                "/v1 " +
                (options.api_key.empty() ? std::string("without a key (--no-key)")
                                         : "(API key in " + options.api_key_path + ")"));

    std::thread stopper([&] {
        int signal = 0;
        sigwait(&stop_signals, &signal);
        options.log("stopping");
        server.stop();
    });
    const Status served = server.serve();
    // The stopper may still wait (serve() ended on its own): wake it.
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    if (!served.ok()) return fail("serve", served.message());
    return 0;
}

}  // namespace ponder::cli
