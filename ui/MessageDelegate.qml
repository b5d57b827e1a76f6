import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One row of the chat: a user message, or an assistant answer with its reasoning pane, tool
// cards, the answer itself and a footer (effort used, tokens, tokens/s, time). Branch arrows
// (‹ 1/2 ›) appear when regenerate or edit made siblings.
Item {
    id: root

    required property int index
    required property string kind          // "user" | "assistant"
    required property string text
    required property var blocks
    required property string reasoning
    required property bool thinking
    required property real reasoningSeconds
    required property int reasoningTokens
    required property var toolCalls
    required property string state          // "complete" | "stopped" | "error" | "generating"
    required property string footer
    required property int siblingIndex
    required property int siblingCount

    required property var chat               // ChatController
    required property string reasoningDisplay  // "expanded" | "collapsed" | "hidden"

    width: ListView.view ? ListView.view.width : 600
    implicitHeight: column.implicitHeight + Style.spaceL

    // Messages sit in a centred column no wider than reads well.
    readonly property real columnWidth: Math.min(width - 2 * Style.spaceL, Style.maxContentWidth)

    ColumnLayout {
        id: column
        x: Math.round((root.width - root.columnWidth) / 2)
        width: root.columnWidth
        y: Style.spaceS
        spacing: Style.spaceS

        Label {
            Layout.alignment: root.kind === "user" ? Qt.AlignRight : Qt.AlignLeft
            text: root.kind === "user" ? qsTr("You") : qsTr("Assistant")
            font.bold: true
            font.pointSize: Style.smallPointSize
            color: Style.textMuted
        }

        ReasoningPane {
            Layout.fillWidth: true
            visible: root.kind === "assistant" && root.reasoning.length > 0 && root.reasoningDisplay !== "hidden"
            text: root.reasoning
            thinking: root.thinking
            seconds: root.reasoningSeconds
            tokenCount: root.reasoningTokens
            Component.onCompleted: if (!root.thinking) expanded = root.reasoningDisplay === "expanded"
        }

        // A count, not the list: the cards stay (with their open result and focus) while the
        // row's data changes as the answer streams.
        Repeater {
            model: root.toolCalls.length
            delegate: ToolCallCard {
                required property int index
                Layout.fillWidth: true
                call: root.toolCalls[index]
                onDecided: (callId, decision) => root.chat.answerToolCall(callId, decision)
            }
        }

        // The user's words in a bubble that fits them, on the right, at most 80% of the column.
        Text {
            id: naturalWidth
            visible: false
            text: root.kind === "user" ? root.text : ""
            font.pointSize: Style.messagePointSize
        }
        Frame {
            Layout.alignment: Qt.AlignRight
            Layout.preferredWidth: Math.min(root.columnWidth * 0.8,
                                            Math.ceil(naturalWidth.implicitWidth) + leftPadding + rightPadding + 2)
            visible: root.kind === "user"
            padding: Style.spaceM
            topPadding: Style.spaceS
            bottomPadding: Style.spaceS
            background: Rectangle {
                radius: Style.radiusL
                color: Style.userBubble
            }
            TextBlock {
                width: parent.width
                // Hidden on answers, but a TextEdit lays out whatever it holds: given an answer
                // it would lay the whole of it out again for every streamed batch.
                text: root.kind === "user" ? root.text : ""
                textFormat: TextEdit.PlainText
                color: Style.text
            }
        }

        AnswerBlocks {
            Layout.fillWidth: true
            visible: root.kind === "assistant"
            blocks: root.blocks
            onCopyRequested: text => root.chat.copyToClipboard(text)
        }

        Label {
            visible: root.state === "stopped" || root.state === "error"
            text: root.state === "stopped" ? qsTr("Stopped") : qsTr("Generation failed")
            color: root.state === "error" ? Style.error : Style.textMuted
        }

        // Wraps in a narrow window instead of running past the edge.
        Flow {
            Layout.fillWidth: true
            Layout.alignment: root.kind === "user" ? Qt.AlignRight : Qt.AlignLeft
            layoutDirection: root.kind === "user" ? Qt.RightToLeft : Qt.LeftToRight
            spacing: Style.spaceXs
            IconButton {
                visible: root.siblingCount > 1
                iconName: "chevron-right"
                rotation: 180
                text: qsTr("Previous version")
                enabled: root.siblingIndex > 0
                Accessible.name: qsTr("Previous version")
                onClicked: root.chat.showSibling(root.index, -1)
            }
            Label {
                visible: root.siblingCount > 1
                text: (root.siblingIndex + 1) + "/" + root.siblingCount
            }
            IconButton {
                visible: root.siblingCount > 1
                iconName: "chevron-right"
                text: qsTr("Next version")
                enabled: root.siblingIndex + 1 < root.siblingCount
                Accessible.name: qsTr("Next version")
                onClicked: root.chat.showSibling(root.index, 1)
            }
            Label {
                objectName: "answerFooter"
                visible: root.footer.length > 0
                topPadding: Style.spaceXs
                text: root.footer
                color: Style.textMuted
                font.pointSize: Style.captionPointSize
            }
            // Not on an answer still being written (or waiting for a tool's approval): there
            // is nothing final yet to copy or to replace.
            IconButton {
                objectName: "copyButton"
                id: copyButton
                property bool copied: false
                visible: root.kind === "assistant" && root.state !== "generating"
                iconName: copied ? "check" : "copy"
                text: copied ? qsTr("Copied") : qsTr("Copy")
                tip: copied ? qsTr("Copied") : qsTr("Copy this answer")
                onClicked: {
                    root.chat.copyToClipboard(root.text)
                    copied = true
                    copiedTimer.restart()
                }
                Timer { id: copiedTimer; interval: 1500; onTriggered: copyButton.copied = false }
            }
            IconButton {
                objectName: "regenerateButton"
                visible: root.kind === "assistant" && root.state !== "generating"
                iconName: "refresh"
                text: qsTr("Regenerate")
                tip: qsTr("Regenerate this answer (a new version; this one stays)")
                onClicked: root.chat.regenerate(root.index)
            }
            IconButton {
                objectName: "editButton"
                visible: root.kind === "user"
                iconName: "pencil"
                text: qsTr("Edit")
                tip: qsTr("Edit and resend (a new version; this one stays)")
                onClicked: root.chat.beginEdit(root.index)
            }
        }
    }
}
