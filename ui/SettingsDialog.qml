import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Preferences for the app (theme, text size, reasoning display, context length) and for the
// open conversation (developer instructions). Sampling lives with the conversation too.
// The content scrolls when the window is too small to show it whole.
ThemedDialog {
    id: root
    objectName: "settingsDialog"

    required property var chat
    required property var settings

    title: qsTr("Settings")
    standardButtons: Dialog.Close
    width: Math.min(580, parent ? parent.width - 2 * Style.spaceL : 580)
    height: Math.min(implicitHeight, parent ? parent.height - 2 * Style.spaceL : implicitHeight)

    onAboutToShow: instructions.text = root.chat.currentInstructions
    onClosed: if (root.chat.currentConversationId.length > 0 && instructions.text !== root.chat.currentInstructions)
                  root.chat.setInstructions(instructions.text)

    ScrollView {
        id: scroller
        anchors.fill: parent
        implicitWidth: grid.implicitWidth
        implicitHeight: grid.implicitHeight
        contentWidth: availableWidth
        clip: true

        GridLayout {
            id: grid
            width: scroller.availableWidth
            columns: 2
            columnSpacing: Style.spaceM
            rowSpacing: Style.spaceS

            Label { text: qsTr("Theme"); color: Style.text }
            ComboBox {
                objectName: "themeBox"
                Layout.fillWidth: true
                model: [qsTr("Follow the system"), qsTr("Light"), qsTr("Dark")]
                readonly property var values: ["system", "light", "dark"]
                currentIndex: values.indexOf(root.settings.theme)
                onActivated: index => root.settings.theme = values[index]
                Accessible.name: qsTr("Theme")
            }

            Label { text: qsTr("Text size"); color: Style.text }
            RowLayout {
                Layout.fillWidth: true
                SpinBox {
                    objectName: "fontSizeBox"
                    from: 8
                    to: 32
                    value: root.settings.fontSize
                    onValueModified: root.settings.fontSize = value
                    Accessible.name: qsTr("Text size in points")
                }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("pt, the size of messages; the rest follows")
                    color: Style.textMuted
                }
            }

            Label { text: qsTr("Reasoning"); color: Style.text }
            ComboBox {
                Layout.fillWidth: true
                model: [qsTr("Shown expanded"), qsTr("Collapsed after thinking"), qsTr("Hidden")]
                readonly property var values: ["expanded", "collapsed", "hidden"]
                currentIndex: values.indexOf(root.settings.reasoningDisplay)
                onActivated: index => root.settings.reasoningDisplay = values[index]
                Accessible.name: qsTr("How reasoning is shown")
            }

            Label { text: qsTr("Context length"); color: Style.text }
            RowLayout {
                Layout.fillWidth: true
                SpinBox {
                    from: 512
                    to: 131072
                    stepSize: 1024
                    editable: true
                    value: root.settings.contextLength
                    onValueModified: root.settings.contextLength = value
                    Accessible.name: qsTr("Context length in tokens")
                }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("tokens (applies when a model loads)")
                    color: Style.textMuted
                }
            }

            Label {
                Layout.alignment: Qt.AlignTop
                Layout.maximumWidth: 140
                wrapMode: Text.Wrap
                text: qsTr("Instructions for this conversation")
                visible: root.chat.currentConversationId.length > 0
                color: Style.text
            }
            ColumnLayout {
                Layout.fillWidth: true
                visible: root.chat.currentConversationId.length > 0
                spacing: Style.spaceXs
                TextArea {
                    id: instructions
                    Layout.fillWidth: true
                    Layout.preferredHeight: 100
                    wrapMode: TextArea.Wrap
                    placeholderText: qsTr("e.g. Answer briefly.")
                    Accessible.name: qsTr("Developer instructions")
                }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Sent to the model as developer instructions with every message.")
                    font.pointSize: Style.smallPointSize
                    color: Style.textMuted
                }
            }

            Label { text: qsTr("History file"); color: Style.text }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.WrapAnywhere
                text: root.settings.databasePath.length > 0 ? root.settings.databasePath : qsTr("the default location (~/.local/share/ponder)")
                color: Style.textMuted
            }
        }
    }
}
