// The chat view's rows: the visible branch of the open conversation as transcript rows (a user
// message, or an answer with its reasoning, tool calls and text), updated live from a running
// turn's events. Lives on the UI thread; the worker's events arrive already coalesced.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QElapsedTimer>
#include <optional>
#include <unordered_map>
#include <vector>

#include "app/core/chat/transcript.h"
#include "app/core/chat/turn_events.h"

namespace ponder::gui {

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by ChatController")

  public:
    enum Role {
        KindRole = Qt::UserRole + 1,
        TextRole,
        BlocksRole,
        ReasoningRole,
        ThinkingRole,
        ReasoningSecondsRole,
        ReasoningTokensRole,
        ToolCallsRole,
        StateRole,
        FooterRole,
        SiblingIndexRole,
        SiblingCountRole,
    };

    explicit MessageListModel(QObject* parent = nullptr) : QAbstractListModel(parent) {}

    // Shows `record`'s visible branch (an empty record clears the view).
    void load(core::ConversationRecord record);
    // Follows a running turn of the conversation on show.
    void applyEvents(const QList<core::TurnEvent>& events);

    const core::ConversationRecord& record() const { return record_; }
    const core::TranscriptRow* row(int index) const;
    // The message a branch arrow leads to: the sibling `delta` steps from row `index`'s anchor.
    std::optional<core::MessageId> siblingOf(int index, int delta) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

  private:
    void rebuild();
    core::Message* message(core::MessageId id);

    core::ConversationRecord record_;
    std::vector<core::MessageId> path_;                  // root first
    std::unordered_map<core::MessageId, size_t> index_;  // message id -> position in record_
    std::vector<core::TranscriptRow> rows_;
    std::optional<core::MessageId> streaming_;  // the message being generated
    QElapsedTimer reasoningClock_;              // runs while analysis streams
};

}  // namespace ponder::gui
