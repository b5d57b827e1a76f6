import QtQuick
import QtQuick.Controls

// A modal dialog in Ponder's style: themed live (see Style.palette), centred, and never
// bigger than the window.
Dialog {
    id: root

    modal: true
    anchors.centerIn: parent
    margins: Style.spaceL
    padding: Style.spaceL
    topPadding: Style.spaceS
    font.pointSize: Style.controlPointSize
    palette: Style.palette

    background: Rectangle {
        color: Style.window
        border.color: Style.border
        radius: Style.radiusM
    }
    header: Label {
        visible: root.title.length > 0
        text: root.title
        font.bold: true
        font.pointSize: Style.titlePointSize
        color: Style.text
        elide: Text.ElideRight
        padding: Style.spaceL
        bottomPadding: 0
    }
    // The contents follow the live palette: see Style.palette.
    Binding { target: root.contentItem; property: "palette"; value: Style.palette }
    footer: DialogButtonBox {
        palette: Style.palette
        padding: Style.spaceM
        background: Rectangle { color: Style.window; radius: Style.radiusM }
    }
}
