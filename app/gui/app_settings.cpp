#include "app/gui/app_settings.h"

#include <QGuiApplication>
#include <QPalette>
#include <algorithm>

namespace ponder::gui {
namespace {

const QStringList kThemes = {"system", "light", "dark"};
const QStringList kReasoningDisplays = {"expanded", "collapsed", "hidden"};
constexpr int kDefaultFontSize = 11;
constexpr int kDefaultContextLength = 8192;

// A value from the settings file is user-editable text: fall back when it is not one we know.
QString oneOf(const QVariant& value, const QStringList& allowed, const QString& fallback) {
    const QString text = value.toString();
    return allowed.contains(text) ? text : fallback;
}

}  // namespace

AppSettings::AppSettings(QObject* parent) : QObject(parent) {}

AppSettings::AppSettings(const QString& fileName, QObject* parent)
    : QObject(parent), settings_(fileName, QSettings::IniFormat) {}

QString AppSettings::theme() const {
    return oneOf(settings_.value("ui/theme"), kThemes, "system");
}

void AppSettings::setTheme(const QString& theme) {
    if (!kThemes.contains(theme) || theme == this->theme()) return;
    settings_.setValue("ui/theme", theme);
    emit themeChanged();
}

int AppSettings::fontSize() const {
    bool ok = false;
    const int size = settings_.value("ui/fontSize", kDefaultFontSize).toInt(&ok);
    return ok ? std::clamp(size, 8, 32) : kDefaultFontSize;
}

void AppSettings::setFontSize(int points) {
    points = std::clamp(points, 8, 32);
    if (points == fontSize()) return;
    settings_.setValue("ui/fontSize", points);
    emit fontSizeChanged();
}

QString AppSettings::reasoningDisplay() const {
    return oneOf(settings_.value("ui/reasoningDisplay"), kReasoningDisplays, "collapsed");
}

void AppSettings::setReasoningDisplay(const QString& display) {
    if (!kReasoningDisplays.contains(display) || display == reasoningDisplay()) return;
    settings_.setValue("ui/reasoningDisplay", display);
    emit reasoningDisplayChanged();
}

QRect AppSettings::windowGeometry() const {
    return settings_.value("window/geometry").toRect();
}

void AppSettings::setWindowGeometry(const QRect& geometry) {
    if (geometry == windowGeometry()) return;
    settings_.setValue("window/geometry", geometry);
    emit windowGeometryChanged();
}

QString AppSettings::lastConversationId() const {
    return settings_.value("session/lastConversation").toString();
}

void AppSettings::setLastConversationId(const QString& id) {
    if (id == lastConversationId()) return;
    settings_.setValue("session/lastConversation", id);
    emit lastConversationIdChanged();
}

QString AppSettings::modelFolder() const {
    return settings_.value("model/folder").toString();
}

void AppSettings::setModelFolder(const QString& folder) {
    if (folder == modelFolder()) return;
    settings_.setValue("model/folder", folder);
    emit modelFolderChanged();
}

QString AppSettings::databasePath() const {
    return settings_.value("history/database").toString();
}

void AppSettings::setDatabasePath(const QString& path) {
    if (path == databasePath()) return;
    settings_.setValue("history/database", path);
    emit databasePathChanged();
}

int AppSettings::contextLength() const {
    bool ok = false;
    const int tokens = settings_.value("model/contextLength", kDefaultContextLength).toInt(&ok);
    return ok && tokens >= 512 ? tokens : kDefaultContextLength;
}

void AppSettings::setContextLength(int tokens) {
    tokens = std::max(tokens, 512);
    if (tokens == contextLength()) return;
    settings_.setValue("model/contextLength", tokens);
    emit contextLengthChanged();
}

bool AppSettings::systemDark() const {
    if (qobject_cast<QGuiApplication*>(QCoreApplication::instance()) == nullptr) return false;
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

}  // namespace ponder::gui
