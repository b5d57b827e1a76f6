import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One tool call inside an answer: which tool, its arguments, its status and its result
// (collapsible). While the call waits for the user, the card carries the approval prompt; the
// answer leaves as decided() and the C++ side hands it to the waiting turn.
Frame {
    id: root

    // {id, tool, arguments, status, awaitingApproval, description, result, error, durationMs};
    // status: "waiting" | "running" | "done" | "failed" | "denied" | "pending"
    required property var call
    property bool resultOpen: false
    signal decided(string callId, string decision)   // "once" | "always" | "deny"

    readonly property bool awaiting: call.awaitingApproval === true
    readonly property string statusText: {
        switch (call.status) {
        case "waiting": return qsTr("Waiting for approval")
        case "running": return qsTr("Running…")
        case "done": return qsTr("Done")
        case "failed": return qsTr("Error")
        case "denied": return qsTr("Denied")
        default: return qsTr("Not run")
        }
    }

    padding: Style.spaceS
    Accessible.role: Accessible.Grouping
    Accessible.name: qsTr("Tool call: %1, %2").arg(call.tool).arg(statusText)

    // A reused card showing another call starts with its result closed.
    readonly property string callId: call.id
    onCallIdChanged: resultOpen = false

    background: Rectangle {
        radius: Style.radiusM
        color: Style.surface
        border.color: root.awaiting ? Style.accent : Style.border
        border.width: root.awaiting ? 2 : 1
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Style.spaceXs
        RowLayout {
            Layout.fillWidth: true
            Label {
                text: "🔧 " + root.call.tool
                font.bold: true
            }
            Label {
                objectName: "statusLabel"
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignRight
                text: root.statusText
                      + ((root.call.status === "done" || root.call.status === "failed") && root.call.durationMs > 0
                         ? " · " + root.call.durationMs + " ms" : "")
                color: root.call.status === "failed" ? Style.error : root.awaiting ? Style.text : Style.textMuted
                font.bold: root.awaiting
            }
        }
        Label {
            Layout.fillWidth: true
            visible: root.awaiting && root.call.description.length > 0
            text: root.call.description
            wrapMode: Text.Wrap
            color: Style.textMuted
            font.pointSize: Style.smallPointSize
        }
        TextEdit {
            objectName: "argumentsText"
            Layout.fillWidth: true
            text: root.call.arguments
            readOnly: true
            selectByMouse: true
            font.family: Style.monospaceFamily
            wrapMode: TextEdit.WrapAnywhere
            color: Style.text
            Accessible.role: Accessible.StaticText
            Accessible.name: qsTr("Arguments")
            Accessible.description: text
        }

        // The approval prompt.
        ColumnLayout {
            objectName: "approvalPrompt"
            Layout.fillWidth: true
            visible: root.awaiting
            spacing: Style.spaceXs
            // Keyboard users land on the prompt: the answer is waiting for them. (Once shown: a
            // hidden button cannot take the focus.)
            onVisibleChanged: if (visible) allowOnce.forceActiveFocus()
            Component.onCompleted: if (visible) allowOnce.forceActiveFocus()
            Label {
                Layout.fillWidth: true
                text: qsTr("Let %1 run with these arguments?").arg(root.call.tool)
                wrapMode: Text.Wrap
            }
            Flow {
                Layout.fillWidth: true
                spacing: Style.spaceS
                Button {
                    id: allowOnce
                    objectName: "allowOnceButton"
                    text: qsTr("Allow once")
                    highlighted: true
                    Accessible.name: qsTr("Allow %1 once").arg(root.call.tool)
                    onClicked: root.decided(root.call.id, "once")
                    Keys.onReturnPressed: clicked()
                    Keys.onEnterPressed: clicked()
                }
                Button {
                    objectName: "allowAlwaysButton"
                    text: qsTr("Always allow in this conversation")
                    Accessible.name: qsTr("Always allow %1 in this conversation").arg(root.call.tool)
                    onClicked: root.decided(root.call.id, "always")
                    Keys.onReturnPressed: clicked()
                    Keys.onEnterPressed: clicked()
                }
                Button {
                    objectName: "denyButton"
                    text: qsTr("Deny")
                    Accessible.name: qsTr("Deny %1").arg(root.call.tool)
                    onClicked: root.decided(root.call.id, "deny")
                    Keys.onReturnPressed: clicked()
                    Keys.onEnterPressed: clicked()
                }
            }
        }

        ItemDelegate {
            objectName: "resultToggle"
            visible: root.call.result.length > 0 || root.call.error.length > 0
            padding: 2
            text: root.resultOpen ? qsTr("Hide result") : qsTr("Show result")
            Accessible.name: text
            onClicked: root.resultOpen = !root.resultOpen
        }
        TextEdit {
            objectName: "resultText"
            visible: root.resultOpen
            Layout.fillWidth: true
            text: root.call.error.length > 0 ? root.call.error : root.call.result
            readOnly: true
            selectByMouse: true
            font.family: Style.monospaceFamily
            wrapMode: TextEdit.WrapAnywhere
            color: root.call.error.length > 0 ? Style.error : Style.text
        }
    }
}
