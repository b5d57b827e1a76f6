// The chat view's rows: the visible branch of the open conversation as transcript rows (a user
// message, or an answer with its reasoning, tool calls and text), updated live from a running
// turn's events. Lives on the UI thread; the worker's events arrive already coalesced.
//
// A tool call's status while its turn runs: "running" from the call on, "waiting" (for the
// user's approval, with the prompt shown on the card) between showApproval() and
// resolveApproval(), then "running" or "denied", and "done" or "failed" with its result. Once the
// turn ends the controller reloads the stored rows, which say the same.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QElapsedTimer>
#include <optional>
#include <unordered_map>
#include <vector>

#include "app/core/chat/transcript.h"
#include "app/core/chat/turn_events.h"
#include "app/core/tools/approval.h"

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

    // Shows `record`'s visible branch (an empty record clears the view). The conversation on
    // show again (reloaded) changes only the rows that differ; another one resets the model.
    void load(core::ConversationRecord record);
    // Follows a running turn of the conversation on show.
    void applyEvents(const QList<core::TurnEvent>& events);
    // The tool call `request` names waits for the user: its card shows the approval prompt.
    void showApproval(const core::ApprovalRequest& request);
    // The user answered (or Stop cancelled): the card drops the prompt and shows the call
    // running (approved) or denied until its result arrives.
    void resolveApproval(core::ToolCallId callId, core::ApprovalDecision decision);
    // The call waiting for approval, if it is in this conversation.
    std::optional<core::ToolCallId> waitingCall() const { return waiting_; }

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
    core::ToolCall* toolCallOf(core::MessageId callMessage);
    void toolCallChanged(core::ToolCallId callId);
    QVariantList toolCallsOf(const core::TranscriptRow& row) const;

    core::ConversationRecord record_;
    std::vector<core::MessageId> path_;                  // root first
    std::unordered_map<core::MessageId, size_t> index_;  // message id -> position in record_
    std::vector<core::TranscriptRow> rows_;
    std::optional<core::MessageId> streaming_;  // the message being generated
    // A turn's events are being applied and its final reload has not come: the last row is an
    // answer still being written (between its messages, or waiting for a tool's approval).
    bool turnLive_ = false;
    QElapsedTimer reasoningClock_;             // runs while analysis streams
    std::optional<core::ToolCallId> waiting_;  // the call whose card shows the approval prompt
    QString waitingDescription_;               // its tool's description, for the prompt
};

}  // namespace ponder::gui
