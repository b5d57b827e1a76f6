// The window's list models tell views what changed instead of resetting: a reset makes a
// ListView rebuild every visible row, which ponder-ui-bench measured at 70-90 ms at the start
// and end of every answer (the sidebar) and ~100 ms when an answer finished (the chat view).
// ConversationListModel after a message, a new conversation, a rename and a delete, and
// MessageListModel when the conversation on show is reloaded, against a real SQLite history.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include "app/core/storage/history_store.h"
#include "app/gui/conversation_list_model.h"
#include "app/gui/message_list_model.h"

using namespace ponder;
using ponder::gui::ConversationListModel;
using ponder::gui::MessageListModel;

namespace {

// Every structural signal a view reacts to, counted.
struct Changes {
    explicit Changes(QAbstractItemModel* model)
        : resets(model, &QAbstractItemModel::modelReset),
          inserted(model, &QAbstractItemModel::rowsInserted),
          removed(model, &QAbstractItemModel::rowsRemoved),
          moved(model, &QAbstractItemModel::rowsMoved),
          changed(model, &QAbstractItemModel::dataChanged) {}
    QSignalSpy resets, inserted, removed, moved, changed;
};

QStringList titles(const ConversationListModel& model) {
    QStringList out;
    for (int i = 0; i < model.rowCount(); ++i)
        out << model.data(model.index(i), ConversationListModel::TitleRole).toString();
    return out;
}

core::NewMessage userMessage(const std::string& text, std::optional<core::MessageId> parent,
                             core::Timestamp at) {
    core::NewMessage message;
    message.parent = parent;
    message.role = core::MessageRole::user;
    message.text = text;
    message.created_at = at;
    return message;
}

}  // namespace

class TestGuiModels : public QObject {
    Q_OBJECT

  private slots:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        QVERIFY(dir_->isValid());
        auto store = core::HistoryStore::open(dir_->filePath("history.sqlite3").toStdString());
        QVERIFY(store.ok());
        store_ = std::move(*store);
    }
    void cleanup() {
        store_.reset();
        dir_.reset();
    }

    void conversationListReportsOnlyWhatChanged() {
        std::vector<std::string> ids;
        for (const char* title : {"A", "B", "C", "D"})
            ids.push_back(store_->create_conversation(title)->id);
        ConversationListModel model;
        QAbstractItemModelTester tester(&model);
        QVERIFY(model.refresh(*store_, {}).isEmpty());
        QCOMPARE(titles(model), (QStringList{"D", "C", "B", "A"}));  // newest first

        // A new conversation: one row inserted on top.
        {
            Changes changes(&model);
            QVERIFY(store_->create_conversation("E").ok());
            QVERIFY(model.refresh(*store_, {}).isEmpty());
            QCOMPARE(titles(model), (QStringList{"E", "D", "C", "B", "A"}));
            QCOMPARE(changes.inserted.count(), 1);
            QCOMPARE(changes.inserted.first().at(1).toInt(), 0);
            QCOMPARE(changes.resets.count() + changes.removed.count() + changes.moved.count(), 0);
        }
        // A message in B moves it to the top: one row moved, nothing rebuilt.
        {
            const auto newest = store_->list_conversations({1, 0, false});
            QVERIFY(newest.ok());
            const core::Timestamp later = newest->front().updated_at + 1;
            QVERIFY(store_->append_message(ids[1], userMessage("hi", std::nullopt, later)).ok());
            Changes changes(&model);
            QVERIFY(model.refresh(*store_, {}).isEmpty());
            QCOMPARE(titles(model), (QStringList{"B", "E", "D", "C", "A"}));
            QCOMPARE(changes.moved.count(), 1);
            QCOMPARE(changes.resets.count() + changes.inserted.count() + changes.removed.count(),
                     0);
            QCOMPARE(changes.changed.count(), 1);  // its time
        }
        // A rename: that row's data, in place.
        {
            Changes changes(&model);
            QVERIFY(store_->rename_conversation(ids[2], "C renamed").ok());
            QVERIFY(model.refresh(*store_, {}).isEmpty());
            QCOMPARE(titles(model), (QStringList{"B", "E", "D", "C renamed", "A"}));
            QCOMPARE(changes.changed.count(), 1);
            QCOMPARE(changes.changed.first().at(0).value<QModelIndex>().row(), 3);
            QCOMPARE(changes.resets.count() + changes.inserted.count() + changes.removed.count() +
                         changes.moved.count(),
                     0);
        }
        // A delete: one row removed.
        {
            Changes changes(&model);
            QVERIFY(store_->delete_conversation(ids[3]).ok());
            QVERIFY(model.refresh(*store_, {}).isEmpty());
            QCOMPARE(titles(model), (QStringList{"B", "E", "C renamed", "A"}));
            QCOMPARE(changes.removed.count(), 1);
            QCOMPARE(changes.resets.count() + changes.inserted.count() + changes.moved.count(), 0);
        }
        // Unchanged: nothing at all.
        {
            Changes changes(&model);
            QVERIFY(model.refresh(*store_, {}).isEmpty());
            QCOMPARE(changes.resets.count() + changes.inserted.count() + changes.removed.count() +
                         changes.moved.count() + changes.changed.count(),
                     0);
        }
    }

    void reloadingTheConversationOnShowKeepsItsRows() {
        const std::string id = store_->create_conversation("chat")->id;
        const std::string other = store_->create_conversation("other")->id;
        auto first = store_->append_message(id, userMessage("first", std::nullopt, 1000));
        QVERIFY(first.ok());
        MessageListModel model;
        QAbstractItemModelTester tester(&model);
        model.load(*store_->load_conversation(id));
        QCOMPARE(model.rowCount(), 1);

        // A new message below: inserted, the first row untouched.
        auto second = store_->append_message(id, userMessage("second", first->id, 2000));
        QVERIFY(second.ok());
        {
            Changes changes(&model);
            model.load(*store_->load_conversation(id));
            QCOMPARE(model.rowCount(), 2);
            QCOMPARE(changes.resets.count(), 0);
            QCOMPARE(changes.inserted.count(), 1);
            QCOMPARE(changes.inserted.first().at(1).toInt(), 1);
            QCOMPARE(changes.changed.count(), 0);
        }
        // The same again: nothing changes.
        {
            Changes changes(&model);
            model.load(*store_->load_conversation(id));
            QCOMPARE(changes.resets.count() + changes.inserted.count() + changes.removed.count() +
                         changes.changed.count(),
                     0);
        }
        // Another conversation: a reset (the view starts over, at its end).
        {
            Changes changes(&model);
            model.load(*store_->load_conversation(other));
            QCOMPARE(changes.resets.count(), 1);
            QCOMPARE(model.rowCount(), 0);
        }
    }

    // The sidebar's headings: pinned first, then by how recent, then by month.
    void conversationGroupsByDate() {
        using Row = ConversationListModel::Row;
        const QDate today(2026, 12, 8);
        auto at = [&](int daysAgo) {
            return QDateTime(today.addDays(-daysAgo), QTime(10, 0)).toMSecsSinceEpoch();
        };
        QCOMPARE(ConversationListModel::groupOf(Row{"a", "t", true, {}, at(40)}, today),
                 QString("Pinned"));
        QCOMPARE(ConversationListModel::groupOf(Row{"a", "t", false, {}, at(0)}, today),
                 QString("Today"));
        QCOMPARE(ConversationListModel::groupOf(Row{"a", "t", false, {}, at(1)}, today),
                 QString("Yesterday"));
        QCOMPARE(ConversationListModel::groupOf(Row{"a", "t", false, {}, at(6)}, today),
                 QString("Previous 7 days"));
        QCOMPARE(ConversationListModel::groupOf(Row{"a", "t", false, {}, at(20)}, today),
                 QLocale().toString(QDate(2026, 11, 18), QStringLiteral("MMMM")));
        QCOMPARE(ConversationListModel::groupOf(Row{"a", "t", false, {}, at(400)}, today),
                 QLocale().toString(today.addDays(-400), QStringLiteral("MMMM yyyy")));
        // Search hits are ranked, not dated: no headings.
        QCOMPARE(ConversationListModel::groupOf(Row{"a", "t", false, "<b>x</b>", at(0)}, today),
                 QString());
    }

  private:
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<core::HistoryStore> store_;
};

QTEST_GUILESS_MAIN(TestGuiModels)
#include "test_gui_models.moc"
