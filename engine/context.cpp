#include "engine/context.h"

#include <algorithm>
#include <new>
#include <string>

#include "engine/model.h"

namespace ponder {

Result<std::unique_ptr<Context>> Context::create(const Model& model,
                                                 const ContextOptions& options) {
    if (options.max_tokens < 0 || options.max_batch < 0 || options.sliding_retain < 0) {
        return Status(StatusCode::invalid_argument, "context options must not be negative");
    }
    SessionOptions session_options;
    session_options.max_tokens = options.max_tokens;
    session_options.sliding_retain = options.sliding_retain;
    session_options.max_batch = options.max_batch > 0 ? options.max_batch : 128;
    auto session = model.backend().new_session(session_options);
    if (!session) return session.status();
    // The session may hold fewer positions than asked (a GPU session defaults to the context
    // the model was loaded for): the context's limit is the smaller one.
    const std::int64_t asked =
        options.max_tokens > 0
            ? std::min(options.max_tokens, model.config().max_position_embeddings)
            : model.config().max_position_embeddings;
    const std::int64_t limit = std::min(asked, (*session)->max_length());
    return std::unique_ptr<Context>(new Context(model, std::move(*session), limit));
}

Context::Context(const Model& model, std::unique_ptr<Session> session, std::int64_t max_tokens)
    : model_(model), session_(std::move(session)), max_tokens_(max_tokens) {}

Context::~Context() = default;

std::int64_t Context::evaluated() const {
    return session_->length();
}

Status Context::append(std::span<const std::int32_t> tokens, const AppendOptions& options) {
    const std::int64_t vocab = model_.config().vocab_size;
    for (std::int32_t token : tokens) {
        if (token < 0 || token >= vocab) {
            return Status(StatusCode::invalid_argument, "token id " + std::to_string(token) +
                                                            " is outside the vocabulary [0, " +
                                                            std::to_string(vocab) + ")");
        }
    }
    if (size() + static_cast<std::int64_t>(tokens.size()) > max_tokens_) {
        return Status(StatusCode::context_full, "the context holds " + std::to_string(size()) +
                                                    " tokens; " + std::to_string(tokens.size()) +
                                                    " more exceed its limit of " +
                                                    std::to_string(max_tokens_));
    }
    tokens_.insert(tokens_.end(), tokens.begin(), tokens.end());
    all_logits_.clear();
    if (!options.evaluate) return Status::success();
    return evaluate(static_cast<std::int64_t>(tokens.size()), options);
}

Status Context::evaluate(std::int64_t new_tokens, const AppendOptions& options) {
    try {
        return evaluate_unguarded(new_tokens, options);
    } catch (const std::bad_alloc&) {
        all_logits_.clear();
        logits_position_ = -1;
        return Status(StatusCode::out_of_memory,
                      "no memory for the logits of " + std::to_string(new_tokens) + " tokens");
    }
}

Status Context::evaluate_unguarded(std::int64_t new_tokens, const AppendOptions& options) {
    const std::int64_t vocab = model_.config().vocab_size;
    if (options.sample != nullptr &&
        (options.all_logits || options.sampled_token == nullptr || !samples_on_device())) {
        return Status(StatusCode::invalid_argument,
                      "append: device sampling needs a backend that samples on the device, a "
                      "sampled_token and no all_logits");
    }
    // The forward that ends at the last token draws the next one when asked; its logits then
    // stay on the device.
    const auto last_forward = [&](ForwardRequest& request) {
        if (options.sample == nullptr) return;
        request.sample = options.sample;
        request.sampled_token = options.sampled_token;
        request.logits_out = nullptr;
    };
    const std::int64_t first_new = size() - new_tokens;
    const std::span<const std::int32_t> history(tokens_);

    ForwardRequest request;
    request.cancel = options.cancel;
    request.trace = options.trace;

    // Tokens already in the history but not evaluated (a replay, an interrupted append, a stop
    // token): their logits matter only when nothing new follows them.
    const std::int64_t pending_old = first_new - session_->length();
    if (pending_old > 0 || (new_tokens == 0 && session_->length() < size())) {
        const bool need_last = new_tokens == 0;
        const std::int64_t begin = session_->length();
        const std::int64_t end = need_last ? size() : first_new;
        request.tokens =
            history.subspan(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
        request.logits = need_last ? LogitsWanted::last : LogitsWanted::none;
        logits_.resize(static_cast<size_t>(vocab));
        request.logits_out = logits_.data();
        if (need_last) last_forward(request);
        logits_position_ = -1;
        if (Status status = session_->forward(request); !status.ok()) return status;
        if (need_last && options.sample == nullptr) logits_position_ = size() - 1;
        request.sample = nullptr;
        request.sampled_token = nullptr;
    }
    if (new_tokens == 0) return Status::success();

    request.tokens = history.subspan(static_cast<size_t>(first_new));
    logits_position_ = -1;
    if (options.all_logits) {
        all_logits_.resize(static_cast<size_t>(new_tokens * vocab));
        request.logits = LogitsWanted::all;
        request.logits_out = all_logits_.data();
    } else {
        logits_.resize(static_cast<size_t>(vocab));
        request.logits = LogitsWanted::last;
        request.logits_out = logits_.data();
        last_forward(request);
    }
    if (Status status = session_->forward(request); !status.ok()) {
        all_logits_.clear();
        return status;
    }
    if (options.all_logits) {
        logits_.assign(all_logits_.end() - vocab, all_logits_.end());
    }
    if (options.sample == nullptr) logits_position_ = size() - 1;
    return Status::success();
}

std::span<const float> Context::logits() const {
    if (size() == 0 || logits_position_ != size() - 1 || session_->length() != size()) return {};
    return logits_;
}

void Context::truncate(std::int64_t n) {
    n = std::clamp<std::int64_t>(n, 0, size());
    if (n == size()) return;
    tokens_.resize(static_cast<size_t>(n));
    all_logits_.clear();
    // Kept logits must belong to a token still in the history (a later append could otherwise
    // put a different token at their position).
    if (logits_position_ >= n) logits_position_ = -1;
    if (n < session_->length()) session_->truncate(n);
}

Status Context::assign(std::span<const std::int32_t> prompt, const AppendOptions& options) {
    if (prompt.empty()) {
        return Status(StatusCode::invalid_argument, "assign: the prompt is empty");
    }
    const auto limit = std::min<std::int64_t>(size(), static_cast<std::int64_t>(prompt.size()));
    std::int64_t common = 0;
    while (common < limit &&
           tokens_[static_cast<size_t>(common)] == prompt[static_cast<size_t>(common)]) {
        ++common;
    }
    // Re-evaluate at least the last prompt token, so that its logits are fresh.
    if (common == static_cast<std::int64_t>(prompt.size()) && logits_position_ != common - 1) {
        --common;
    }
    if (common == static_cast<std::int64_t>(prompt.size()) && size() == common &&
        session_->length() == size()) {
        return Status::success();  // the history already is the prompt, logits included
    }
    truncate(common);
    if (common == static_cast<std::int64_t>(prompt.size())) return append({}, options);
    return append(prompt.subspan(static_cast<size_t>(common)), options);
}

}  // namespace ponder
