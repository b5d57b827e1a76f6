// Walks the visible item tree of a window, as a reviewer's eye would, and lists what a person
// would trip over:
//  - text cut off (elided, or more lines than it may show) unless the item, or one above it,
//    says it may be (a `elidable: true` property: long titles, snippets, the model's name);
//  - a control or text outside its window, popup or dialog (parts scrolled out of a clipping
//    view are fine: they are hidden, not cut);
//  - text whose contrast against what is painted behind it is below WCAG AA's 4.5:1. The text
//    colour is the item's own (blended by its opacity); the background is the commonest colour
//    in its box on the rendered frame. Disabled controls are exempt, as WCAG exempts them.
#pragma once

#include <QColor>
#include <QHash>
#include <QImage>
#include <QQuickItem>
#include <QQuickWindow>
#include <QStringList>
#include <cmath>

namespace ponder::test {

inline double relativeLuminance(QColor c) {
    auto channel = [](double v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

inline double contrastRatio(QColor a, QColor b) {
    const double la = relativeLuminance(a), lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

class UiAudit {
  public:
    UiAudit(QQuickWindow* window, QImage frame) : window_(window), frame_(std::move(frame)) {}

    QStringList run() {
        problems_.clear();
        walk(window_->contentItem(), 1.0, true);
        return problems_;
    }

  private:
    static bool isText(const QQuickItem* item) {
        return item->inherits("QQuickText") || item->inherits("QQuickTextEdit") ||
               item->inherits("QQuickTextInput");
    }
    static bool isControl(const QQuickItem* item) { return item->inherits("QQuickControl"); }
    static bool isPopupItem(const QQuickItem* item) { return item->inherits("QQuickPopupItem"); }

    static QString describe(const QQuickItem* item) {
        QStringList chain;
        for (const QQuickItem* at = item; at != nullptr && chain.size() < 6;
             at = at->parentItem()) {
            QString name = at->objectName();
            if (name.isEmpty()) name = QString::fromLatin1(at->metaObject()->className());
            chain.prepend(name);
        }
        QString text = item->property("text").toString().left(60);
        return chain.join(QLatin1Char('/')) + (text.isEmpty() ? QString() : " \"" + text + "\"");
    }

    static bool mayElide(const QQuickItem* item) {
        for (const QQuickItem* at = item; at != nullptr; at = at->parentItem())
            if (at->property("elidable").toBool()) return true;
        return false;
    }

    // The box that must hold `item`: the nearest popup or the window; nullptr when a clipping
    // ancestor (a list, a scroll view) hides whatever lies outside it.
    const QQuickItem* container(const QQuickItem* item) const {
        for (const QQuickItem* at = item->parentItem(); at != nullptr; at = at->parentItem()) {
            if (at->clip()) return nullptr;
            if (isPopupItem(at)) return at;
        }
        return window_->contentItem();
    }

    static QRectF sceneRect(const QQuickItem* item) {
        return item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    }

    void checkInside(const QQuickItem* item) {
        const QQuickItem* box = container(item);
        if (box == nullptr) return;
        const QRectF outer = sceneRect(box).adjusted(-1, -1, 1, 1);
        const QRectF rect = sceneRect(item);
        if (!outer.contains(rect)) {
            problems_.append(QStringLiteral("outside its %1: %2 at %3,%4 %5x%6 (box %7,%8 %9x%10)")
                                 .arg(box == window_->contentItem() ? "window" : "popup")
                                 .arg(describe(item))
                                 .arg(rect.x())
                                 .arg(rect.y())
                                 .arg(rect.width())
                                 .arg(rect.height())
                                 .arg(outer.x() + 1)
                                 .arg(outer.y() + 1)
                                 .arg(outer.width() - 2)
                                 .arg(outer.height() - 2));
        }
    }

    void checkTruncation(const QQuickItem* item) {
        if (!item->inherits("QQuickText") || mayElide(item)) return;
        if (item->property("truncated").toBool())
            problems_.append(QStringLiteral("cut off: %1").arg(describe(item)));
    }

    // The commonest colour in the item's visible box on the frame.
    std::optional<QColor> background(const QQuickItem* item) const {
        const qreal ratio = frame_.devicePixelRatio();
        QRectF rect = sceneRect(item);
        for (const QQuickItem* at = item->parentItem(); at != nullptr; at = at->parentItem())
            if (at->clip()) rect = rect.intersected(sceneRect(at));
        const QRect pixels =
            QRect((rect.topLeft() * ratio).toPoint(), (rect.size() * ratio).toSize())
                .intersected(frame_.rect());
        if (pixels.width() < 2 || pixels.height() < 2) return std::nullopt;
        QHash<QRgb, int> counts;
        const int step =
            std::max(1, static_cast<int>(std::sqrt(pixels.width() * pixels.height() / 4000.0)));
        for (int y = pixels.top(); y <= pixels.bottom(); y += step)
            for (int x = pixels.left(); x <= pixels.right(); x += step)
                ++counts[frame_.pixel(x, y) | 0xff000000u];
        QRgb best = 0;
        int bestCount = -1;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            if (it.value() > bestCount) {
                best = it.key();
                bestCount = it.value();
            }
        return QColor::fromRgb(best);
    }

    void checkContrast(const QQuickItem* item, double opacity) {
        const QString text = item->property("text").toString();
        if (text.trimmed().isEmpty()) return;
        QColor fg = item->property("color").value<QColor>();
        if (!fg.isValid() || fg.alphaF() * opacity < 0.01) return;
        const auto bg = background(item);
        if (!bg) return;
        const double alpha = fg.alphaF() * opacity;
        const QColor seen = QColor::fromRgbF(fg.redF() * alpha + bg->redF() * (1 - alpha),
                                             fg.greenF() * alpha + bg->greenF() * (1 - alpha),
                                             fg.blueF() * alpha + bg->blueF() * (1 - alpha));
        const double ratio = contrastRatio(seen, *bg);
        if (ratio < 4.5) {
            problems_.append(QStringLiteral("contrast %1:1 (%2 on %3): %4")
                                 .arg(ratio, 0, 'f', 2)
                                 .arg(seen.name(), bg->name(), describe(item)));
        }
    }

    void walk(QQuickItem* item, double opacity, bool enabled) {
        if (!item->isVisible() || item->opacity() <= 0.01) return;
        opacity *= item->opacity();
        enabled = enabled && item->isEnabled();
        const bool sized = item->width() > 0 && item->height() > 0;
        if (sized && item != window_->contentItem()) {
            if (isControl(item) || isText(item)) checkInside(item);
            if (isText(item)) {
                checkTruncation(item);
                if (enabled) checkContrast(item, opacity);
            }
        }
        for (QQuickItem* child : item->childItems())
            walk(child, opacity, enabled);
    }

    QQuickWindow* window_;
    QImage frame_;
    QStringList problems_;
};

}  // namespace ponder::test
