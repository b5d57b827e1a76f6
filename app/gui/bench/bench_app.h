// The app under test in ponder-ui-bench, built as main.cpp builds it: AppSettings, the real
// ChatController (engine worker thread, SQLite history) and the real window (Main.qml) with
// the same initial properties, plus the frame meter every phase reads.
#pragma once

#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <functional>
#include <memory>

#include "app/gui/app_settings.h"
#include "app/gui/bench/frame_meter.h"
#include "app/gui/chat_controller.h"

namespace ponder::gui::bench {

class BenchApp {
  public:
    // Opens the history `database` and the window. The application's name and the settings'
    // location (XDG_CONFIG_HOME) must be set up before. Check window() before using the rest.
    explicit BenchApp(const QString& database);
    ~BenchApp();

    AppSettings& settings() { return settings_; }
    ChatController& chat() { return *chat_; }
    QQuickWindow* window() const { return window_; }
    FrameMeter& frames() { return *frames_; }
    // The chat view's ListView ("messageList" in ChatView.qml).
    QQuickItem* messageList() const { return messageList_; }

  private:
    AppSettings settings_;
    std::unique_ptr<ChatController> chat_;
    std::unique_ptr<QQmlApplicationEngine> engine_;  // destroyed before the controller it shows
    QQuickWindow* window_ = nullptr;
    FrameMeter* frames_ = nullptr;  // owned by the window
    QQuickItem* messageList_ = nullptr;
};

// Runs the event loop until `done()` holds or `timeoutMs` passed; returns done(). Like the
// app's own loop, it renders frames and delivers the worker's queued signals meanwhile.
bool waitUntil(const std::function<bool()>& done, int timeoutMs);

// Runs the event loop until the window has rendered nothing for `quietMs` (animations and
// queued layout have settled); false after `timeoutMs`.
bool waitForQuiet(BenchApp& app, int quietMs, int timeoutMs);

}  // namespace ponder::gui::bench
