// The history file itself: the migration ladder, refusing files Ponder must not touch (newer,
// foreign, not a database, truncated, damaged), the connection settings, and secure purge.
#include <sqlite3.h>

#include "app/core/storage/schema.h"
#include "app/core/storage/sqlite_db.h"
#include "history_test_support.h"

using namespace history_test;

namespace {

// A raw SQLite handle for looking at a file from outside the store.
struct RawDb {
    sqlite3* db = nullptr;
    explicit RawDb(const std::filesystem::path& file) {
        sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    }
    ~RawDb() { sqlite3_close_v2(db); }
    bool exec(const char* sql) {
        return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    QString text(const char* sql) {
        sqlite3_stmt* stmt = nullptr;
        QString out;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            out = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
        }
        sqlite3_finalize(stmt);
        return out;
    }
    long long number(const char* sql) { return text(sql).toLongLong(); }
};

// A store with enough rows that the file spans many pages.
void fill(HistoryStore& store, int conversations) {
    for (int i = 0; i < conversations; ++i) {
        auto c = store.create_conversation("Conversation " + std::to_string(i));
        QVERIFY(c.ok());
        auto q = store.append_message(
            c->id, new_message(MessageRole::user, std::string(400, 'a' + i % 26)));
        QVERIFY(q.ok());
    }
}

}  // namespace

class TestHistorySchema : public QObject {
    Q_OBJECT
  private slots:
    void freshDatabaseGetsTheWholeLadder() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "nested/folder/history.sqlite3");
        {
            auto store = open_store(file);
            QVERIFY(store);
            QCOMPARE(store->file(), file);
        }
        RawDb raw(file);
        QCOMPARE(raw.number("PRAGMA user_version"), latest_schema_version());
        QCOMPARE(raw.number("PRAGMA application_id"), (long long)kPonderApplicationId);
        QCOMPARE(raw.text("PRAGMA journal_mode"),
                 QString("wal"));  // persistent: stored in the file
        for (const char* table :
             {"conversations", "messages", "tool_calls", "message_search", "title_search"}) {
            const std::string sql =
                std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") + table + "'";
            QCOMPARE(raw.number(sql.c_str()), 1LL);
        }
    }

    void olderDatabaseIsMigratedAndIndexed() {
        // A version-1 file (before full-text search) with a conversation in it.
        QTemporaryDir dir;
        const auto file = path_in(dir, "v1.sqlite3");
        {
            auto connection = Connection::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            QVERIFY(connection.ok());
            REQUIRE_OK(apply_migrations(**connection, history_migrations(), 1));
            REQUIRE_OK(
                (*connection)
                    ->exec("INSERT INTO conversations (id, uuid, title, created_at, updated_at) "
                           "VALUES (1, 'old-conversation', 'Fjord trip', 1, 1);"
                           "INSERT INTO messages (conversation_id, role, text, created_at) "
                           "VALUES (1, 'user', 'Which fjord is the longest?', 1);"));
        }
        {
            RawDb raw(file);
            QCOMPARE(raw.number("PRAGMA user_version"), 1LL);
        }
        auto store = open_store(file);
        QVERIFY(store);
        RawDb raw(file);
        QCOMPARE(raw.number("PRAGMA user_version"), latest_schema_version());
        // Migration 2 indexed the rows that were already there.
        SearchOptions query;
        query.text = "fjord";
        auto hits = store->search(query);
        QVERIFY(hits.ok());
        QCOMPARE(hits->size(), size_t(2));  // the message and the title
        auto conversation = store->load_conversation("old-conversation");
        QVERIFY(conversation.ok());
        QCOMPARE(conversation->messages.size(), size_t(1));
    }

    void failedMigrationStepLeavesThePreviousVersion() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "ladder.sqlite3");
        const std::vector<Migration> ladder = {
            {1, "CREATE TABLE a (x);"},
            {2, "CREATE TABLE b (y); INSERT INTO no_such_table VALUES (1);"},
        };
        auto connection = Connection::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        QVERIFY(connection.ok());
        Status status = apply_migrations(**connection, ladder, 2);
        QVERIFY(!status.ok());
        QVERIFY2(status.message().find("schema version 2") != std::string::npos,
                 status.message().c_str());
        QCOMPARE(*(*connection)->query_int("PRAGMA user_version"), 1LL);
        QCOMPARE(*(*connection)->query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'b'"),
                 0LL);
        QCOMPARE(*(*connection)->query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'a'"),
                 1LL);
    }

    void newerDatabaseIsRefusedAndLeftUntouched() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "newer.sqlite3");
        {
            auto store = open_store(file);
            QVERIFY(store);
            fill(*store, 3);
        }
        {
            RawDb raw(file);
            QVERIFY(raw.exec("PRAGMA user_version = 99"));
        }
        const QByteArray before = file_hash(file);
        auto refused = HistoryStore::open(file);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.status().code(), ponder::StatusCode::unsupported);
        const std::string message = refused.status().message();
        QVERIFY2(message.find("newer Ponder") != std::string::npos, message.c_str());
        QVERIFY2(message.find("99") != std::string::npos, message.c_str());
        QVERIFY2(message.find(file.string()) != std::string::npos, message.c_str());
        QCOMPARE(file_hash(file), before);
        QVERIFY(!std::filesystem::exists(file.string() + "-wal"));
    }

    void newerVersionStillInTheWalIsRefusedToo() {
        // A newer Ponder migrated, then crashed before checkpointing: the main file still says the
        // old version, only the WAL knows better. The refusal must not checkpoint that WAL.
        QTemporaryDir dir;
        const auto file = path_in(dir, "newer-wal.sqlite3");
        {
            auto store = open_store(file);
            QVERIFY(store);
        }
        {
            RawDb raw(file);
            sqlite3_db_config(raw.db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
            QVERIFY(raw.exec("PRAGMA user_version = 7"));
        }
        const std::string wal = file.string() + "-wal";
        QVERIFY(std::filesystem::exists(wal));
        const QByteArray db_before = file_hash(file);
        const QByteArray wal_before = file_hash(wal);
        auto refused = HistoryStore::open(file);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.status().message().find("newer Ponder") != std::string::npos,
                 refused.status().message().c_str());
        QCOMPARE(file_hash(file), db_before);
        QCOMPARE(file_hash(wal), wal_before);
    }

    void anotherApplicationsDatabaseIsRefused() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "photos.db");
        {
            RawDb raw(file);
            QVERIFY(
                raw.exec("CREATE TABLE photos (path TEXT); INSERT INTO photos VALUES ('a.jpg');"));
        }
        const QByteArray before = file_hash(file);
        auto refused = HistoryStore::open(file);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.status().message().find("another application") != std::string::npos,
                 refused.status().message().c_str());
        QCOMPARE(file_hash(file), before);
    }

    void notADatabaseGivesAClearError() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "notes.txt");
        write_file(file, QByteArray("These are my notes, not a database.\n").repeated(200));
        const QByteArray before = file_hash(file);
        auto refused = HistoryStore::open(file);
        QVERIFY(!refused.ok());
        QVERIFY2(
            refused.status().message().find("not a Ponder history database") != std::string::npos,
            refused.status().message().c_str());
        QCOMPARE(file_hash(file), before);
        // A few bytes only, and a folder where the file should be.
        write_file(file, "SQLite");
        QVERIFY(!HistoryStore::open(file).ok());
        QVERIFY(!HistoryStore::open(std::filesystem::path(dir.path().toStdString())).ok());
    }

    void truncatedDatabaseGivesAClearError() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "cut.sqlite3");
        {
            auto store = open_store(file);
            QVERIFY(store);
            fill(*store, 60);
            REQUIRE_OK(store->checkpoint());
        }
        const QByteArray bytes = file_bytes(file);
        QVERIFY(bytes.size() > 16 * 4096);
        write_file(file, bytes.left(bytes.size() / 2));
        auto refused = HistoryStore::open(file);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.status().message().find("truncated") != std::string::npos,
                 refused.status().message().c_str());
        // Cut inside the 100-byte header.
        write_file(file, bytes.left(60));
        auto short_header = HistoryStore::open(file);
        QVERIFY(!short_header.ok());
        QVERIFY2(short_header.status().message().find("truncated") != std::string::npos,
                 short_header.status().message().c_str());
    }

    void damagedPagesGiveErrorsNotCrashes() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "damaged.sqlite3");
        {
            auto store = open_store(file);
            QVERIFY(store);
            fill(*store, 60);
            REQUIRE_OK(store->checkpoint());
        }
        QByteArray bytes = file_bytes(file);
        // Keep the header page, scribble over every other page.
        for (qsizetype i = 4096; i < bytes.size(); ++i)
            bytes[i] = char((i * 131) ^ 0x5a);
        write_file(file, bytes);
        auto store = HistoryStore::open(file);
        std::string message;
        if (!store.ok()) {
            message = store.status().message();
        } else {
            auto list = (*store)->list_conversations();
            SearchOptions query;
            query.text = "conversation";
            auto hits = (*store)->search(query);
            QVERIFY(!list.ok() || !hits.ok());
            message = !list.ok() ? list.status().message() : hits.status().message();
        }
        QVERIFY2(message.find("damaged") != std::string::npos ||
                     message.find("malformed") != std::string::npos,
                 message.c_str());
    }

    void emptyFileIsANewDatabase() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "empty.sqlite3");
        write_file(file, QByteArray());
        auto store = open_store(file);
        QVERIFY(store);
        QVERIFY(store->create_conversation("hello").ok());
    }

    void foreignKeysCascadeOnPurge() {
        // foreign_keys=ON is per connection: the cascade from conversation to messages and tool
        // calls happens only with it.
        QTemporaryDir dir;
        auto store = open_store(path_in(dir, "fk.sqlite3"));
        QVERIFY(store);
        Sample s = sample_conversation(*store);
        QCOMPARE(*store->count_messages(), 6LL);
        REQUIRE_OK(store->purge_conversation(s.id));
        QCOMPARE(*store->count_messages(), 0LL);
        QVERIFY(!store->tool_call(s.tool_call).ok());
    }

    void purgeLeavesNoTraceInTheFiles() {
        // secure_delete zeroes freed rows and pages, purge rewrites the search index and
        // truncates the WAL: the deleted text is in neither file afterwards.
        QTemporaryDir dir;
        const auto file = path_in(dir, "secure.sqlite3");
        const std::string marker = "zqxmarkersecret";
        auto store = open_store(file);
        QVERIFY(store);
        fill(*store, 20);
        auto secret = store->create_conversation("Title " + marker);
        QVERIFY(secret.ok());
        auto question = store->append_message(
            secret->id, new_message(MessageRole::user, "My " + marker + " is here"));
        QVERIFY(question.ok());
        auto stream = store->start_stream(
            secret->id,
            [&] {
                NewMessage m = new_message(MessageRole::assistant, "", question->id, "final");
                m.state = MessageState::generating;
                return m;
            }(),
            StreamOptions{std::chrono::milliseconds(0)});
        QVERIFY(stream.ok());
        for (int i = 0; i < 20; ++i)
            REQUIRE_OK(stream->append(" " + marker + " part"));
        REQUIRE_OK(stream->finish(MessageState::complete));
        auto call = store->add_tool_call(stream->id(), "python", "print('" + marker + "')");
        QVERIFY(call.ok());
        REQUIRE_OK(store->finish_tool_call(call->id, marker + " output", std::nullopt));
        // A long one too, so overflow pages are involved.
        QVERIFY(store
                    ->append_message(
                        secret->id, new_message(MessageRole::user, std::string(20000, 'x') + marker,
                                                question->id))
                    .ok());
        REQUIRE_OK(store->checkpoint());
        QVERIFY2(file_bytes(file).contains(QByteArray::fromStdString(marker)),
                 "the marker must be in the file before the purge, or this test proves nothing");

        REQUIRE_OK(store->delete_conversation(secret->id));
        REQUIRE_OK(store->purge_conversation(secret->id));
        const QByteArray db = file_bytes(file);
        const QByteArray wal = file_bytes(file.string() + "-wal");
        QVERIFY(!db.contains(QByteArray::fromStdString(marker)));
        QVERIFY(!wal.contains(QByteArray::fromStdString(marker)));
        QVERIFY(!db.contains("ZQXMARKERSECRET"));
        // The other conversations are intact and still searchable.
        QCOMPARE(*store->count_conversations(), 20LL);
        SearchOptions query;
        query.text = "conversation";
        QVERIFY(!store->search(query)->empty());
    }
};

QTEST_APPLESS_MAIN(TestHistorySchema)
#include "test_history_schema.moc"
