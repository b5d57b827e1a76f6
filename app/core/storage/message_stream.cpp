// MessageStream: persisting an answer while it is generated. The text is rewritten in full at
// each checkpoint (one UPDATE), which for answers of up to a few hundred KB costs far less than
// appending chunks and concatenating them on every load.
//
// Checkpoints commit with synchronous=NORMAL: in WAL mode the commit is written to the WAL file
// before it returns, so it survives the app being killed or crashing, but it is not fsynced, so
// a power cut may take the last checkpoints with it (never the file's consistency). Everything
// else, the user's message and the finished answer included, commits with the connection's
// synchronous=FULL; the fsync of the finishing commit also makes every earlier checkpoint durable.
// Without the fsync a checkpoint costs tens of microseconds instead of milliseconds, which keeps
// persistence far below 1% of generation time.
#include <utility>

#include "app/core/storage/history_store.h"
#include "app/core/storage/record_checks.h"
#include "app/core/storage/sql_statements.h"
#include "app/core/storage/sqlite_db.h"
#include "app/core/storage/utf8.h"

namespace ponder::core {

Result<MessageStream> HistoryStore::start_stream(std::string_view conversation_id,
                                                 const NewMessage& message,
                                                 const StreamOptions& options) {
    auto stored = add_message(conversation_id, message, /*streaming=*/true);
    if (!stored) return stored.status();
    MessageStream stream(this, stored->id, options.commit_interval);
    stream.text_ = stored->text;
    return stream;
}

Status HistoryStore::write_stream_text(MessageId id, std::string_view text) {
    auto statement = connection_->cached(sql::kCheckpointText);
    if (!statement) return statement.status();
    auto relaxed = connection_->cached(sql::kSynchronousNormal);
    if (!relaxed) return relaxed.status();
    auto full = connection_->cached(sql::kSynchronousFull);
    if (!full) return full.status();
    if (Status status = (*relaxed)->run(); !status.ok()) return status;
    Status status = (*statement)->bind(1, id).bind(2, text).run();
    if (Status restored = (*full)->run(); !restored.ok() && status.ok()) status = restored;
    if (!status.ok()) return status;
    if (sqlite3_changes64(connection_->handle()) == 0) {
        return Status(StatusCode::invalid_argument,
                      "message " + std::to_string(id) + " no longer exists (was it purged?)");
    }
    return Status::success();
}

Status HistoryStore::finish_stream(MessageId id, std::string_view text, MessageState state,
                                   std::string_view detail, const MessageMetrics& metrics) {
    auto statement = connection_->cached(sql::kFinishMessage);
    if (!statement) return statement.status();
    Statement& s = **statement;
    s.bind(1, id)
        .bind(2, text)
        .bind(3, to_string(state))
        .bind(4, repair_utf8(detail))
        .bind_null(5)
        .bind(6, metrics.prompt_tokens)
        .bind(7, metrics.completion_tokens)
        .bind(8, metrics.reasoning_tokens)
        .bind(9, metrics.ttft_ms)
        .bind(10, metrics.reasoning_ms)
        .bind(11, metrics.tokens_per_second);
    Status status = s.run();
    if (!status.ok()) return status;
    if (sqlite3_changes64(connection_->handle()) == 0) {
        return Status(StatusCode::invalid_argument,
                      "message " + std::to_string(id) + " no longer exists (was it purged?)");
    }
    return Status::success();
}

MessageStream::MessageStream(HistoryStore* store, MessageId id, std::chrono::milliseconds interval)
    : store_(store), id_(id), interval_(interval), last_commit_(std::chrono::steady_clock::now()) {}

MessageStream::MessageStream(MessageStream&& other) noexcept
    : store_(std::exchange(other.store_, nullptr)),
      id_(other.id_),
      interval_(other.interval_),
      last_commit_(other.last_commit_),
      text_(std::move(other.text_)),
      pending_(std::move(other.pending_)),
      dirty_(other.dirty_),
      finished_(other.finished_),
      commits_(other.commits_) {}

MessageStream::~MessageStream() {
    // Not finished: a caller's early return or a crash in the making. Keep what arrived; the
    // message stays 'generating' until recovery marks it interrupted.
    if (store_ && !finished_ && dirty_) (void)checkpoint();
}

Status MessageStream::append(std::string_view delta) {
    if (!store_ || finished_) {
        return Status(StatusCode::invalid_argument,
                      "message " + std::to_string(id_) + ": append after finish");
    }
    std::string bytes = std::move(pending_);
    bytes.append(delta);
    const size_t tail = incomplete_utf8_tail(bytes);
    pending_ = bytes.substr(bytes.size() - tail);
    bytes.resize(bytes.size() - tail);
    if (bytes.empty()) return Status::success();
    if (is_valid_utf8(bytes)) {
        text_ += bytes;
    } else {
        text_ += repair_utf8(bytes);
    }
    dirty_ = true;
    if (std::chrono::steady_clock::now() - last_commit_ >= interval_) return checkpoint();
    return Status::success();
}

Status MessageStream::checkpoint() {
    if (!store_ || finished_) {
        return Status(StatusCode::invalid_argument,
                      "message " + std::to_string(id_) + ": checkpoint after finish");
    }
    if (!dirty_) return Status::success();
    Status status = store_->write_stream_text(id_, text_);
    if (!status.ok()) return status;
    dirty_ = false;
    ++commits_;
    last_commit_ = std::chrono::steady_clock::now();
    return status;
}

Status MessageStream::finish(MessageState state, const MessageMetrics& metrics,
                             std::string_view detail) {
    if (!store_ || finished_) {
        return Status(StatusCode::invalid_argument,
                      "message " + std::to_string(id_) + ": finish called twice");
    }
    if (state == MessageState::generating) {
        return Status(StatusCode::invalid_argument,
                      "finish needs a final state: complete, stopped or error");
    }
    Status valid = check_metrics(metrics);
    if (!valid.ok()) return valid;
    // A character still missing bytes at the end will never be completed.
    if (!pending_.empty()) {
        text_ += repair_utf8(pending_);
        pending_.clear();
    }
    Status status = store_->finish_stream(id_, text_, state, detail, metrics);
    if (!status.ok()) return status;
    finished_ = true;
    dirty_ = false;
    ++commits_;
    return status;
}

}  // namespace ponder::core
