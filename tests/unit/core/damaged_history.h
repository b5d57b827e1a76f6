// A real history with three conversations and real damage in the middle of the file: every page
// that holds only Bravo's messages is overwritten with other bytes, as a failing disk or a
// stray write would leave it. Shared by the store's and the CLI's damage tests.
#pragma once

#include <QtTest>

#include <QCryptographicHash>
#include <QFile>
#include <filesystem>
#include <string>

#include "app/core/storage/history_store.h"

namespace damaged_history {

using namespace ponder::core;

struct History {
    std::string alpha, bravo, charlie;
    ConversationRecord alpha_record, charlie_record;  // as written, before the damage
};

inline QByteArray read_bytes(const std::filesystem::path& file) {
    QFile f(QString::fromStdString(file.string()));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

inline QByteArray hash_of(const std::filesystem::path& file) {
    return QCryptographicHash::hash(read_bytes(file), QCryptographicHash::Sha256).toHex();
}

// About 1.7 KB: two messages fill a 4 KiB page, so each conversation's messages have pages of
// their own. The marker is upper case with a hyphen, so the search index (lower-case words)
// never holds it: only the messages' own pages do.
inline std::string payload(const std::string& marker, int index) {
    std::string text = "Message " + std::to_string(index) + " of " + marker + ":";
    while (text.size() < 1700)
        text += " " + marker + "-PAYLOAD-" + std::to_string(index);
    return text;
}

inline std::string add_conversation(HistoryStore& store, const std::string& title,
                                    const std::string& marker) {
    auto conversation = store.create_conversation(title);
    if (!conversation) {
        qWarning("create_conversation: %s", conversation.status().message().c_str());
        return {};
    }
    std::optional<MessageId> parent;
    for (int i = 0; i < 8; ++i) {
        NewMessage m;
        m.role = i % 2 == 0 ? MessageRole::user : MessageRole::assistant;
        if (i % 2 == 1) m.channel = "final";
        m.text = payload(marker, i);
        m.parent = parent;
        auto stored = store.append_message(conversation->id, m);
        if (!stored) {
            qWarning("append_message: %s", stored.status().message().c_str());
            return {};
        }
        parent = stored->id;
        if (i == 3) {
            auto call = store.add_tool_call(stored->id, "calculator", "{\"expression\":\"6*7\"}",
                                            ToolApproval::approved_once);
            if (!call || !store.finish_tool_call(call->id, std::string("42"), {}).ok()) return {};
        }
    }
    return conversation->id;
}

// Writes the history and checkpoints it, so that every page is in the main file.
inline History write_history(const std::filesystem::path& file) {
    History h;
    auto store = HistoryStore::open(file);
    if (!store) {
        qWarning("open: %s", store.status().message().c_str());
        return h;
    }
    h.alpha = add_conversation(**store, "Alpha", "ALPHA");
    h.bravo = add_conversation(**store, "Bravo", "BRAVO");
    h.charlie = add_conversation(**store, "Charlie", "CHARLIE");
    (void)(*store)->set_pinned(h.charlie, true);
    h.alpha_record = *(*store)->load_conversation(h.alpha);
    h.charlie_record = *(*store)->load_conversation(h.charlie);
    (void)(*store)->checkpoint();
    return h;
}

// Overwrites, whole, each table page that holds Bravo's text and nothing of the others.
// Returns how many pages were overwritten.
inline int damage_bravo(const std::filesystem::path& file) {
    QByteArray bytes = read_bytes(file);
    if (bytes.size() < 100) return 0;
    int page_size =
        (static_cast<unsigned char>(bytes[16]) << 8) | static_cast<unsigned char>(bytes[17]);
    if (page_size == 1) page_size = 65536;
    int damaged = 0;
    for (qsizetype start = page_size; start + page_size <= bytes.size(); start += page_size) {
        const QByteArray page = bytes.mid(start, page_size);
        const bool table_leaf = page[0] == char(0x0D);
        if (!table_leaf || !page.contains("BRAVO-PAYLOAD") || page.contains("ALPHA-PAYLOAD") ||
            page.contains("CHARLIE-PAYLOAD")) {
            continue;
        }
        // Not a valid page type at offset 0 (0x5a), then bytes that vary.
        for (qsizetype i = 0; i < page_size; ++i)
            bytes[start + i] = char((i * 131) ^ 0x5a);
        ++damaged;
    }
    QFile f(QString::fromStdString(file.string()));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
    if (f.write(bytes) != bytes.size()) return 0;
    return damaged;
}

}  // namespace damaged_history
