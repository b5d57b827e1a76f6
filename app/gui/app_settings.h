// Per-user preferences of the desktop app (theme, font size, reasoning display, window state,
// last conversation, model folder, history location), persisted with QSettings in the user's
// config directory. Per-conversation settings (effort, instructions, sampling) live with the
// conversation in the history database, not here.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QRect>
#include <QSettings>
#include <QString>

namespace ponder::gui {

class AppSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("AppSettings is created by the application")

    // "system" | "light" | "dark"
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY themeChanged)
    // Base font size in points for the chat text (8..32).
    Q_PROPERTY(int fontSize READ fontSize WRITE setFontSize NOTIFY fontSizeChanged)
    // How finished reasoning is shown: "expanded" | "collapsed" | "hidden".
    Q_PROPERTY(QString reasoningDisplay READ reasoningDisplay WRITE setReasoningDisplay NOTIFY
                   reasoningDisplayChanged)
    Q_PROPERTY(QRect windowGeometry READ windowGeometry WRITE setWindowGeometry NOTIFY
                   windowGeometryChanged)
    Q_PROPERTY(QString lastConversationId READ lastConversationId WRITE setLastConversationId NOTIFY
                   lastConversationIdChanged)
    Q_PROPERTY(QString modelFolder READ modelFolder WRITE setModelFolder NOTIFY modelFolderChanged)
    // Empty means the default location under the XDG data directory.
    Q_PROPERTY(
        QString databasePath READ databasePath WRITE setDatabasePath NOTIFY databasePathChanged)
    // Context window to allocate, in tokens (the model's maximum caps it).
    Q_PROPERTY(
        int contextLength READ contextLength WRITE setContextLength NOTIFY contextLengthChanged)
    // Whether the desktop palette is dark (for theme "system"; Qt 6.4 has no colour-scheme API).
    Q_PROPERTY(bool systemDark READ systemDark CONSTANT)

  public:
    // `organization`/`application` select the QSettings file; tests pass a scratch name.
    explicit AppSettings(QObject* parent = nullptr);
    AppSettings(const QString& fileName, QObject* parent);

    QString theme() const;
    void setTheme(const QString& theme);
    int fontSize() const;
    void setFontSize(int points);
    QString reasoningDisplay() const;
    void setReasoningDisplay(const QString& display);
    QRect windowGeometry() const;
    void setWindowGeometry(const QRect& geometry);
    QString lastConversationId() const;
    void setLastConversationId(const QString& id);
    QString modelFolder() const;
    void setModelFolder(const QString& folder);
    QString databasePath() const;
    void setDatabasePath(const QString& path);
    int contextLength() const;
    void setContextLength(int tokens);
    bool systemDark() const;

  signals:
    void themeChanged();
    void fontSizeChanged();
    void reasoningDisplayChanged();
    void windowGeometryChanged();
    void lastConversationIdChanged();
    void modelFolderChanged();
    void databasePathChanged();
    void contextLengthChanged();

  private:
    QSettings settings_;
};

}  // namespace ponder::gui
