#include "app/core/storage/sqlite_db.h"

#include <cerrno>
#include <utility>

#include "app/core/storage/file_health.h"

namespace ponder::core {

namespace {

// SQLite says SQLITE_FULL when a write to the database or its log finds the disk full, but only
// "disk I/O error" when it cannot grow the -shm file that opening a WAL database needs (that is
// what a full disk gives at start-up); the operating system's error tells the two apart.
bool disk_is_full(sqlite3* db, int primary) {
    if (primary == SQLITE_FULL) return true;
    if (primary != SQLITE_IOERR || db == nullptr) return false;
    const int os_error = sqlite3_system_errno(db);
    return os_error == ENOSPC || os_error == EDQUOT;
}

}  // namespace

Status sqlite_status(sqlite3* db, int rc, const std::filesystem::path& file,
                     std::string_view context) {
    const int primary = rc & 0xff;
    if (disk_is_full(db, primary)) {
        const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : ".";
        return Status(StatusCode::io_error,
                      file.string() + ": " + std::string(context) +
                          ": the disk is full; free some space on the disk that holds " +
                          folder.string() + " and try again (what was saved before is kept)");
    }
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string hint;
    StatusCode code = StatusCode::io_error;
    switch (primary) {
        case SQLITE_NOTADB:
            hint = " (the file is not an SQLite database, or it is encrypted)";
            break;
        case SQLITE_CORRUPT:
            // From now on nothing writes to this file (file_health.h).
            note_damage(file, detail);
            hint =
                " (the history file is damaged, so Ponder no longer writes to it; copy what "
                "still opens into a new history with: ponder-cli history salvage --db " +
                file.string() + " --out NEW.sqlite3)";
            break;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            hint = " (another program holds the database locked; try again)";
            break;
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_CANTOPEN:
            hint = " (check that the file and its folder exist and are writable)";
            break;
        case SQLITE_NOMEM:
            code = StatusCode::out_of_memory;
            break;
        case SQLITE_CONSTRAINT:
        case SQLITE_TOOBIG:
        case SQLITE_RANGE:
        case SQLITE_MISMATCH:
            code = StatusCode::invalid_argument;
            break;
        case SQLITE_MISUSE:
        case SQLITE_ERROR:
            code = StatusCode::internal;
            break;
        default:
            break;
    }
    return Status(code, file.string() + ": " + std::string(context) + ": " + detail + hint);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      file_(other.file_),
      bind_rc_(other.bind_rc_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        db_ = other.db_;
        stmt_ = std::exchange(other.stmt_, nullptr);
        file_ = other.file_;
        bind_rc_ = other.bind_rc_;
    }
    return *this;
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

namespace {
// Remembers the first failing bind so step() can report it with the statement's SQL.
void keep_first(int& kept, int rc) {
    if (kept == SQLITE_OK && rc != SQLITE_OK) kept = rc;
}
}  // namespace

Statement& Statement::bind(int index, std::string_view text) {
    keep_first(bind_rc_, sqlite3_bind_text64(stmt_, index, text.data(), text.size(),
                                             SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    keep_first(bind_rc_, sqlite3_bind_int64(stmt_, index, value));
    return *this;
}

Statement& Statement::bind(int index, double value) {
    keep_first(bind_rc_, sqlite3_bind_double(stmt_, index, value));
    return *this;
}

Statement& Statement::bind_null(int index) {
    keep_first(bind_rc_, sqlite3_bind_null(stmt_, index));
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<double>& value) {
    return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_text_or_null(int index, std::string_view text) {
    return text.empty() ? bind_null(index) : bind(index, text);
}

Result<bool> Statement::step() {
    if (bind_rc_ != SQLITE_OK) {
        return sqlite_status(db_, bind_rc_, *file_,
                             std::string("binding parameters of ") + sqlite3_sql(stmt_));
    }
    // A statement that writes checks the file first (file_health.h): never into a damaged one.
    if (!sqlite3_stmt_busy(stmt_) && !sqlite3_stmt_readonly(stmt_)) {
        Status writable = check_before_write(db_, *file_);
        if (!writable.ok()) return writable;
    }
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Status status = sqlite_status(db_, rc, *file_, std::string("running ") + sqlite3_sql(stmt_));
    sqlite3_reset(stmt_);
    return status;
}

Status Statement::run() {
    for (;;) {
        auto more = step();
        if (!more) return more.status();
        if (!*more) return Status::success();
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_rc_ = SQLITE_OK;
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

double Statement::column_double(int column) const {
    return sqlite3_column_double(stmt_, column);
}

std::string Statement::column_text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (!text) return {};
    return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::int64_t> Statement::column_opt_int(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_int(column);
}

std::optional<double> Statement::column_opt_double(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_double(column);
}

std::optional<std::string> Statement::column_opt_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_text(column);
}

Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& file, int flags) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Status status = sqlite_status(db, rc, file, "opening the database");
        sqlite3_close_v2(db);
        return status;
    }
    sqlite3_extended_result_codes(db, 1);
    return std::unique_ptr<Connection>(new Connection(db, file));
}

Connection::~Connection() {
    cache_.clear();  // statements must be finalized before the connection closes
    sqlite3_close_v2(db_);
}

Status Connection::exec(std::string_view sql) {
    const std::string text(sql);
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        const size_t cut = text.find('\n');
        return error(rc, "running " + text.substr(0, cut == std::string::npos ? 80 : cut));
    }
    return Status::success();
}

Result<Statement> Connection::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return error(rc, "preparing " + std::string(sql.substr(0, 80)));
    }
    return Statement(db_, stmt, &file_);
}

Result<StatementRef> Connection::cached(const char* sql) {
    auto found = cache_.find(sql);
    if (found == cache_.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(stmt);
            return error(rc, std::string("preparing ") + std::string(sql).substr(0, 80));
        }
        found = cache_.emplace(sql, Statement(db_, stmt, &file_)).first;
    }
    return StatementRef(&found->second);
}

Result<std::string> Connection::query_text(std::string_view sql) {
    auto statement = prepare(sql);
    if (!statement) return statement.status();
    auto row = statement->step();
    if (!row) return row.status();
    return *row ? statement->column_text(0) : std::string();
}

Result<std::int64_t> Connection::query_int(std::string_view sql) {
    auto statement = prepare(sql);
    if (!statement) return statement.status();
    auto row = statement->step();
    if (!row) return row.status();
    return *row ? statement->column_int(0) : 0;
}

Status Connection::error(int rc, std::string_view context) const {
    return sqlite_status(db_, rc, file_, context);
}

Result<Transaction> Transaction::begin(Connection& connection) {
    const bool nested = sqlite3_get_autocommit(connection.handle()) == 0;
    Status status = connection.exec(nested ? "SAVEPOINT ponder_nested" : "BEGIN IMMEDIATE");
    if (!status.ok()) return status;
    return Transaction(&connection, nested);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)), nested_(other.nested_) {}

Transaction::~Transaction() {
    rollback();
}

Status Transaction::commit() {
    if (!connection_) return Status(StatusCode::internal, "transaction already finished");
    Status status = connection_->exec(nested_ ? "RELEASE ponder_nested" : "COMMIT");
    if (!status.ok()) return status;  // still open: the destructor rolls back
    connection_ = nullptr;
    return status;
}

void Transaction::rollback() {
    if (!connection_) return;
    if (nested_) {
        (void)connection_->exec("ROLLBACK TO ponder_nested");
        (void)connection_->exec("RELEASE ponder_nested");
    } else if (sqlite3_get_autocommit(connection_->handle()) == 0) {
        // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL).
        (void)connection_->exec("ROLLBACK");
    }
    connection_ = nullptr;
}

}  // namespace ponder::core
