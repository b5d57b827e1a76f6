#include "app/gui/conversation_list_model.h"

#include <QDateTime>
#include <QLocale>
#include <algorithm>
#include <set>

namespace ponder::gui {
namespace {

// The store marks matches with control characters that cannot occur in text, so the snippet
// can be escaped first and the markers turned into markup after.
constexpr char kOpen[] = "\x01";
constexpr char kClose[] = "\x02";

QString snippetMarkup(const std::string& snippet) {
    QString html = QString::fromStdString(snippet).toHtmlEscaped();
    html.replace(QChar(0x01), QStringLiteral("<b>"));
    html.replace(QChar(0x02), QStringLiteral("</b>"));
    return html;
}

QString shortTime(qint64 ms) {
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(ms);
    const QDate today = QDate::currentDate();
    if (when.date() == today) return QLocale().toString(when.time(), QLocale::ShortFormat);
    if (when.date().year() == today.year())
        return QLocale().toString(when.date(), QStringLiteral("d MMM"));
    return QLocale().toString(when.date(), QLocale::ShortFormat);
}

}  // namespace

QString ConversationListModel::refresh(core::HistoryStore& store, const QString& search) {
    std::vector<Row> rows;
    QString error;
    if (search.trimmed().isEmpty()) {
        auto list = store.list_conversations({1000, 0, false});
        if (!list) {
            error = QString::fromStdString(list.status().message());
        } else {
            for (const core::Conversation& c : *list) {
                rows.push_back({QString::fromStdString(c.id),
                                QString::fromStdString(c.title),
                                c.pinned,
                                {},
                                c.updated_at});
            }
        }
    } else {
        core::SearchOptions options;
        options.text = search.toStdString();
        options.open_marker = kOpen;
        options.close_marker = kClose;
        options.limit = 200;
        auto hits = store.search(options);
        if (!hits) {
            error = QString::fromStdString(hits.status().message());
        } else {
            std::set<std::string> seen;  // one row per conversation: its best hit
            for (const core::SearchHit& hit : *hits) {
                if (!seen.insert(hit.conversation_id).second) continue;
                auto conversation = store.conversation(hit.conversation_id);
                rows.push_back({QString::fromStdString(hit.conversation_id),
                                QString::fromStdString(hit.conversation_title),
                                conversation ? conversation->pinned : false,
                                snippetMarkup(hit.snippet),
                                conversation ? conversation->updated_at : 0});
            }
        }
    }
    replaceRows(std::move(rows));
    return error;
}

// Most refreshes change little: a row's time or title, a new conversation on top, one moved
// to the top by a new message. A reset would make the sidebar rebuild every visible row
// (~70 ms with 300 conversations on a slow CPU, at the start and end of every answer), so
// views are told only what changed: the rows that kept their place (the common head and
// tail) get dataChanged where they differ, one row that moved to the front is moved, and the
// rest of the middle is removed and inserted.
void ConversationListModel::replaceRows(std::vector<Row> rows) {
    auto sameId = [](const Row& a, const Row& b) { return a.id == b.id; };
    const size_t oldCount = rows_.size(), newCount = rows.size();
    size_t head = 0;
    while (head < oldCount && head < newCount && sameId(rows_[head], rows[head]))
        ++head;
    size_t tail = 0;
    while (tail < oldCount - head && tail < newCount - head &&
           sameId(rows_[oldCount - 1 - tail], rows[newCount - 1 - tail]))
        ++tail;
    const size_t oldMiddle = oldCount - head - tail, newMiddle = newCount - head - tail;
    const bool movedToFront =
        oldMiddle == newMiddle && oldMiddle > 1 &&
        sameId(rows[head], rows_[head + oldMiddle - 1]) &&
        std::equal(rows.begin() + long(head) + 1, rows.begin() + long(head + newMiddle),
                   rows_.begin() + long(head), sameId);
    if (movedToFront) {
        const int from = int(head + oldMiddle - 1), to = int(head);
        beginMoveRows({}, from, from, {}, to);
        std::rotate(rows_.begin() + to, rows_.begin() + from, rows_.begin() + from + 1);
        endMoveRows();
    } else {
        if (oldMiddle > 0) {
            beginRemoveRows({}, int(head), int(head + oldMiddle) - 1);
            rows_.erase(rows_.begin() + long(head), rows_.begin() + long(head + oldMiddle));
            endRemoveRows();
        }
        if (newMiddle > 0) {
            beginInsertRows({}, int(head), int(head + newMiddle) - 1);
            rows_.insert(rows_.begin() + long(head), rows.begin() + long(head),
                         rows.begin() + long(head + newMiddle));
            endInsertRows();
        }
    }
    // Now rows_ and rows have the same ids in the same order.
    for (size_t i = 0; i < newCount; ++i) {
        Row& row = rows_[i];
        const Row& fresh = rows[i];
        if (row.title == fresh.title && row.pinned == fresh.pinned &&
            row.snippet == fresh.snippet && row.updatedAt == fresh.updatedAt)
            continue;
        row = fresh;
        emit dataChanged(index(int(i)), index(int(i)));
    }
}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    const Row* r = row(index.row());
    if (r == nullptr) return {};
    switch (role) {
        case IdRole:
            return r->id;
        case TitleRole:
            return r->title;
        case PinnedRole:
            return r->pinned;
        case SnippetRole:
            return r->snippet;
        case UpdatedTextRole:
            return r->updatedAt > 0 ? shortTime(r->updatedAt) : QString();
        case GroupRole:
            return groupOf(*r, QDate::currentDate());
        default:
            return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "conversationId"},       {TitleRole, "title"},
            {PinnedRole, "pinned"},           {SnippetRole, "snippet"},
            {UpdatedTextRole, "updatedText"}, {GroupRole, "group"}};
}

QString ConversationListModel::groupOf(const Row& row, const QDate& today) {
    if (!row.snippet.isEmpty()) return {};
    if (row.pinned) return tr("Pinned");
    if (row.updatedAt <= 0) return tr("Earlier");
    const QDate day = QDateTime::fromMSecsSinceEpoch(row.updatedAt).date();
    const qint64 daysAgo = day.daysTo(today);
    if (daysAgo <= 0) return tr("Today");
    if (daysAgo == 1) return tr("Yesterday");
    if (daysAgo < 7) return tr("Previous 7 days");
    return QLocale().toString(
        day, day.year() == today.year() ? QStringLiteral("MMMM") : QStringLiteral("MMMM yyyy"));
}

int ConversationListModel::indexOf(const QString& id) const {
    for (size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].id == id) return static_cast<int>(i);
    return -1;
}

const ConversationListModel::Row* ConversationListModel::row(int index) const {
    if (index < 0 || index >= static_cast<int>(rows_.size())) return nullptr;
    return &rows_[static_cast<size_t>(index)];
}

}  // namespace ponder::gui
