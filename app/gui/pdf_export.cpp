#include "app/gui/pdf_export.h"

#include <QFile>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QTextDocument>

namespace ponder::gui {

QString writePdf(const QString& html, const QString& path) {
    const QString part = path + QStringLiteral(".part");
    {
        QPdfWriter writer(part);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
        writer.setTitle(QStringLiteral("Ponder conversation"));
        writer.setCreator(QStringLiteral("Ponder"));
        QTextDocument document;
        document.setHtml(html);
        document.print(&writer);
    }
    QFile::remove(path);
    if (!QFile::rename(part, path)) {
        QFile::remove(part);
        return QObject::tr("cannot write %1").arg(path);
    }
    return {};
}

}  // namespace ponder::gui
