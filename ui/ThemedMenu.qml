import QtQuick
import QtQuick.Controls

// A menu in Ponder's style, themed live (see Style.palette), as wide as its widest item so no
// item is cut off (Fusion's menu is a fixed 200 px), and kept inside the window.
Menu {
    id: root

    palette: Style.palette
    font.pointSize: Style.controlPointSize
    margins: Style.spaceXs

    width: {
        let widest = 0
        for (let i = 0; i < count; ++i) {
            const item = itemAt(i)
            if (item) widest = Math.max(widest, item.implicitWidth)
        }
        return Math.max(160, widest + leftPadding + rightPadding)
    }
}
