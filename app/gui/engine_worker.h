// The one thread that owns the engine (design.md §6): the loaded model, its tokenizer, the KV
// cache and a history connection for writing answers. The UI thread talks to it only through
// queued signals and slots; Stop and Cancel are atomics the UI sets directly, so they are felt
// within one token (the engine checks them between layers).
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <optional>

#include "app/core/chat/chat_session.h"
#include "app/core/chat/turn_events.h"
#include "app/gui/event_coalescer.h"
#include "engine/model.h"

namespace ponder::gui {

// What the window shows about a loaded model.
struct LoadedModelInfo {
    QString folder;
    QString displayName;
    QString description;  // from ponder.json (the demo model explains itself)
    QString backend;      // "CPU (reason)" or "CUDA: NVIDIA ..."
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

  public slots:
    void openHistory();
    void loadModel(const QString& folder, int contextLength);
    // kind: 0 send, 1 regenerate, 2 edit (core::TurnRequest::Kind).
    void runTurn(int kind, const QString& conversationId, const QString& text, qint64 target);
    void exportConversations(const QStringList& ids, bool all, const QString& format,
                             const QString& path);
    void importFile(const QString& path);

  signals:
    void historyFailed(const QString& error);
    void loadProgress(double fraction, const QString& stage);
    void modelLoaded(const ponder::gui::LoadedModelInfo& info);
    void modelLoadFailed(const QString& folder, const QString& error);
    void turnEvents(const QList<ponder::core::TurnEvent>& events);
    void turnFinished(const QString& conversationId, const QString& state, const QString& detail);
    void exportFinished(const QString& path, const QString& error);
    void importFinished(int conversations, const QString& firstId, const QString& error);

  private:
    QString databasePath_;
    std::unique_ptr<core::HistoryStore> store_;
    std::unique_ptr<Model> model_;
    std::optional<Tokenizer> tokenizer_;
    std::unique_ptr<core::EngineTokenSource> source_;
    std::unique_ptr<core::ChatSession> session_;
    std::atomic<bool> stop_{false};
};

}  // namespace ponder::gui

Q_DECLARE_METATYPE(ponder::gui::LoadedModelInfo)
