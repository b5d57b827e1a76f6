// HistoryStore: Ponder's chat history in one SQLite file (docs/architecture.md §6).
//
// What it guarantees
// - Every change is a transaction; a crash or power loss never loses a conversation, and a
//   streaming answer loses at most its last commit interval (MessageStream, default 0.5 s).
// - The schema changes only through numbered migrations; a file written by a newer Ponder, another
//   program's SQLite file, a file that is not a database or one cut short is refused with a clear
//   Status and left byte for byte as it was.
// - Delete is undoable (the trash); purge is final and secure: rows are overwritten
//   (secure_delete), the full-text index is rewritten without them and the WAL is truncated.
// - Text is stored as valid UTF-8: invalid bytes from callers become U+FFFD (see utf8.h).
//
// Thread-safety: a HistoryStore is one SQLite connection; use it from one thread at a time (the
// GUI's worker owns one, the UI thread may open its own). Several stores, in one process or
// several, may share a file: WAL lets readers work during a write, and a writer waits up to
// 5 s for another writer's lock before failing with "locked".
//
// Failure: every call returns Status/Result; nothing throws. Unknown conversation ids give
// invalid_argument; a damaged file gives io_error with a message that says so.
//
// Damage: a file damaged in the middle (random bytes over a few pages) is not noticed at open,
// because finding it means reading the whole file. Before the first write the store runs
// PRAGMA quick_check (file_health.h), and any SQLITE_CORRUPT marks the file damaged too. From
// then on the store is read-only: every write is refused with a message that says how to
// salvage (history_salvage.h), and the file is left byte for byte as it was.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/core/storage/history_types.h"
#include "engine/status.h"

namespace ponder::core {

class Connection;
class MessageStream;

struct OpenOptions {
    // Marks answers that a previous run left 'generating' (it crashed, or the power failed) as
    // 'stopped' with state_detail "interrupted", keeping their text, and unfinished tool calls as
    // failed with error "interrupted". The app's own store opens with this (the default); a tool
    // that may run beside a live app (ponder-cli) passes false so it cannot cut off an answer
    // that is still being written.
    bool recover_interrupted = true;
    // Opens an existing file for reading only (SQLite's read-only mode: no write can reach the
    // file, and nothing is migrated or recovered). For salvaging a damaged history.
    bool read_only = false;
};

// A conversation a damaged file still names (see HistoryStore::conversation_names).
struct ConversationName {
    std::string id;
    std::string title;  // "" when only the id could be read
};

struct ListOptions {
    std::int64_t limit = 50;
    std::int64_t offset = 0;
    bool trash = false;  // list the trash instead (most recently deleted first)
};

struct SearchOptions {
    // The user's words: every word must occur (in any order), diacritics and case ignored; a word
    // ending in '*' matches as a prefix; "quoted words" match as a phrase. FTS syntax characters
    // are taken literally, so any input is safe.
    std::string text;
    // Put around each matched word in the snippet. The snippet is plain text otherwise: a GUI
    // that renders markup picks markers that cannot occur in text (e.g. "\x01"/"\x02"), escapes
    // the snippet, then replaces the markers.
    std::string open_marker = "[";
    std::string close_marker = "]";
    std::string ellipsis = "…";
    int snippet_tokens = 16;  // words of context per snippet (1-64)
    std::int64_t limit = 20;
    std::int64_t offset = 0;
    // Ranking costs time per matching message (about 0.4 s for 150,000 matches), so when more
    // messages match than this, only the newest `rank_window` of them are ranked: an unspecific
    // word shows its best recent matches. 0 ranks every match.
    std::int64_t rank_window = 5000;
};

struct SearchHit {
    std::string conversation_id;
    std::string conversation_title;
    std::optional<MessageId> message_id;   // none when the title matched
    MessageRole role = MessageRole::user;  // of the message (user for a title hit)
    std::string channel;                   // of the message: "final" answer, "analysis" reasoning
    std::string snippet;                   // matched words between the markers
    double rank = 0;                       // BM25 from its index; lower is a better match
};

struct StreamOptions {
    // A streamed message is committed at the first append() after this much time has passed
    // since the last commit: a crash loses at most this much generated text.
    std::chrono::milliseconds commit_interval{500};
};

class HistoryStore {
  public:
    // Opens or creates the history at `file` (its folder is created if missing), applies pending
    // migrations and turns on WAL, foreign keys and secure delete. See the top of this file for
    // what is refused. default_database_path() (data_paths.h) is where the app keeps it.
    static Result<std::unique_ptr<HistoryStore>> open(const std::filesystem::path& file,
                                                      const OpenOptions& options = {});
    ~HistoryStore();
    HistoryStore(const HistoryStore&) = delete;
    HistoryStore& operator=(const HistoryStore&) = delete;

    const std::filesystem::path& file() const;

    // --- damage ------------------------------------------------------------------------------
    // What SQLite said when this file was found damaged, by this store or another store of the
    // same file in this process; nullopt while it is not known to be. A damaged history stays
    // readable and refuses every write.
    std::optional<std::string> damage() const;
    // Looks for damage now (PRAGMA quick_check over the whole file) unless this process already
    // has since the file was opened. Ok when sound; the refusal that writes would get when
    // damaged. The app calls it in the background after opening; otherwise the first write
    // does.
    Status check_for_damage();
    // Every conversation the file still names, the trash included, in row order, skipping
    // what cannot be read: the conversations table is scanned row by row past damaged pages,
    // and the id index adds the ids whose rows are lost. For salvage.
    std::vector<ConversationName> conversation_names();

    // --- conversations -----------------------------------------------------------------------
    Result<Conversation> create_conversation(std::string_view title,
                                             const ConversationSettings& settings = {});
    // Also finds conversations in the trash (deleted_at set).
    Result<Conversation> conversation(std::string_view id);
    // Pinned first, then most recently updated (updated_at moves when a message is added).
    Result<std::vector<Conversation>> list_conversations(const ListOptions& options = {});
    Result<std::int64_t> count_conversations();  // not counting the trash
    Status rename_conversation(std::string_view id, std::string_view title);
    Status set_pinned(std::string_view id, bool pinned);
    // Replaces all settings; invalid values (temperature < 0, top_p outside (0, 1], ...) are
    // refused with a message naming the field.
    Status update_settings(std::string_view id, const ConversationSettings& settings);
    // Moves to the trash (undo with restore_conversation). Hidden from listing and search.
    Status delete_conversation(std::string_view id);
    Status restore_conversation(std::string_view id);
    // Deletes for good, from the trash or not: overwrites the rows, rewrites the search index
    // without them and truncates the WAL, so the text is in neither file afterwards. Costs a
    // rewrite of the search index (measured by `ponder-cli history bench`).
    Status purge_conversation(std::string_view id);
    // Purges everything that went to the trash at or before `deleted_before`; returns how many.
    Result<std::int64_t> purge_trash(Timestamp deleted_before);
    // Removes the conversation if it has no messages: one made for a first turn that could not
    // start, which would otherwise linger in the list as an empty "(untitled)". Returns whether it
    // was removed; a conversation with messages is left alone (false).
    Result<bool> discard_if_empty(std::string_view id);

    // --- messages ----------------------------------------------------------------------------
    // Adds a finished message (state complete/stopped/error; stream answers with start_stream)
    // under `message.parent`, makes it the conversation's active leaf and moves the conversation
    // up the list. A second message under the same parent is a sibling (regenerate, edit).
    Result<Message> append_message(std::string_view conversation_id, const NewMessage& message);
    Result<Message> message(MessageId id);
    // The conversation, all its messages (every branch, ascending id) and tool calls. Build a
    // ConversationTree from `messages` for the visible path and sibling navigation.
    Result<ConversationRecord> load_conversation(std::string_view id);
    // Shows the branch through `message_id`: the active leaf becomes the newest leaf below it.
    // Returns that leaf.
    Result<MessageId> select_branch(std::string_view conversation_id, MessageId message_id);

    // Creates `message` in state 'generating' (as append_message does) and returns the writer
    // that streams its text. The store must outlive the stream.
    Result<MessageStream> start_stream(std::string_view conversation_id, const NewMessage& message,
                                       const StreamOptions& options = {});

    // --- tool calls --------------------------------------------------------------------------
    Result<ToolCall> add_tool_call(MessageId message_id, std::string_view tool_name,
                                   std::string_view arguments,
                                   ToolApproval approval = ToolApproval::pending);
    Result<ToolCall> tool_call(ToolCallId id);
    Status set_tool_approval(ToolCallId id, ToolApproval approval);
    // Whether the user allowed `tool_name` "always" in this conversation (grant_tool_always):
    // the standing permission the tool runner honours without asking. Both spellings match:
    // "functions.calculator" and "calculator". It is never derived from the tool calls' approval
    // column, which import copies from files; nothing that import writes can grant it.
    Result<bool> tool_always_approved(std::string_view conversation_id, std::string_view tool_name);
    // Records the user's "always" for `tool_name` in this conversation (idempotent). Only the
    // tool runner calls this, with the user's answer; it lasts until the conversation is purged.
    Status grant_tool_always(std::string_view conversation_id, std::string_view tool_name);
    Status start_tool_call(ToolCallId id);  // started_at = now
    // finished_at = now, duration_ms = finished_at - started_at. `result` is the complete output.
    Status finish_tool_call(ToolCallId id, std::optional<std::string> result,
                            std::optional<std::string> error);

    // --- search ------------------------------------------------------------------------------
    // Full-text search over user and assistant messages (answers, reasoning, tool preambles) once
    // they finished generating, and over titles. Best matches first; the trash is not searched.
    // Empty or punctuation-only text finds nothing.
    Result<std::vector<SearchHit>> search(const SearchOptions& options);

    // --- import and batches ------------------------------------------------------------------
    // Writes whole conversations (e.g. from an export file) in one transaction: all or nothing.
    // A conversation id that already exists (or repeats in `records`) gets a new UUID; message
    // and tool-call ids are the records' own and are renumbered. Returns the ids used, in order.
    // A file grants nothing: every imported conversation gets the default tools
    // (default_enabled_tools()) and no shared folder, whatever the record says, and no "always"
    // permission (tool calls keep their recorded approval, which only the transcript shows).
    Result<std::vector<std::string>> import_conversations(
        const std::vector<ConversationRecord>& records);
    // Runs `body` in one transaction (nested calls join it): committed when body returns ok,
    // rolled back otherwise. Use for bulk writes; each call alone is already atomic.
    Status transaction(const std::function<Status()>& body);

    // --- housekeeping ------------------------------------------------------------------------
    // What OpenOptions::recover_interrupted does; returns the number of messages marked.
    Result<std::int64_t> recover_interrupted();
    // Copies the WAL into the database file and truncates the WAL. Fails with "locked" while
    // another connection is reading; try again later.
    Status checkpoint();
    Result<std::int64_t> count_messages();  // all messages, the trash included

  private:
    friend class MessageStream;
    explicit HistoryStore(std::unique_ptr<Connection> connection);
    Status configure(const OpenOptions& options);
    // Whether the file holds rows a crash left unfinished (a read, so that opening a history
    // that has none writes nothing and need not check the file first).
    Result<bool> has_interrupted();
    // The row id of a conversation; invalid_argument when unknown (or in the trash unless
    // `allow_trash`).
    Result<std::int64_t> conversation_row(std::string_view id, bool allow_trash);
    // append_message and start_stream: checks, insert, and the conversation's leaf and time.
    Result<Message> add_message(std::string_view conversation_id, const NewMessage& message,
                                bool streaming);
    // The bare INSERT (for add_message and import); `message` is already repaired and checked.
    Result<MessageId> insert_message_row(std::int64_t conversation_row, const NewMessage& message,
                                         Timestamp created_at);
    Status write_stream_text(MessageId id, std::string_view text);
    Status finish_stream(MessageId id, std::string_view text, MessageState state,
                         std::string_view detail, const MessageMetrics& metrics);
    Status insert_record(const ConversationRecord& record, const std::string& uuid);

    std::unique_ptr<Connection> connection_;
};

// Writes one message's text as it is generated (see HistoryStore::start_stream). The caller
// appends deltas as tokens arrive; the stream commits them at most once per commit interval and
// finish() commits the rest with the final state and metrics. Deltas may split a UTF-8
// character (byte-level tokens do): the unfinished bytes are held back until completed.
//
// If the stream is destroyed without finish(), it commits what it has and the message stays
// 'generating' until the next open with recover_interrupted marks it 'stopped'/"interrupted".
// Same thread as its store.
class MessageStream {
  public:
    MessageStream(MessageStream&& other) noexcept;
    MessageStream& operator=(MessageStream&&) = delete;
    MessageStream(const MessageStream&) = delete;
    MessageStream& operator=(const MessageStream&) = delete;
    ~MessageStream();

    MessageId id() const { return id_; }
    // The text so far (without a held-back partial character).
    const std::string& text() const { return text_; }
    std::int64_t commits() const { return commits_; }  // checkpoints written so far

    Status append(std::string_view delta);
    // Commits now (e.g. before a tool call that may take long).
    Status checkpoint();
    // Ends the stream: state complete, stopped (the user pressed Stop) or error (`detail` says
    // why). Later calls fail.
    Status finish(MessageState state, const MessageMetrics& metrics = {},
                  std::string_view detail = {});

  private:
    friend class HistoryStore;
    MessageStream(HistoryStore* store, MessageId id, std::chrono::milliseconds interval);

    HistoryStore* store_;
    MessageId id_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point last_commit_;
    std::string text_;     // valid UTF-8 received so far
    std::string pending_;  // 0-3 bytes of a character whose remaining bytes have not arrived
    bool dirty_ = false;   // text_ has changed since the last commit
    bool finished_ = false;
    std::int64_t commits_ = 0;
};

}  // namespace ponder::core
