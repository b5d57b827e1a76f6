import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Preferences for the app (theme, font size, reasoning display, context length) and for the
// open conversation (developer instructions). Sampling lives with the conversation too.
Dialog {
    id: root

    required property var chat
    required property var settings

    title: qsTr("Settings")
    modal: true
    standardButtons: Dialog.Close
    width: Math.min(560, parent ? parent.width - 40 : 560)
    anchors.centerIn: parent

    onAboutToShow: instructions.text = root.chat.currentInstructions
    onClosed: if (root.chat.currentConversationId.length > 0 && instructions.text !== root.chat.currentInstructions)
                  root.chat.setInstructions(instructions.text)

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: 12
        rowSpacing: 8

        Label { text: qsTr("Theme") }
        ComboBox {
            Layout.fillWidth: true
            model: [qsTr("Follow the system"), qsTr("Light"), qsTr("Dark")]
            readonly property var values: ["system", "light", "dark"]
            currentIndex: values.indexOf(root.settings.theme)
            onActivated: index => root.settings.theme = values[index]
            Accessible.name: qsTr("Theme")
        }

        Label { text: qsTr("Font size") }
        SpinBox {
            from: 8
            to: 32
            value: root.settings.fontSize
            onValueModified: root.settings.fontSize = value
            Accessible.name: qsTr("Font size")
        }

        Label { text: qsTr("Reasoning") }
        ComboBox {
            Layout.fillWidth: true
            model: [qsTr("Shown expanded"), qsTr("Collapsed after thinking"), qsTr("Hidden")]
            readonly property var values: ["expanded", "collapsed", "hidden"]
            currentIndex: values.indexOf(root.settings.reasoningDisplay)
            onActivated: index => root.settings.reasoningDisplay = values[index]
            Accessible.name: qsTr("How reasoning is shown")
        }

        Label { text: qsTr("Context length") }
        RowLayout {
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
                text: qsTr("tokens (applies when a model loads)")
                opacity: 0.7
            }
        }

        Label {
            Layout.alignment: Qt.AlignTop
            text: qsTr("Instructions for this conversation")
            visible: root.chat.currentConversationId.length > 0
        }
        TextArea {
            id: instructions
            Layout.fillWidth: true
            Layout.preferredHeight: 100
            visible: root.chat.currentConversationId.length > 0
            wrapMode: TextArea.Wrap
            placeholderText: qsTr("e.g. Answer briefly. (Sent to the model as developer instructions.)")
            Accessible.name: qsTr("Developer instructions")
        }

        Label { text: qsTr("History file") }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WrapAnywhere
            text: root.settings.databasePath.length > 0 ? root.settings.databasePath : qsTr("the default location (~/.local/share/ponder)")
            opacity: 0.8
        }
    }
}
