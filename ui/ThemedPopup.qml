import QtQuick
import QtQuick.Controls

// A popup in Ponder's style, themed live (see Style.palette), kept inside the window.
Popup {
    id: root

    margins: Style.spaceS
    padding: Style.spaceM
    font.pointSize: Style.controlPointSize
    palette: Style.palette

    background: Rectangle {
        color: Style.surface
        border.color: Style.border
        radius: Style.radiusM
    }
}
