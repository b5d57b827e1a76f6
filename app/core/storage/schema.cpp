#include "app/core/storage/schema.h"

#include <string>

#include "app/core/storage/file_health.h"

namespace ponder::core {
namespace {

// Version 1: conversations, the message tree and tool calls.
//
// Conversations have an integer row id for joins and indexes (small, and stable across VACUUM,
// which the full-text index relies on) and a text UUID that the API, exports and the UI use.
// Timestamps are milliseconds since the Unix epoch, UTC. An empty author/channel/recipient/
// content type is stored as NULL. Sampling settings are typed columns so that a bad value is
// refused by the type, not discovered when a turn starts.
constexpr const char* kSchemaV1 = R"sql(
PRAGMA application_id = 1349411954;

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    deleted_at INTEGER,
    model TEXT NOT NULL DEFAULT '',
    reasoning_effort TEXT NOT NULL DEFAULT 'medium'
        CHECK (reasoning_effort IN ('low', 'medium', 'high')),
    developer_instructions TEXT NOT NULL DEFAULT '',
    temperature REAL NOT NULL DEFAULT 1.0,
    top_p REAL NOT NULL DEFAULT 1.0,
    top_k INTEGER NOT NULL DEFAULT 0,
    min_p REAL NOT NULL DEFAULT 0.0,
    seed INTEGER,
    max_output_tokens INTEGER NOT NULL DEFAULT 0,
    context_policy TEXT NOT NULL DEFAULT 'error' CHECK (context_policy IN ('error', 'drop_oldest')),
    enabled_tools TEXT NOT NULL DEFAULT '[]',
    active_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
-- The sidebar: pinned first, then most recently updated. Partial, so the trash costs nothing.
CREATE INDEX conversations_listing ON conversations(pinned DESC, updated_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX conversations_trash ON conversations(deleted_at) WHERE deleted_at IS NOT NULL;
-- Deleting a message checks this foreign key; without the index every delete scans all rows.
CREATE INDEX conversations_active_leaf ON conversations(active_leaf_id);

-- A tree per conversation: regenerate and edit add siblings under the same parent, never
-- overwrite. Deleting a conversation deletes its messages (only purge deletes).
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant', 'tool')),
    author_name TEXT,
    channel TEXT,
    recipient TEXT,
    content_type TEXT,
    text TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'complete'
        CHECK (state IN ('complete', 'stopped', 'error', 'generating')),
    state_detail TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    effort TEXT CHECK (effort IN ('low', 'medium', 'high')),
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    reasoning_tokens INTEGER,
    ttft_ms INTEGER,
    reasoning_ms INTEGER,
    tokens_per_second REAL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
CREATE INDEX messages_by_parent ON messages(parent_id);
CREATE INDEX messages_generating ON messages(state) WHERE state = 'generating';

-- A branch never crosses conversations, and the remembered leaf is one of the conversation's.
CREATE TRIGGER messages_parent_same_conversation BEFORE INSERT ON messages
WHEN new.parent_id IS NOT NULL
    AND (SELECT conversation_id FROM messages WHERE id = new.parent_id) IS NOT new.conversation_id
BEGIN
    SELECT RAISE(ABORT, 'parent message belongs to another conversation');
END;
CREATE TRIGGER conversations_leaf_same_conversation BEFORE UPDATE OF active_leaf_id ON conversations
WHEN new.active_leaf_id IS NOT NULL
    AND (SELECT conversation_id FROM messages WHERE id = new.active_leaf_id) IS NOT new.id
BEGIN
    SELECT RAISE(ABORT, 'active leaf belongs to another conversation');
END;

CREATE TABLE tool_calls (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    tool_name TEXT NOT NULL,
    arguments TEXT NOT NULL DEFAULT '',
    approval TEXT NOT NULL DEFAULT 'pending'
        CHECK (approval IN ('pending', 'approved_once', 'approved_always', 'denied')),
    result TEXT,
    error TEXT,
    started_at INTEGER,
    finished_at INTEGER,
    duration_ms INTEGER
);
CREATE INDEX tool_calls_by_message ON tool_calls(message_id);
)sql";

// Version 2: full-text search over what people look for later: their questions, the answers and
// the reasoning (user and assistant messages), and conversation titles.
//
// External-content FTS5 tables: the text lives once, in messages/conversations; the index holds
// only tokens. Triggers keep it in sync. A message is indexed once it stops generating, so the
// once-a-second checkpoints of a streaming answer do not rewrite the index each time. The
// trigger conditions and the backfill below must select the same rows: FTS5 'delete' needs the
// exact text that was indexed.
constexpr const char* kSchemaV2 = R"sql(
CREATE VIRTUAL TABLE message_search USING fts5(
    text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE title_search USING fts5(
    title, content='conversations', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER message_search_insert AFTER INSERT ON messages
WHEN new.role IN ('user', 'assistant') AND new.state <> 'generating'
BEGIN
    INSERT INTO message_search(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages
WHEN old.role IN ('user', 'assistant') AND old.state <> 'generating'
BEGIN
    INSERT INTO message_search(message_search, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF text, state, role ON messages
BEGIN
    INSERT INTO message_search(message_search, rowid, text)
        SELECT 'delete', old.id, old.text
        WHERE old.role IN ('user', 'assistant') AND old.state <> 'generating';
    INSERT INTO message_search(rowid, text)
        SELECT new.id, new.text
        WHERE new.role IN ('user', 'assistant') AND new.state <> 'generating';
END;

CREATE TRIGGER title_search_insert AFTER INSERT ON conversations
BEGIN
    INSERT INTO title_search(rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER title_search_delete AFTER DELETE ON conversations
BEGIN
    INSERT INTO title_search(title_search, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER title_search_update AFTER UPDATE OF title ON conversations
BEGIN
    INSERT INTO title_search(title_search, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO title_search(rowid, title) VALUES (new.id, new.title);
END;

INSERT INTO message_search(rowid, text)
    SELECT id, text FROM messages WHERE role IN ('user', 'assistant') AND state <> 'generating';
INSERT INTO title_search(rowid, title) SELECT id, title FROM conversations;
)sql";

// Version 3: the folder a conversation shares with the read_file and search_files tools (an
// absolute path; '' when none). Existing conversations share none.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE conversations ADD COLUMN tool_folder TEXT NOT NULL DEFAULT '';
)sql";

// Version 4: "always allow this tool in this conversation" gets its own table. Until now it was
// derived from tool_calls.approval, a column that import copies from the file, so a conversation
// file could grant itself permissions. Only the tool runner writes tool_grants, when the user
// answers "always"; import and export never touch it. tool_calls.approval stays what it was: the
// record of each call, shown in the transcript. Older grants are not carried over: a version 3
// history cannot tell a grant the user gave from one an imported file brought.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE tool_grants (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    tool TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, tool)
) WITHOUT ROWID;
)sql";

}  // namespace

const std::vector<Migration>& history_migrations() {
    static const std::vector<Migration> ladder = {
        {1, kSchemaV1},
        {2, kSchemaV2},
        {3, kSchemaV3},
        {4, kSchemaV4},
    };
    return ladder;
}

std::int64_t latest_schema_version() {
    return history_migrations().back().version;
}

Status apply_migrations(Connection& connection, const std::vector<Migration>& ladder,
                        std::int64_t target) {
    auto current = connection.query_int("PRAGMA user_version");
    if (!current) return current.status();
    if (*current > target) {
        return Status(StatusCode::unsupported,
                      connection.file().string() + ": the history database has schema version " +
                          std::to_string(*current) + " but this Ponder knows versions up to " +
                          std::to_string(target) + "; it was written by a newer Ponder");
    }
    bool checked = false;
    for (const Migration& step : ladder) {
        if (step.version <= *current || step.version > target) continue;
        // Migrations run as plain SQL, past the check that guards each writing statement.
        if (!checked) {
            Status writable = check_before_write(connection.handle(), connection.file());
            if (!writable.ok()) return writable;
            checked = true;
        }
        auto transaction = Transaction::begin(connection);
        if (!transaction) return transaction.status();
        Status status = connection.exec(step.sql);
        if (status.ok()) {
            status = connection.exec("PRAGMA user_version = " + std::to_string(step.version));
        }
        if (status.ok()) status = transaction->commit();
        if (!status.ok()) {
            return Status(status.code(), "migrating the history database to schema version " +
                                             std::to_string(step.version) +
                                             " failed: " + status.message());
        }
    }
    return Status::success();
}

}  // namespace ponder::core
