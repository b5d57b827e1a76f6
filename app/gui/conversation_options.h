// The open conversation's settings that shape its next answers, beyond effort and instructions
// (ChatController): which tools the model is offered, the folder shared with read_file and
// search_files, temperature, top-p, and what a turn does when the context is full. QML reaches
// it as ChatController.options.
//
// Every change is a read-modify-write of the conversation's row through the UI thread's
// HistoryStore (the row also holds effort and instructions, which the controller writes). The
// worker reads the row when a turn starts, so a change applies to the next message. Invalid
// values are refused by the store and reported through failed(); nothing is half-applied.
//
// Lives on the UI thread.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QVariantList>
#include <functional>
#include <optional>

#include "app/core/storage/history_store.h"
#include "app/core/tools/local_tool_runner.h"

namespace ponder::gui {

class ConversationOptions : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by ChatController")

    // A conversation is open (without one, every setter does nothing).
    Q_PROPERTY(bool available READ available NOTIFY changed)
    // One entry per built-in tool, in the runner's order: {name, description, enabled,
    // unavailableReason} (non-empty reason: cannot be offered here, e.g. no folder is shared).
    // Listing may run the python sandbox probe once (~40 ms); bind to it only when shown.
    Q_PROPERTY(QVariantList tools READ tools NOTIFY changed)
    // The folder read_file and search_files may read; empty: none is shared.
    Q_PROPERTY(QString toolFolder READ toolFolder NOTIFY changed)
    Q_PROPERTY(double temperature READ temperature NOTIFY changed)
    Q_PROPERTY(double topP READ topP NOTIFY changed)
    // What the loaded model asks for (its folder's ponder.json; gpt-oss: 1 and 1), for "Use the
    // recommended values".
    Q_PROPERTY(double recommendedTemperature READ recommendedTemperature NOTIFY changed)
    Q_PROPERTY(double recommendedTopP READ recommendedTopP NOTIFY changed)
    // "error" (stop with an error) | "drop_oldest" (leave the oldest messages out of the prompt)
    Q_PROPERTY(QString contextPolicy READ contextPolicy NOTIFY changed)

  public:
    explicit ConversationOptions(QObject* parent = nullptr) : QObject(parent) {}

    // The conversation shown (store nullptr or an empty id: none). The store must outlive this
    // object or be replaced first.
    void setConversation(core::HistoryStore* store, const QString& id);

    bool available() const { return settings().has_value(); }
    QVariantList tools() const;
    QString toolFolder() const;
    double temperature() const;
    double topP() const;
    QString contextPolicy() const;
    double recommendedTemperature() const { return recommended_.temperature; }
    double recommendedTopP() const { return recommended_.top_p; }
    void setRecommendedSampling(const core::SamplingSettings& recommended);

    // Each returns whether the change was stored. Turning on a tool that cannot run here is
    // refused with its reason; turning one off always works.
    Q_INVOKABLE bool setToolEnabled(const QString& name, bool enabled);
    // Shares a folder (a path or a file:// URL) and turns on read_file and search_files; an
    // empty string stops sharing and turns them off.
    Q_INVOKABLE bool setToolFolder(const QString& folderOrUrl);
    Q_INVOKABLE bool setTemperature(double temperature);
    Q_INVOKABLE bool setTopP(double topP);
    Q_INVOKABLE bool setContextPolicy(const QString& policy);

  signals:
    void changed();
    // A change was refused; `message` says why (the controller shows it as a notice).
    void failed(const QString& message);

  private:
    std::optional<core::ConversationSettings> settings() const;
    bool update(const std::function<void(core::ConversationSettings&)>& change);

    core::HistoryStore* store_ = nullptr;
    QString id_;
    core::SamplingSettings recommended_;
    // Lists the tools and why one cannot run here; it never runs them (the worker's runner
    // does). Its python probe result is cached after the first listing.
    core::LocalToolRunner catalog_;
};

}  // namespace ponder::gui
