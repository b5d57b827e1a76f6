// Thin RAII wrappers over the SQLite C API: a connection, prepared statements (cached by their
// named SQL constant), and transactions that nest. Every failure becomes a Status that names the
// database file and says what SQLite reported; nothing here throws.
//
// Thread-safety: a Connection and its statements belong to one thread at a time (SQLite's
// "multi-thread" contract); use one connection per thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/status.h"

namespace ponder::core {

// A prepared statement. Bind with 1-based indices; bound text is copied (SQLITE_TRANSIENT), so
// callers need not keep it alive. Bind failures are remembered and reported by step().
class Statement {
  public:
    Statement() = default;
    Statement(sqlite3* db, sqlite3_stmt* stmt, const std::filesystem::path* file)
        : db_(db), stmt_(stmt), file_(file) {}
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) {
        return bind(index, std::string_view(text));
    }
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
    Statement& bind(int index, double value);
    Statement& bind_null(int index);
    // Optional values bind NULL when empty; bind_text_or_null binds NULL for "" (the records use
    // an empty string for "none" in author/channel/recipient/content type).
    Statement& bind(int index, const std::optional<std::int64_t>& value);
    Statement& bind(int index, const std::optional<double>& value);
    Statement& bind(int index, const std::optional<std::string>& value);
    Statement& bind_text_or_null(int index, std::string_view text);

    // Advances: true when a row is available, false when the statement is done.
    Result<bool> step();
    // Steps to the end (for INSERT/UPDATE/DELETE).
    Status run();
    // Rewinds and clears bindings, releasing any read snapshot the statement holds.
    void reset();

    bool is_null(int column) const;
    std::int64_t column_int(int column) const;
    double column_double(int column) const;
    std::string column_text(int column) const;  // "" for NULL
    std::optional<std::int64_t> column_opt_int(int column) const;
    std::optional<double> column_opt_double(int column) const;
    std::optional<std::string> column_opt_text(int column) const;

  private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
    const std::filesystem::path* file_ = nullptr;  // the connection's path, for messages
    int bind_rc_ = SQLITE_OK;
};

// A cached statement on loan: reset (and its bindings cleared) when the loan ends, so a
// half-read SELECT never keeps a read snapshot open.
class StatementRef {
  public:
    explicit StatementRef(Statement* statement) : statement_(statement) {}
    StatementRef(StatementRef&& other) noexcept : statement_(other.statement_) {
        other.statement_ = nullptr;
    }
    StatementRef(const StatementRef&) = delete;
    StatementRef& operator=(const StatementRef&) = delete;
    StatementRef& operator=(StatementRef&&) = delete;
    ~StatementRef() {
        if (statement_) statement_->reset();
    }
    Statement* operator->() { return statement_; }
    Statement& operator*() { return *statement_; }

  private:
    Statement* statement_;
};

class Connection {
  public:
    // Opens (or, with SQLITE_OPEN_CREATE in `flags`, creates) the file. Extended result codes on.
    static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& file, int flags);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    sqlite3* handle() const { return db_; }
    const std::filesystem::path& file() const { return file_; }

    // Runs one or more statements that return no rows we need (DDL, PRAGMA settings).
    Status exec(std::string_view sql);
    // A fresh statement, finalized when the returned object dies.
    Result<Statement> prepare(std::string_view sql);
    // A statement prepared once per connection and kept; `sql` must be a named constant (its
    // address is the cache key).
    Result<StatementRef> cached(const char* sql);
    // The value of a PRAGMA or any single-value query, as text ("" for NULL or no row).
    Result<std::string> query_text(std::string_view sql);
    Result<std::int64_t> query_int(std::string_view sql);

    // "history.sqlite3: <context>: <what SQLite said>" with a hint for the common failures.
    Status error(int rc, std::string_view context) const;

  private:
    Connection(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}
    sqlite3* db_;
    std::filesystem::path file_;
    std::unordered_map<const char*, Statement> cache_;
};

// Maps an SQLite result code to a Status naming `file` (used before a Connection exists too).
Status sqlite_status(sqlite3* db, int rc, const std::filesystem::path& file,
                     std::string_view context);

// A write transaction: BEGIN IMMEDIATE at the outermost level (so a writer waits for the lock up
// front instead of failing half-way), a SAVEPOINT when nested inside another transaction. Rolls
// back in the destructor unless commit() succeeded.
class Transaction {
  public:
    static Result<Transaction> begin(Connection& connection);
    Transaction(Transaction&& other) noexcept;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();

    Status commit();

  private:
    Transaction(Connection* connection, bool nested) : connection_(connection), nested_(nested) {}
    void rollback();
    Connection* connection_;
    bool nested_;
};

}  // namespace ponder::core
