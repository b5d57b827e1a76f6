import QtQuick
import QtQuick.Controls

// A toolbar or message-action button with an icon from ui/icons (Tabler Icons, MIT; see
// installer/copyright), tinted with the theme's text colour, with hover and pressed states and
// a tooltip. `iconName` is the file's base name; `showText` shows the label beside the icon.
ToolButton {
    id: root

    property string iconName: ""
    property bool showText: false
    property string tip: text

    display: showText ? AbstractButton.TextBesideIcon : AbstractButton.IconOnly
    icon.source: iconName.length > 0 ? "icons/" + iconName + ".png" : ""
    icon.width: Math.round(Style.controlPointSize * 1.6)
    icon.height: Math.round(Style.controlPointSize * 1.6)
    icon.color: enabled ? Style.text : Style.textMuted
    Accessible.name: text
    ToolTip.visible: hovered && tip.length > 0
    ToolTip.delay: 400
    ToolTip.text: tip

    background: Rectangle {
        implicitWidth: 28
        implicitHeight: 28
        radius: Style.radiusS
        color: root.down ? Qt.alpha(Style.text, 0.16)
                         : root.hovered || root.checked ? Qt.alpha(Style.text, 0.08) : "transparent"
    }
}
