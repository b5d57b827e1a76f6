// The one thread that owns the engine (docs/architecture.md §6): the loaded model, its tokenizer,
// the KV cache, a history connection for writing answers and the tools the model may call. The UI
// thread talks to it only through queued signals and slots; Stop and Cancel are atomics the UI sets
// directly, so they are felt within one token (the engine checks them between layers).
//
// Tool approval: when the model calls a tool that needs the user's consent, the turn waits on
// this thread inside the ApprovalGate, approvalRequested() carries the request to the UI thread,
// and the UI answers through approvals().answer() directly (thread-safe). Stop ends the wait
// with a denial.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <optional>

#include "app/core/chat/chat_session.h"
#include "app/core/chat/turn_events.h"
#include "app/core/tools/approval.h"
#include "app/core/tools/local_tool_runner.h"
#include "app/gui/event_coalescer.h"
#include "engine/model.h"

namespace ponder::gui {

// What the window shows about a loaded model.
struct LoadedModelInfo {
    QString folder;
    QString displayName;
    QString description;  // from ponder.json (the demo model explains itself)
    QString backend;      // "CPU (reason)" or "CUDA: NVIDIA ..."
    // From ponder.json too: what new conversations with this model start with.
    core::SamplingSettings recommendedSampling;
    qint64 weightBytes = 0;
    int contextLength = 0;
};

class EngineWorker : public QObject {
    Q_OBJECT

  public:
    explicit EngineWorker(QString databasePath);
    ~EngineWorker() override;

    // Set from any thread: stops the running turn or load at the next check.
    std::atomic<bool>& stopFlag() { return stop_; }
    // Answers the tool call waiting for approval; answer() may be called from any thread.
    core::ApprovalGate& approvals() { return gate_; }

    // Tests: chat through `source` instead of a loaded model, as if the model were loaded.
    // Not owned: `source` and `tokenizer` must outlive the worker. Call on the worker's thread,
    // after openHistory().
    void useTokenSource(core::TokenSource& source, const Tokenizer& tokenizer,
                        const core::ModelIdentity& identity);

  public slots:
    void openHistory();
    void loadModel(const QString& folder, int contextLength);
    // kind: 0 send, 1 regenerate, 2 edit (core::TurnRequest::Kind).
    void runTurn(int kind, const QString& conversationId, const QString& text, qint64 target);
    void exportConversations(const QStringList& ids, bool all, const QString& format,
                             const QString& path);
    void importFile(const QString& path);
    // Copies every conversation the damaged history still holds into the new history `out`
    // (history_salvage.h), then closes this thread's connection so that the UI thread can put
    // `out` in its place; openHistory() reopens.
    void salvageHistory(const QString& out);

  signals:
    void historyFailed(const QString& error);
    // The history file is damaged (SQLite's words): it is read-only from now on.
    void historyDamaged(const QString& detail);
    // `lost`: the ids of the conversations that could not be read. `error` when nothing was
    // written (then the connection stays open).
    void salvageFinished(const QString& out, int copied, const QStringList& lost,
                         const QString& error);
    void loadProgress(double fraction, const QString& stage);
    void modelLoaded(const ponder::gui::LoadedModelInfo& info);
    // `modelKept`: the folder was refused before the loaded model was let go, so it still
    // answers (a folder that is not a model must not cost the user the one that works).
    void modelLoadFailed(const QString& folder, const QString& error, bool modelKept);
    void turnEvents(const QList<ponder::core::TurnEvent>& events);
    void turnFinished(const QString& conversationId, const QString& state, const QString& detail);
    void exportFinished(const QString& path, const QString& error);
    void importFinished(int conversations, const QString& firstId, const QString& error);
    // A tool call waits for the user's decision (emitted on the worker's thread, while it waits).
    void approvalRequested(const ponder::core::ApprovalRequest& request);

  private:
    void startSession(core::TokenSource& source, const Tokenizer& tokenizer,
                      const core::ModelIdentity& identity);
    void reportDamage();

    QString databasePath_;
    std::unique_ptr<core::HistoryStore> store_;
    core::ApprovalGate gate_;
    std::unique_ptr<core::LocalToolRunner> tools_;  // uses store_ and gate_; made with store_
    std::unique_ptr<Model> model_;
    std::optional<Tokenizer> tokenizer_;
    std::unique_ptr<core::EngineTokenSource> source_;
    std::unique_ptr<core::ChatSession> session_;
    // What the session was started with, so that reopening the history restarts it.
    core::TokenSource* sessionSource_ = nullptr;
    const Tokenizer* sessionTokenizer_ = nullptr;
    std::optional<core::ModelIdentity> sessionIdentity_;
    std::atomic<bool> stop_{false};
};

}  // namespace ponder::gui

Q_DECLARE_METATYPE(ponder::gui::LoadedModelInfo)
Q_DECLARE_METATYPE(ponder::core::ApprovalRequest)
