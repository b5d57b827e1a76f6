// A history damaged in the middle of the file (issue 17): the damage is found before anything is
// written, nothing is ever written into it, an SQLITE_CORRUPT from a read switches every store
// of the file to read-only, and salvage copies out every conversation that still reads.
#include <QtTest>

#include <QDir>
#include <QTemporaryDir>

#include "app/core/storage/history_salvage.h"
#include "app/core/tools/builtin_tools.h"
#include "tests/unit/core/damaged_history.h"
#include "tests/unit/core/history_test_support.h"

using namespace history_test;
using damaged_history::hash_of;

namespace {

bool says(const std::string& message, const char* words) {
    return message.find(words) != std::string::npos;
}

// The same conversation: settings, pin, every message's text and place, the tool calls.
void compare_records(const ConversationRecord& got, const ConversationRecord& want) {
    QCOMPARE(got.conversation.id, want.conversation.id);
    QCOMPARE(got.conversation.title, want.conversation.title);
    QCOMPARE(got.conversation.pinned, want.conversation.pinned);
    // Salvage writes through the import, which grants nothing (issue 17): the tools and the
    // shared folder start from a new conversation's; every other setting is kept.
    ConversationSettings expected = want.conversation.settings;
    expected.enabled_tools = default_enabled_tools();
    expected.tool_folder.clear();
    QVERIFY(got.conversation.settings == expected);
    QCOMPARE(got.messages.size(), want.messages.size());
    for (size_t i = 0; i < want.messages.size(); ++i) {
        QCOMPARE(got.messages[i].text, want.messages[i].text);
        QCOMPARE(got.messages[i].role, want.messages[i].role);
        QCOMPARE(got.messages[i].channel, want.messages[i].channel);
        QCOMPARE(got.messages[i].parent_id.has_value(), want.messages[i].parent_id.has_value());
    }
    QCOMPARE(got.tool_calls.size(), want.tool_calls.size());
    for (size_t i = 0; i < want.tool_calls.size(); ++i) {
        QCOMPARE(got.tool_calls[i].tool_name, want.tool_calls[i].tool_name);
        QCOMPARE(got.tool_calls[i].result, want.tool_calls[i].result);
    }
}

}  // namespace

class TestHistoryDamage : public QObject {
    Q_OBJECT

  private slots:
    void openingASoundHistoryWritesNothing() {
        // Opening used to switch the journal mode and recover unconditionally; now a history
        // with nothing to recover is only read, so opening never needs the damage check.
        QTemporaryDir dir;
        const auto file = path_in(dir, "sound.sqlite3");
        const auto h = damaged_history::write_history(file);
        QVERIFY(!h.bravo.empty());
        const QByteArray before = hash_of(file);
        {
            auto store = open_store(file);
            QVERIFY(store);
            QCOMPARE(store->list_conversations()->size(), size_t(3));
            QVERIFY(!store->damage());
        }
        QCOMPARE(hash_of(file), before);
    }

    void damageIsFoundBeforeTheFirstWrite() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "damaged.sqlite3");
        const auto h = damaged_history::write_history(file);
        QVERIFY(!h.bravo.empty());
        QVERIFY(damaged_history::damage_bravo(file) >= 2);
        const QByteArray before = hash_of(file);
        {
            // Not noticed at open: that would mean reading the whole file at every open.
            auto store = open_store(file, {.recover_interrupted = false});
            QVERIFY(store);
            QVERIFY(!store->damage());

            auto created = store->create_conversation("written into a damaged file");
            QVERIFY(!created.ok());
            const std::string message = created.status().message();
            QVERIFY2(says(message, "damaged") && says(message, "nothing was changed") &&
                         says(message, "ponder-cli history salvage --db"),
                     message.c_str());
            QVERIFY(store->damage().has_value());
            // Every other write is refused too; reading what is sound still works.
            QVERIFY(!store->rename_conversation(h.alpha, "renamed").ok());
            QVERIFY(!store->append_message(h.alpha, new_message(MessageRole::user, "more")).ok());
            QVERIFY(!store->delete_conversation(h.charlie).ok());
            QVERIFY(!store->checkpoint().ok());
            auto alpha = store->load_conversation(h.alpha);
            REQUIRE_OK(alpha);
            QCOMPARE(alpha->conversation.title, std::string("Alpha"));
            QVERIFY(!store->load_conversation(h.bravo).ok());
            QVERIFY(!store->check_for_damage().ok());
        }
        QCOMPARE(hash_of(file), before);
        // The app opens with recovery: still opens, read-only, and still writes nothing.
        {
            auto store = open_store(file);
            QVERIFY(store);
            QVERIFY(!store->check_for_damage().ok());
            QVERIFY(!store->set_pinned(h.alpha, true).ok());
        }
        QCOMPARE(hash_of(file), before);
    }

    void aCorruptReadSwitchesEveryStoreToReadOnly() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "later.sqlite3");
        const auto h = damaged_history::write_history(file);
        QVERIFY(!h.bravo.empty());
        // The first store finds the file sound (and remembers it for the process)...
        auto first = open_store(file, {.recover_interrupted = false});
        QVERIFY(first);
        REQUIRE_OK(first->check_for_damage());
        // ... then the disk damages it while the store is open.
        QVERIFY(damaged_history::damage_bravo(file) >= 2);
        const QByteArray before = hash_of(file);
        {
            auto second = open_store(file, {.recover_interrupted = false});
            QVERIFY(second);
            auto bravo = second->load_conversation(h.bravo);
            QVERIFY(!bravo.ok());
            QVERIFY2(says(bravo.status().message(), "salvage"), bravo.status().message().c_str());
            QVERIFY(second->damage().has_value());
            auto renamed = second->rename_conversation(h.alpha, "renamed");
            QVERIFY(!renamed.ok());
            QVERIFY(says(renamed.message(), "damaged"));
            // The first store was told too: it no longer writes either.
            QVERIFY(first->damage().has_value());
            QVERIFY(!first->create_conversation("new").ok());
        }
        first.reset();
        QCOMPARE(hash_of(file), before);
    }

    void salvageCopiesEveryConversationThatStillReads() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "damaged.sqlite3");
        const auto out = path_in(dir, "salvaged.sqlite3");
        const auto h = damaged_history::write_history(file);
        QVERIFY(!h.bravo.empty());
        QVERIFY(damaged_history::damage_bravo(file) >= 2);
        const QByteArray before = hash_of(file);

        auto report = salvage_history(file, out);
        REQUIRE_OK(report);
        QCOMPARE(report->copied.size(), size_t(2));
        QVERIFY(std::count(report->copied.begin(), report->copied.end(), h.alpha) == 1);
        QVERIFY(std::count(report->copied.begin(), report->copied.end(), h.charlie) == 1);
        QCOMPARE(report->messages, std::int64_t(16));
        QCOMPARE(report->lost.size(), size_t(1));
        QCOMPARE(report->lost[0].id, h.bravo);
        QCOMPARE(report->lost[0].title, std::string("Bravo"));
        QCOMPARE(hash_of(file), before);

        // The new history is whole and writable: the copies are complete, under their ids.
        auto salvaged = open_store(out);
        QVERIFY(salvaged);
        REQUIRE_OK(salvaged->check_for_damage());
        QCOMPARE(*salvaged->count_conversations(), std::int64_t(2));
        auto alpha = salvaged->load_conversation(h.alpha);
        REQUIRE_OK(alpha);
        compare_records(*alpha, h.alpha_record);
        auto charlie = salvaged->load_conversation(h.charlie);
        REQUIRE_OK(charlie);
        compare_records(*charlie, h.charlie_record);
        QVERIFY(!salvaged->load_conversation(h.bravo).ok());
        SearchOptions query;
        query.text = "alpha";
        QVERIFY(!salvaged->search(query)->empty());
        REQUIRE_OK(salvaged->create_conversation("after the salvage"));
        // Only the two histories (and the new one's WAL files) are in the folder.
        for (const QString& name : QDir(dir.path()).entryList(QDir::Files)) {
            QVERIFY2(name.startsWith("damaged.sqlite3") || name.startsWith("salvaged.sqlite3"),
                     qPrintable(name));
            QVERIFY2(!name.contains("salvage-"), qPrintable(name));
        }
    }

    void salvageOfASoundHistoryCopiesEverything() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "sound.sqlite3");
        const auto h = damaged_history::write_history(file);
        QVERIFY(!h.bravo.empty());
        auto report = salvage_history(file, path_in(dir, "copy.sqlite3"));
        REQUIRE_OK(report);
        QCOMPARE(report->copied.size(), size_t(3));
        QVERIFY(report->lost.empty());
        QCOMPARE(report->messages, std::int64_t(24));
    }

    void salvageNeverReplacesAFile() {
        QTemporaryDir dir;
        const auto file = path_in(dir, "damaged.sqlite3");
        const auto h = damaged_history::write_history(file);
        QVERIFY(!h.bravo.empty());
        QVERIFY(damaged_history::damage_bravo(file) >= 2);
        const QByteArray before = hash_of(file);
        const auto existing = path_in(dir, "notes.txt");
        write_file(existing, "keep me");
        auto refused = salvage_history(file, existing);
        QVERIFY(!refused.ok());
        QVERIFY(says(refused.status().message(), "already exists"));
        QCOMPARE(file_bytes(existing), QByteArray("keep me"));
        // Onto the damaged file itself: refused the same way.
        QVERIFY(!salvage_history(file, file).ok());
        QCOMPARE(hash_of(file), before);
        // A file that is not there.
        QVERIFY(!salvage_history(path_in(dir, "missing.sqlite3"), path_in(dir, "x.sqlite3")).ok());
    }
};

QTEST_GUILESS_MAIN(TestHistoryDamage)
#include "test_history_damage.moc"
