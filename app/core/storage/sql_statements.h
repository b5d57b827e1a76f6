// Every SQL statement the history store runs, as named constants (the schema itself is in
// schema.cpp). Connection::cached() keys prepared statements by these constants' addresses.
// Column lists are spelled out once per row type so the readers in row_readers.cpp match them.
#pragma once

namespace ponder::core::sql {

// Connection settings, applied on every open (they are per connection, not stored in the file).
// synchronous=FULL makes each commit durable across power loss, which the once-a-second
// streaming checkpoints rely on; in WAL mode it costs one fsync per commit.
inline constexpr const char* kConnectionSettings = R"sql(
PRAGMA foreign_keys = ON;
PRAGMA secure_delete = ON;
PRAGMA synchronous = FULL;
PRAGMA journal_size_limit = 4194304;
PRAGMA cache_size = -16384;
)sql";
inline constexpr const char* kEnableWal = "PRAGMA journal_mode = WAL";
// Streaming checkpoints only (message_stream.cpp): commit without fsync, then back to FULL.
inline constexpr const char* kSynchronousNormal = "PRAGMA synchronous = NORMAL";
inline constexpr const char* kSynchronousFull = "PRAGMA synchronous = FULL";
inline constexpr const char* kUserVersion = "PRAGMA user_version";
inline constexpr const char* kApplicationId = "PRAGMA application_id";
inline constexpr const char* kCountSchemaObjects = "SELECT count(*) FROM sqlite_schema";
// Copies the WAL into the database and truncates the WAL file to zero bytes, so deleted text
// does not linger in old WAL frames. Row: (busy, wal frames, frames checkpointed).
inline constexpr const char* kCheckpointTruncate = "PRAGMA wal_checkpoint(TRUNCATE)";

// --- conversations -------------------------------------------------------------------------
// Columns read by read_conversation(): keep in this order.
#define PONDER_CONVERSATION_COLUMNS                                                            \
    "c.uuid, c.title, c.created_at, c.updated_at, c.pinned, c.deleted_at, c.model, "           \
    "c.reasoning_effort, c.developer_instructions, c.temperature, c.top_p, c.top_k, c.min_p, " \
    "c.seed, c.max_output_tokens, c.context_policy, c.enabled_tools, c.active_leaf_id, "       \
    "c.tool_folder "

// kInsertConversation (from ?7) and kUpdateSettings (from ?2) list the settings columns in the
// order bind_settings() binds them.
inline constexpr const char* kInsertConversation = R"sql(
INSERT INTO conversations (uuid, title, created_at, updated_at, pinned, deleted_at, model,
    reasoning_effort, developer_instructions, temperature, top_p, top_k, min_p, seed,
    max_output_tokens, context_policy, enabled_tools, tool_folder)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
)sql";
inline constexpr const char* kSelectConversation =
    "SELECT " PONDER_CONVERSATION_COLUMNS ", c.id FROM conversations c WHERE c.uuid = ?1";
inline constexpr const char* kConversationRowId =
    "SELECT id, deleted_at FROM conversations WHERE uuid = ?1";
inline constexpr const char* kUuidExists = "SELECT 1 FROM conversations WHERE uuid = ?1";
// The sidebar order; matches the partial index conversations_listing.
inline constexpr const char* kListConversations =
    "SELECT " PONDER_CONVERSATION_COLUMNS
    "FROM conversations c WHERE c.deleted_at IS NULL "
    "ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ?1 OFFSET ?2";
inline constexpr const char* kListTrash =
    "SELECT " PONDER_CONVERSATION_COLUMNS
    "FROM conversations c WHERE c.deleted_at IS NOT NULL "
    "ORDER BY c.deleted_at DESC, c.id DESC LIMIT ?1 OFFSET ?2";
// Salvage (store_salvage.cpp): the table in row order from a row id, one row id alone, and the
// ids as the uuid index (UNIQUE) holds them, read without touching the table.
inline constexpr const char* kMaxConversationRow = "SELECT max(id) FROM conversations";
inline constexpr const char* kConversationNamesAfter =
    "SELECT id, uuid, title FROM conversations WHERE id > ?1 ORDER BY id";
inline constexpr const char* kConversationNameAt =
    "SELECT id, uuid, title FROM conversations WHERE id = ?1";
inline constexpr const char* kConversationIdsByIndex =
    "SELECT uuid FROM conversations INDEXED BY sqlite_autoindex_conversations_1 ORDER BY uuid";
inline constexpr const char* kCountConversations =
    "SELECT count(*) FROM conversations WHERE deleted_at IS NULL";
inline constexpr const char* kRenameConversation =
    "UPDATE conversations SET title = ?2 WHERE uuid = ?1";
inline constexpr const char* kSetPinned = "UPDATE conversations SET pinned = ?2 WHERE uuid = ?1";
inline constexpr const char* kUpdateSettings = R"sql(
UPDATE conversations SET model = ?2, reasoning_effort = ?3, developer_instructions = ?4,
    temperature = ?5, top_p = ?6, top_k = ?7, min_p = ?8, seed = ?9, max_output_tokens = ?10,
    context_policy = ?11, enabled_tools = ?12, tool_folder = ?13
WHERE uuid = ?1
)sql";
inline constexpr const char* kSoftDelete =
    "UPDATE conversations SET deleted_at = ?2 WHERE uuid = ?1 AND deleted_at IS NULL";
inline constexpr const char* kRestore =
    "UPDATE conversations SET deleted_at = NULL WHERE uuid = ?1";
inline constexpr const char* kPurgeConversation = "DELETE FROM conversations WHERE uuid = ?1";
inline constexpr const char* kTrashToPurge =
    "SELECT EXISTS (SELECT 1 FROM conversations WHERE deleted_at IS NOT NULL AND "
    "deleted_at <= ?1)";
inline constexpr const char* kPurgeTrash =
    "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?1";
// A conversation without messages; its settings and tool grants go with it.
inline constexpr const char* kDeleteIfEmpty =
    "DELETE FROM conversations WHERE id = ?1 AND NOT EXISTS "
    "(SELECT 1 FROM messages WHERE conversation_id = ?1)";
inline constexpr const char* kSetActiveLeaf =
    "UPDATE conversations SET active_leaf_id = ?2 WHERE id = ?1";
// After a message is added: it becomes the visible leaf and the conversation moves up the list.
inline constexpr const char* kTouchConversation =
    "UPDATE conversations SET active_leaf_id = ?2, updated_at = max(updated_at, ?3) WHERE id = ?1";
// Rewrites the full-text indexes as single segments. FTS5 deletes only add tombstones, so the
// purged text's tokens stay in older segments until they are merged away; this merges now.
inline constexpr const char* kOptimizeMessageSearch =
    "INSERT INTO message_search(message_search) VALUES ('optimize')";
inline constexpr const char* kOptimizeTitleSearch =
    "INSERT INTO title_search(title_search) VALUES ('optimize')";

#undef PONDER_CONVERSATION_COLUMNS

// --- messages ------------------------------------------------------------------------------
// Columns read by read_message(): keep in this order.
#define PONDER_MESSAGE_COLUMNS                                                                   \
    "m.id, m.parent_id, m.role, m.author_name, m.channel, m.recipient, m.content_type, m.text, " \
    "m.state, m.state_detail, m.created_at, m.effort, m.prompt_tokens, m.completion_tokens, "    \
    "m.reasoning_tokens, m.ttft_ms, m.reasoning_ms, m.tokens_per_second "

inline constexpr const char* kInsertMessage = R"sql(
INSERT INTO messages (conversation_id, parent_id, role, author_name, channel, recipient,
    content_type, text, state, state_detail, created_at, effort, prompt_tokens, completion_tokens,
    reasoning_tokens, ttft_ms, reasoning_ms, tokens_per_second)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
)sql";
inline constexpr const char* kSelectMessages =
    "SELECT " PONDER_MESSAGE_COLUMNS "FROM messages m WHERE m.conversation_id = ?1 ORDER BY m.id";
inline constexpr const char* kSelectMessage =
    "SELECT " PONDER_MESSAGE_COLUMNS "FROM messages m WHERE m.id = ?1";
inline constexpr const char* kMessageConversation =
    "SELECT conversation_id FROM messages WHERE id = ?1";
inline constexpr const char* kNewestChild =
    "SELECT id FROM messages WHERE parent_id = ?1 ORDER BY id DESC LIMIT 1";
// A streaming checkpoint: only while generating, so a late checkpoint cannot undo finish().
inline constexpr const char* kCheckpointText =
    "UPDATE messages SET text = ?2 WHERE id = ?1 AND state = 'generating'";
inline constexpr const char* kFinishMessage = R"sql(
UPDATE messages SET text = ?2, state = ?3, state_detail = ?4, effort = coalesce(?5, effort),
    prompt_tokens = ?6, completion_tokens = ?7, reasoning_tokens = ?8, ttft_ms = ?9,
    reasoning_ms = ?10, tokens_per_second = ?11
WHERE id = ?1 AND state = 'generating'
)sql";
// Answers left 'generating' by a crash or power loss: keep their text, say what happened.
inline constexpr const char* kMarkInterrupted =
    "UPDATE messages SET state = 'stopped', state_detail = 'interrupted' "
    "WHERE state = 'generating'";
inline constexpr const char* kCountMessages = "SELECT count(*) FROM messages";
// Whether kMarkInterrupted or kMarkToolCallsInterrupted would change a row.
inline constexpr const char* kHasInterrupted =
    "SELECT EXISTS (SELECT 1 FROM messages WHERE state = 'generating') "
    "OR EXISTS (SELECT 1 FROM tool_calls WHERE finished_at IS NULL)";

#undef PONDER_MESSAGE_COLUMNS

// --- tool calls ----------------------------------------------------------------------------
#define PONDER_TOOL_CALL_COLUMNS                                                    \
    "t.id, t.message_id, t.tool_name, t.arguments, t.approval, t.result, t.error, " \
    "t.started_at, t.finished_at, t.duration_ms "

inline constexpr const char* kInsertToolCall = R"sql(
INSERT INTO tool_calls (message_id, tool_name, arguments, approval, result, error, started_at,
    finished_at, duration_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
)sql";
inline constexpr const char* kSelectToolCalls =
    "SELECT " PONDER_TOOL_CALL_COLUMNS
    "FROM tool_calls t JOIN messages m ON m.id = t.message_id "
    "WHERE m.conversation_id = ?1 ORDER BY t.id";
inline constexpr const char* kSelectToolCall =
    "SELECT " PONDER_TOOL_CALL_COLUMNS "FROM tool_calls t WHERE t.id = ?1";
// Whether the user allowed `tool` (its bare name, "calculator") "always" in this conversation.
inline constexpr const char* kToolAlwaysApproved = R"sql(
SELECT EXISTS (SELECT 1 FROM tool_grants g JOIN conversations c ON c.id = g.conversation_id
    WHERE c.uuid = ?1 AND g.tool = ?2)
)sql";
// The user answered "always": remember it (?1 conversation row, ?2 bare tool name, ?3 now).
inline constexpr const char* kGrantToolAlways =
    "INSERT OR IGNORE INTO tool_grants (conversation_id, tool, granted_at) VALUES (?1, ?2, ?3)";
inline constexpr const char* kSetToolApproval = "UPDATE tool_calls SET approval = ?2 WHERE id = ?1";
inline constexpr const char* kStartToolCall = "UPDATE tool_calls SET started_at = ?2 WHERE id = ?1";
inline constexpr const char* kFinishToolCall = R"sql(
UPDATE tool_calls SET result = ?2, error = ?3, finished_at = ?4,
    duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE max(0, ?4 - started_at) END
WHERE id = ?1
)sql";
// Tool calls that were waiting for approval or running when the app died: they never finish.
inline constexpr const char* kMarkToolCallsInterrupted = R"sql(
UPDATE tool_calls SET error = 'interrupted', finished_at = ?1,
    duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE max(0, ?1 - started_at) END
WHERE finished_at IS NULL
)sql";

#undef PONDER_TOOL_CALL_COLUMNS

// --- full-text search ----------------------------------------------------------------------
// The id of the ?2-th newest matching message (0-based), or no row when fewer match. Walking the
// index by rowid is cheap; ranking is not (BM25 for every match), so a word found in a quarter
// of a million messages is ranked only among its newest matches (see SearchOptions).
inline constexpr const char* kSearchRankBound =
    "SELECT rowid FROM message_search WHERE message_search MATCH ?1 "
    "ORDER BY rowid DESC LIMIT 1 OFFSET ?2";
// ?1 query, ?2/?3 highlight markers, ?4 ellipsis, ?5 tokens per snippet, ?6 rows wanted, ?7 the
// lowest message id to rank. FTS5 consumes "ORDER BY rank" itself, so snippet() runs only for
// the rows returned.
inline constexpr const char* kSearchMessages = R"sql(
SELECT c.uuid, c.title, m.id, m.role, m.channel,
    snippet(message_search, 0, ?2, ?3, ?4, ?5), message_search.rank
FROM message_search
JOIN messages m ON m.id = message_search.rowid
JOIN conversations c ON c.id = m.conversation_id
WHERE message_search MATCH ?1 AND message_search.rowid >= ?7 AND c.deleted_at IS NULL
ORDER BY message_search.rank LIMIT ?6
)sql";
inline constexpr const char* kSearchTitles = R"sql(
SELECT c.uuid, c.title, highlight(title_search, 0, ?2, ?3), title_search.rank
FROM title_search
JOIN conversations c ON c.id = title_search.rowid
WHERE title_search MATCH ?1 AND c.deleted_at IS NULL
ORDER BY title_search.rank LIMIT ?4
)sql";

}  // namespace ponder::core::sql
