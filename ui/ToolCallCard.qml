import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One tool call inside an answer: which tool, its arguments, its status and its result
// (collapsible).
Frame {
    id: root

    required property var call   // {id, tool, arguments, status, result, error, durationMs}
    property bool resultOpen: false
    padding: 8
    Accessible.role: Accessible.Grouping
    Accessible.name: qsTr("Tool call: %1").arg(call.tool)

    background: Rectangle {
        radius: 6
        color: Qt.alpha(palette.highlight, 0.06)
        border.color: Qt.alpha(palette.highlight, 0.35)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 4
        RowLayout {
            Layout.fillWidth: true
            Label {
                text: "🔧 " + root.call.tool
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignRight
                text: root.call.status + (root.call.durationMs > 0 ? " · " + root.call.durationMs + " ms" : "")
                opacity: 0.7
            }
        }
        TextEdit {
            Layout.fillWidth: true
            text: root.call.arguments
            readOnly: true
            selectByMouse: true
            font.family: Style.monospaceFamily
            wrapMode: TextEdit.WrapAnywhere
            color: palette.text
        }
        ItemDelegate {
            visible: root.call.result.length > 0 || root.call.error.length > 0
            padding: 2
            text: root.resultOpen ? qsTr("Hide result") : qsTr("Show result")
            onClicked: root.resultOpen = !root.resultOpen
        }
        TextEdit {
            visible: root.resultOpen
            Layout.fillWidth: true
            text: root.call.error.length > 0 ? root.call.error : root.call.result
            readOnly: true
            selectByMouse: true
            font.family: Style.monospaceFamily
            wrapMode: TextEdit.WrapAnywhere
            color: root.call.error.length > 0 ? Style.errorColor : palette.text
        }
    }
}
