// What the window talks to (docs/architecture.md §6): the conversation list, the open
// conversation's messages and settings, the model's state, and every user action (send, stop,
// regenerate, edit, branch, rename, pin, delete with undo, export, import, load a model, approve a
// tool call). Lives on the UI thread and never waits for the engine: work goes to the
// EngineWorker's thread as queued calls, and its results come back as queued signals.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <QThread>
#include <memory>

#include "app/core/storage/history_store.h"
#include "app/gui/app_settings.h"
#include "app/gui/conversation_list_model.h"
#include "app/gui/conversation_options.h"
#include "app/gui/engine_worker.h"
#include "app/gui/message_list_model.h"

namespace ponder::gui {

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Created by the application")

    Q_PROPERTY(ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(MessageListModel* messages READ messages CONSTANT)
    // The open conversation's tools, shared folder, sampling and context policy.
    Q_PROPERTY(ConversationOptions* options READ options CONSTANT)
    // A tool call of the running turn waits for the user (its card shows the prompt).
    Q_PROPERTY(bool waitingForApproval READ waitingForApproval NOTIFY approvalChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY searchTextChanged)
    Q_PROPERTY(
        QString currentConversationId READ currentConversationId NOTIFY currentConversationChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentConversationChanged)
    Q_PROPERTY(QString currentEffort READ currentEffort NOTIFY currentConversationChanged)
    Q_PROPERTY(
        QString currentInstructions READ currentInstructions NOTIFY currentConversationChanged)
    // "none" | "loading" | "ready" | "error"
    Q_PROPERTY(QString modelState READ modelState NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelDescription READ modelDescription NOTIFY modelChanged)
    Q_PROPERTY(QString modelFolder READ modelFolder NOTIFY modelChanged)
    Q_PROPERTY(QString modelError READ modelError NOTIFY modelChanged)
    Q_PROPERTY(QString backendSummary READ backendSummary NOTIFY modelChanged)
    Q_PROPERTY(QString modelNeeds READ modelNeeds NOTIFY modelChanged)
    Q_PROPERTY(QString machineHas READ machineHas CONSTANT)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(QString loadStage READ loadStage NOTIFY loadProgressChanged)
    Q_PROPERTY(bool isDemoModel READ isDemoModel NOTIFY modelChanged)
    Q_PROPERTY(QString demoModelFolder READ demoModelFolder CONSTANT)
    Q_PROPERTY(QStringList foundModels READ foundModels CONSTANT)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(QString composerDisabledReason READ composerDisabledReason NOTIFY composerChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    // The technical message behind the notice or the history error (a "Details" fold), "" if none.
    Q_PROPERTY(QString noticeDetails READ noticeDetails NOTIFY noticeChanged)
    Q_PROPERTY(bool canUndoDelete READ canUndoDelete NOTIFY noticeChanged)
    Q_PROPERTY(QString historyError READ historyError NOTIFY historyErrorChanged)
    // The history file is damaged: nothing is written to it, historyError says so in plain
    // words, noticeDetails keeps SQLite's words for the Details fold, and salvageHistory() is the
    // way out.
    Q_PROPERTY(bool historyDamaged READ historyDamaged NOTIFY historyErrorChanged)
    Q_PROPERTY(bool salvaging READ salvaging NOTIFY historyErrorChanged)

  public:
    ChatController(AppSettings* settings, QString databasePath, QObject* parent = nullptr);
    ~ChatController() override;

    ConversationListModel* conversations() { return &conversations_; }
    MessageListModel* messages() { return &messages_; }
    ConversationOptions* options() { return &options_; }
    bool waitingForApproval() const { return approval_.has_value(); }
    // The id of the call that waits ("" when none), as answerToolCall() takes it.
    QString waitingCallId() const {
        return approval_ ? QString::number(approval_->call_id) : QString();
    }
    QString searchText() const { return searchText_; }
    void setSearchText(const QString& text);
    QString currentConversationId() const { return currentId_; }
    QString currentTitle() const;
    QString currentEffort() const;
    QString currentInstructions() const;
    QString modelState() const { return modelState_; }
    QString modelName() const { return model_.displayName; }
    QString modelDescription() const { return model_.description; }
    QString modelFolder() const { return model_.folder; }
    QString modelError() const { return modelError_; }
    QString backendSummary() const { return model_.backend; }
    QString modelNeeds() const;
    QString machineHas() const;
    double loadProgress() const { return loadProgress_; }
    QString loadStage() const { return loadStage_; }
    bool isDemoModel() const;
    QString demoModelFolder() const;
    QStringList foundModels() const;
    bool generating() const { return !generatingId_.isEmpty(); }
    QString composerDisabledReason() const;
    QString notice() const { return notice_; }
    QString noticeDetails() const { return noticeDetails_; }
    bool canUndoDelete() const { return !deletedId_.isEmpty(); }
    QString historyError() const { return historyError_; }
    bool historyDamaged() const { return historyDamaged_; }
    bool salvaging() const { return salvaging_; }

    // Conversations
    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void openConversation(const QString& id);
    Q_INVOKABLE void renameConversation(const QString& id, const QString& title);
    Q_INVOKABLE void setPinned(const QString& id, bool pinned);
    Q_INVOKABLE void deleteConversation(const QString& id);
    Q_INVOKABLE void undoDelete();
    Q_INVOKABLE void dismissNotice();
    // The open conversation; before the first message there is none, and choosing its effort,
    // tools or sampling makes it (as sending would). False when the history is unusable.
    Q_INVOKABLE bool ensureConversation();
    // Per-conversation settings: apply to the next message.
    Q_INVOKABLE void setEffort(const QString& effort);
    Q_INVOKABLE void setInstructions(const QString& instructions);

    // The turn
    Q_INVOKABLE void send(const QString& text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE void regenerate(int row);
    Q_INVOKABLE void beginEdit(int row);
    Q_INVOKABLE void submitEdit(int row, const QString& text);
    Q_INVOKABLE void showSibling(int row, int delta);
    // Answers the tool call waiting for approval: decision "once", "always" (this tool, in this
    // conversation, from now on) or "deny". Ignored unless `callId` is the call that waits.
    Q_INVOKABLE void answerToolCall(const QString& callId, const QString& decision);
    Q_INVOKABLE void copyToClipboard(const QString& text);

    // The model
    Q_INVOKABLE void loadModel(const QString& folderOrUrl);
    // The folder dialog's choice: the folder it shows, unless that holds no model and the
    // highlighted subfolder does (a highlighted row may be scrolled out of sight).
    Q_INVOKABLE void loadModelFromDialog(const QString& shownFolder,
                                         const QString& highlightedFolder);
    Q_INVOKABLE void cancelLoad();

    // Files ("json", "md", "html" or "pdf"; a path or a file:// URL)
    Q_INVOKABLE void exportCurrent(const QString& format, const QString& pathOrUrl);
    Q_INVOKABLE void exportAll(const QString& format, const QString& pathOrUrl);
    Q_INVOKABLE void importFile(const QString& pathOrUrl);
    // A file name for an export that does not exist yet: Documents (or home), named after the
    // open conversation (or "Ponder conversations"), with the format's extension.
    Q_INVOKABLE QString suggestedExportPath(const QString& format, bool all) const;
    Q_INVOKABLE bool fileExists(const QString& pathOrUrl) const;
    Q_INVOKABLE QString localFolder(const QString& url) const;
    // Copies every conversation the damaged history can still read into a new history (in the
    // background), then uses it: the damaged file is kept beside it as
    // "<name>.damaged-<date>". The notice lists the conversations that could not be read.
    Q_INVOKABLE void salvageHistory();

    // Loads the model the settings name (or the demo model on a first run) and reopens the last
    // conversation. Called once the window exists.
    Q_INVOKABLE void start();

    // Tests: answer from `source` (scripted tokens) as if a model named `modelName` were loaded.
    // Not owned; both must outlive the controller. Blocks until the worker has switched.
    void useTokenSource(core::TokenSource& source, const Tokenizer& tokenizer,
                        const QString& modelName);

  signals:
    void searchTextChanged();
    void currentConversationChanged();
    void modelChanged();
    void loadProgressChanged();
    void generatingChanged();
    void composerChanged();
    void noticeChanged();
    void historyErrorChanged();
    // Edit: put this text in the composer to be changed and resent as a new version of `row`.
    void editRequested(int row, const QString& text);
    // A turn finished (for tests and for scrolling): state "complete" | "stopped" | "error".
    void turnCompleted(const QString& conversationId, const QString& state);
    // A tool call started or stopped waiting for the user's approval.
    void approvalChanged();

    // To the worker (queued)
    void workerOpenHistory();
    void workerLoadModel(const QString& folder, int contextLength);
    void workerRunTurn(int kind, const QString& conversationId, const QString& text, qint64 target);
    void workerExport(const QStringList& ids, bool all, const QString& format, const QString& path);
    void workerImport(const QString& path);
    void workerSalvage(const QString& out);

  private:
    void refreshList();
    void reloadCurrent();
    void startTurn(core::TurnRequest::Kind kind, const QString& text, qint64 target);
    void setNotice(const QString& text, const QString& details = {});
    // A history operation failed: says so in plain words, the store's message as details.
    void historyProblem(const QString& what, const Status& status);
    void setModelState(const QString& state);
    std::optional<core::Conversation> current() const;
    void endApproval(core::ApprovalDecision decision);
    void markHistoryDamaged(const QString& detail);
    void useSalvagedHistory(const QString& out, int copied, const QStringList& lost);

    AppSettings* settings_;
    QString databasePath_;
    std::unique_ptr<core::HistoryStore> store_;  // the UI thread's connection (reads, small writes)
    ConversationListModel conversations_;
    MessageListModel messages_;
    ConversationOptions options_;
    QThread thread_;
    EngineWorker* worker_ = nullptr;  // lives in thread_

    QString searchText_;
    QString currentId_;
    QString modelState_ = QStringLiteral("none");
    LoadedModelInfo model_;
    QString modelError_;
    double loadProgress_ = 0;
    QString loadStage_;
    QString generatingId_;
    std::optional<core::ApprovalRequest> approval_;  // the call waiting for the user, if any
    QString notice_;
    QString noticeDetails_;
    std::optional<LoadedModelInfo> keptModel_;  // the ready model while another one loads
    QString deletedId_;
    QStringList deletedThisSession_;
    QString historyError_;
    bool historyDamaged_ = false;
    bool salvaging_ = false;
};

}  // namespace ponder::gui
