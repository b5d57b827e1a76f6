// PDF export through Qt's own PDF writer: the conversation's HTML export (escaped, script-free)
// laid out by QTextDocument on A4 pages. Safe to call from the engine worker's thread.
#pragma once

#include <QString>

namespace ponder::gui {

// Writes `html` as a PDF at `path`; returns an error message, or an empty string.
QString writePdf(const QString& html, const QString& path);

}  // namespace ponder::gui
