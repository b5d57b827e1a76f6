import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Where the user writes: a framed box with the Send button inside. Enter sends, Shift+Enter
// adds a line, Tab moves on (a chat message has no use for a tab character, and a keyboard
// user must be able to leave the box). While the model generates the button becomes Stop.
// When sending is impossible (no model yet, or it is loading) the box still takes typing, so
// nothing typed right after launch is lost, and says why it cannot send.
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

    padding: Style.spaceM
    topPadding: Style.spaceS
    background: Rectangle { color: Style.window }

    Rectangle {
        id: frame
        objectName: "composerFrame"
        anchors.fill: parent
        radius: Style.radiusL
        color: Style.surface
        border.width: input.activeFocus ? 2 : 1
        border.color: input.activeFocus ? Style.accent : Style.border

        RowLayout {
            anchors.fill: parent
            anchors.margins: Style.spaceXs
            anchors.leftMargin: Style.spaceS
            spacing: Style.spaceS

            ScrollView {
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignVCenter
                Layout.preferredHeight: Math.min(input.implicitHeight, 200)
                TextArea {
                    id: input
                    objectName: "composerInput"
                    readonly property bool drawsOwnFocus: true   // the frame lights up
                    wrapMode: TextArea.Wrap
                    font.pointSize: Style.messagePointSize
                    color: Style.text
                    placeholderTextColor: Style.placeholder
                    selectionColor: Style.accent
                    selectedTextColor: Style.accentText
                    background: null
                    // The full hint where it fits, a short one in a narrow window.
                    readonly property string hint: qsTr("Message (Enter to send, Shift+Enter for a new line)")
                    TextMetrics { id: hintWidth; font: input.font; text: input.hint }
                    placeholderText: root.disabledReason.length > 0 ? root.disabledReason
                                     : hintWidth.advanceWidth < input.width - input.leftPadding - input.rightPadding
                                       ? hint : qsTr("Message")
                    Accessible.name: qsTr("Message")
                    Accessible.description: root.disabledReason
                    Keys.onPressed: event => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                                && !(event.modifiers & Qt.ShiftModifier)) {
                            event.accepted = true
                            root.send()
                        }
                    }
                    Keys.onTabPressed: event => {
                        event.accepted = true
                        nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason)
                    }
                    Keys.onBacktabPressed: event => {
                        event.accepted = true
                        nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)
                    }
                }
            }

            // Send (an arrow) or, while the model writes, Stop (a square).
            Button {
                id: sendButton
                objectName: "composerButton"
                Layout.alignment: Qt.AlignBottom
                Layout.bottomMargin: 2
                text: root.generating ? qsTr("Stop") : qsTr("Send")
                display: AbstractButton.IconOnly
                icon.source: root.generating ? "icons/player-stop.png" : "icons/send.png"
                icon.width: Math.round(Style.controlPointSize * 1.7)
                icon.height: Math.round(Style.controlPointSize * 1.7)
                icon.color: enabled ? Style.accentText : Style.textMuted
                enabled: root.generating || root.canSend
                background: Rectangle {
                    implicitWidth: 36
                    implicitHeight: 36
                    radius: width / 2
                    color: !sendButton.enabled ? Qt.alpha(Style.text, 0.08)
                           : sendButton.down ? Qt.darker(Style.accent, 1.2)
                           : sendButton.hovered ? Qt.lighter(Style.accent, 1.1) : Style.accent
                }
                Accessible.name: root.generating ? qsTr("Stop generating") : qsTr("Send message")
                ToolTip.visible: hovered
                ToolTip.text: root.generating ? qsTr("Stop (Ctrl+.)") : qsTr("Send (Enter)")
                onClicked: root.generating ? root.stopRequested() : root.send()
            }
        }
    }

    implicitHeight: Math.min(input.implicitHeight, 200) + 2 * Style.spaceXs + topPadding + bottomPadding + 4
}
