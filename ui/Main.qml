import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import PonderGui

ApplicationWindow {
    id: window

    required property AppSettings settings

    width: 1100
    height: 720
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: qsTr("Ponder")
    font.pointSize: settings.fontSize

    // Restore the last window geometry when it still fits a screen.
    Component.onCompleted: {
        const g = settings.windowGeometry
        if (g.width >= minimumWidth && g.height >= minimumHeight) {
            x = g.x; y = g.y; width = g.width; height = g.height
        }
    }
    onClosing: settings.windowGeometry = Qt.rect(x, y, width, height)

    SplitView {
        anchors.fill: parent

        Pane {
            id: sidebar
            SplitView.preferredWidth: 260
            SplitView.minimumWidth: 180
            Accessible.name: qsTr("Conversations")

            ColumnLayout {
                anchors.fill: parent
                Label {
                    text: qsTr("Conversations")
                    font.bold: true
                }
                Label {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    text: qsTr("No conversations yet")
                    opacity: 0.6
                    wrapMode: Text.Wrap
                }
            }
        }

        Pane {
            id: chatArea
            SplitView.fillWidth: true
            Accessible.name: qsTr("Chat")

            Label {
                anchors.centerIn: parent
                text: qsTr("No model loaded")
                font.pixelSize: 20
                opacity: 0.6
            }
        }
    }
}
