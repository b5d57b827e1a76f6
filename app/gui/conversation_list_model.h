// The sidebar's list: conversations (pinned first, then newest), or search hits with their
// highlighted snippets while the user searches. Read from the UI thread's own history
// connection; refreshed by the controller after every change.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <vector>

#include "app/core/storage/history_store.h"

namespace ponder::gui {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by ChatController")

  public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        PinnedRole,
        SnippetRole,
        UpdatedTextRole,
        GroupRole
    };

    explicit ConversationListModel(QObject* parent = nullptr) : QAbstractListModel(parent) {}

    struct Row {
        QString id;
        QString title;
        bool pinned = false;
        QString snippet;       // rich text (escaped, matches in <b>) while searching
        qint64 updatedAt = 0;  // ms since the epoch
    };

    // Replaces the rows: all conversations, or the hits of `search` when it is not empty.
    // Returns a human-readable error, or an empty string.
    QString refresh(core::HistoryStore& store, const QString& search);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The sidebar's heading for a row: "Pinned", "Today", "Yesterday", "Previous 7 days", then
    // the month ("March", or "March 2025" in another year). Search hits have none ("").
    static QString groupOf(const Row& row, const QDate& today);

    int indexOf(const QString& id) const;
    const Row* row(int index) const;

  private:
    void replaceRows(std::vector<Row> rows);

    std::vector<Row> rows_;
};

}  // namespace ponder::gui
