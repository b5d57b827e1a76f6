// QML hands over file dialogs' choices as file:// URLs and tests pass plain paths; both become a
// local path here.
#pragma once

#include <QString>
#include <QUrl>

namespace ponder::gui {

inline QString localPath(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    return url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
}

}  // namespace ponder::gui
