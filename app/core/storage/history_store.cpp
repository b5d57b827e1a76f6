// HistoryStore: opening a file safely, connection settings, batches and housekeeping. The other
// operations live in store_*.cpp, one file per kind of record.
#include "app/core/storage/history_store.h"

#include <system_error>

#include "app/core/storage/database_file.h"
#include "app/core/storage/schema.h"
#include "app/core/storage/sql_statements.h"
#include "app/core/storage/sqlite_db.h"
#include "app/core/storage/timestamps.h"

namespace ponder::core {
namespace {

constexpr int kBusyTimeoutMs = 5000;

}  // namespace

HistoryStore::HistoryStore(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)) {}

HistoryStore::~HistoryStore() = default;

const std::filesystem::path& HistoryStore::file() const {
    return connection_->file();
}

Result<std::unique_ptr<HistoryStore>> HistoryStore::open(const std::filesystem::path& file,
                                                         const OpenOptions& options) {
    if (file.empty()) return Status(StatusCode::invalid_argument, "no history database path given");
    if (file.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(file.parent_path(), ec);
        if (ec) {
            return Status(StatusCode::io_error, file.parent_path().string() +
                                                    ": cannot create the folder: " + ec.message());
        }
    }
    // Before SQLite sees the file: refuse what we must not write to, without writing to it.
    Status checked = check_database_file(file, latest_schema_version());
    if (!checked.ok()) return checked;

    auto connection =
        Connection::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
    if (!connection) return connection.status();
    std::unique_ptr<HistoryStore> store(new HistoryStore(std::move(*connection)));
    Status status = store->configure(options);
    if (!status.ok()) return status;
    return store;
}

Status HistoryStore::configure(const OpenOptions& options) {
    Connection& db = *connection_;
    sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
    // Until the file is known to be ours and not newer, closing must not write to it: a WAL left
    // by a newer Ponder would otherwise be checkpointed into the file on close.
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);

    // The header check saw the main file; the WAL may hold newer pages, so ask SQLite too. This is
    // also the first read, where a damaged file shows itself.
    auto version = db.query_int(sql::kUserVersion);
    if (!version) return version.status();
    if (*version > latest_schema_version()) {
        return Status(StatusCode::unsupported,
                      db.file().string() + ": the history database has schema version " +
                          std::to_string(*version) + " but this Ponder knows versions up to " +
                          std::to_string(latest_schema_version()) +
                          "; it was written by a newer Ponder (the file was left unchanged)");
    }
    if (*version == 0) {
        // A new file is empty; an SQLite file with tables but no version belongs to someone else.
        auto objects = db.query_int(sql::kCountSchemaObjects);
        if (!objects) return objects.status();
        if (*objects > 0) {
            return Status(StatusCode::invalid_argument,
                          db.file().string() +
                              ": is an SQLite database of another application, not Ponder's "
                              "history (it has tables but no Ponder schema version)");
        }
    }

    auto mode = db.query_text(sql::kEnableWal);
    if (!mode) return mode.status();
    if (*mode != "wal") {
        return Status(StatusCode::io_error,
                      db.file().string() + ": cannot use write-ahead logging (journal mode is '" +
                          *mode + "'); is the folder on a network file system?");
    }
    Status status = db.exec(sql::kConnectionSettings);
    if (!status.ok()) return status;
    status = apply_migrations(db, history_migrations(), latest_schema_version());
    if (!status.ok()) return status;
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);

    if (options.recover_interrupted) {
        auto recovered = recover_interrupted();
        if (!recovered) return recovered.status();
    }
    return Status::success();
}

Status HistoryStore::transaction(const std::function<Status()>& body) {
    auto transaction = Transaction::begin(*connection_);
    if (!transaction) return transaction.status();
    Status status = body();
    if (!status.ok()) return status;  // the destructor rolls back
    return transaction->commit();
}

Result<std::int64_t> HistoryStore::recover_interrupted() {
    std::int64_t marked = 0;
    Status status = transaction([&]() -> Status {
        auto messages = connection_->cached(sql::kMarkInterrupted);
        if (!messages) return messages.status();
        Status run = (*messages)->run();
        if (!run.ok()) return run;
        marked = sqlite3_changes64(connection_->handle());
        auto tools = connection_->cached(sql::kMarkToolCallsInterrupted);
        if (!tools) return tools.status();
        return (*tools)->bind(1, now_ms()).run();
    });
    if (!status.ok()) return status;
    return marked;
}

Status HistoryStore::checkpoint() {
    auto statement = connection_->cached(sql::kCheckpointTruncate);
    if (!statement) return statement.status();
    auto row = (*statement)->step();
    if (!row) return row.status();
    if (*row && (*statement)->column_int(0) != 0) {
        return Status(StatusCode::io_error,
                      file().string() +
                          ": the write-ahead log could not be truncated because another "
                          "connection is reading (locked); try again");
    }
    return Status::success();
}

Result<std::int64_t> HistoryStore::count_messages() {
    return connection_->query_int(sql::kCountMessages);
}

}  // namespace ponder::core
