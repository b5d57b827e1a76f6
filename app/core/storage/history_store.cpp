// HistoryStore: opening a file safely, connection settings, batches and housekeeping. The other
// operations live in store_*.cpp, one file per kind of record.
#include "app/core/storage/history_store.h"

#include <system_error>

#include "app/core/storage/database_file.h"
#include "app/core/storage/file_health.h"
#include "app/core/storage/schema.h"
#include "app/core/storage/sql_statements.h"
#include "app/core/storage/sqlite_db.h"
#include "app/core/storage/timestamps.h"

namespace ponder::core {
namespace {

constexpr int kBusyTimeoutMs = 5000;

}  // namespace

HistoryStore::HistoryStore(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)) {
    file_health_open(connection_->file());
}

HistoryStore::~HistoryStore() {
    // Closing the last connection copies the WAL into the file: not into a damaged one.
    if (damage())
        sqlite3_db_config(connection_->handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    file_health_close(connection_->file());
}

const std::filesystem::path& HistoryStore::file() const {
    return connection_->file();
}

Result<std::unique_ptr<HistoryStore>> HistoryStore::open(const std::filesystem::path& file,
                                                         const OpenOptions& options) {
    if (file.empty()) return Status(StatusCode::invalid_argument, "no history database path given");
    if (options.read_only) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec)) {
            return Status(StatusCode::invalid_argument,
                          file.string() + ": no such history file (it is opened read-only)");
        }
    } else if (file.has_parent_path()) {
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

    const int mode =
        options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    auto connection = Connection::open(file, mode | SQLITE_OPEN_NOMUTEX);
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

    if (options.read_only) {
        // Read as it is: the queries expect the latest schema, and nothing may be migrated.
        if (*version != latest_schema_version()) {
            return Status(StatusCode::unsupported,
                          db.file().string() + ": the history has schema version " +
                              std::to_string(*version) + ", not " +
                              std::to_string(latest_schema_version()) +
                              "; open it once with this Ponder to upgrade it first");
        }
        return db.exec(sql::kConnectionSettings);
    }

    // Switching to WAL writes the header, so only a new file (or an old one in rollback mode)
    // is switched; a Ponder history already is in WAL mode and opening it writes nothing.
    if (!database_file_is_wal(db.file())) {
        auto mode = db.query_text(sql::kEnableWal);
        if (!mode) return mode.status();
        if (*mode != "wal") {
            return Status(StatusCode::io_error,
                          db.file().string() +
                              ": cannot use write-ahead logging (journal mode is '" + *mode +
                              "'); is the folder on a network file system?");
        }
    }
    Status status = db.exec(sql::kConnectionSettings);
    if (!status.ok()) return status;
    status = apply_migrations(db, history_migrations(), latest_schema_version());
    if (!status.ok()) return status;
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);

    if (options.recover_interrupted) {
        auto recovered = recover_interrupted();
        // A damaged history still opens, read-only, so that what it holds can be salvaged.
        if (!recovered && !damage()) return recovered.status();
    }
    return Status::success();
}

std::optional<std::string> HistoryStore::damage() const {
    return known_damage(connection_->file());
}

Status HistoryStore::check_for_damage() {
    if (auto detail = damage()) return damaged_file_status(file(), *detail);
    return check_before_write(connection_->handle(), file());
}

Status HistoryStore::transaction(const std::function<Status()>& body) {
    auto transaction = Transaction::begin(*connection_);
    if (!transaction) return transaction.status();
    Status status = body();
    if (!status.ok()) return status;  // the destructor rolls back
    return transaction->commit();
}

Result<bool> HistoryStore::has_interrupted() {
    auto found = connection_->query_int(sql::kHasInterrupted);
    if (!found) return found.status();
    return *found != 0;
}

Result<std::int64_t> HistoryStore::recover_interrupted() {
    auto interrupted = has_interrupted();
    if (!interrupted) return interrupted.status();
    if (!*interrupted) return std::int64_t{0};
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
