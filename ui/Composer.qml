import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Where the user writes. Enter sends, Shift+Enter adds a line; while the model generates the
// button becomes Stop. When no model is ready the composer is disabled and says why.
Pane {
    id: root

    property bool generating: false
    property string disabledReason: ""   // non-empty: sending is impossible, and this says why
    property alias text: input.text
    readonly property bool canSend: disabledReason.length === 0 && !generating && input.text.trim().length > 0

    signal sendRequested(string text)
    signal stopRequested()

    function send() {
        if (!canSend)
            return
        const message = input.text
        input.clear()
        root.sendRequested(message)
    }

    function focusInput() { input.forceActiveFocus() }

    padding: 8

    RowLayout {
        anchors.fill: parent
        spacing: 8

        ScrollView {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(input.implicitHeight, 200)
            TextArea {
                id: input
                objectName: "composerInput"
                enabled: root.disabledReason.length === 0
                wrapMode: TextArea.Wrap
                placeholderText: root.disabledReason.length > 0 ? root.disabledReason
                                                                : qsTr("Message (Enter to send, Shift+Enter for a new line)")
                Accessible.name: qsTr("Message")
                Keys.onPressed: event => {
                    if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                            && !(event.modifiers & Qt.ShiftModifier)) {
                        event.accepted = true
                        root.send()
                    }
                }
            }
        }

        Button {
            objectName: "composerButton"
            text: root.generating ? qsTr("Stop") : qsTr("Send")
            enabled: root.generating || root.canSend
            Accessible.name: root.generating ? qsTr("Stop generating") : qsTr("Send message")
            onClicked: root.generating ? root.stopRequested() : root.send()
        }
    }
}
