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
    implicitHeight: column.implicitHeight + 16

    ColumnLayout {
        id: column
        x: root.kind === "user" ? Math.max(12, root.width * 0.25) : 12
        width: root.width - x - 12
        y: 8
        spacing: 6

        Label {
            text: root.kind === "user" ? qsTr("You") : qsTr("Assistant")
            font.bold: true
            opacity: 0.7
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

        Frame {
            Layout.fillWidth: true
            visible: root.kind === "user"
            background: Rectangle {
                radius: 8
                color: Qt.alpha(palette.highlight, 0.12)
            }
            TextBlock {
                width: parent.width
                // Hidden on answers, but a TextEdit lays out whatever it holds: given an answer
                // it would lay the whole of it out again for every streamed batch.
                text: root.kind === "user" ? root.text : ""
                textFormat: TextEdit.PlainText
                color: palette.text
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
            color: root.state === "error" ? Style.errorColor : palette.text
            opacity: 0.7
        }

        RowLayout {
            spacing: 4
            ToolButton {
                visible: root.siblingCount > 1
                text: "‹"
                enabled: root.siblingIndex > 0
                Accessible.name: qsTr("Previous version")
                onClicked: root.chat.showSibling(root.index, -1)
            }
            Label {
                visible: root.siblingCount > 1
                text: (root.siblingIndex + 1) + "/" + root.siblingCount
            }
            ToolButton {
                visible: root.siblingCount > 1
                text: "›"
                enabled: root.siblingIndex + 1 < root.siblingCount
                Accessible.name: qsTr("Next version")
                onClicked: root.chat.showSibling(root.index, 1)
            }
            Label {
                visible: root.footer.length > 0
                text: root.footer
                opacity: 0.55
                font.pointSize: Style.captionPointSize
            }
            ToolButton {
                visible: root.kind === "assistant" && root.state !== "generating"
                text: qsTr("Regenerate")
                font.pointSize: Style.captionPointSize
                onClicked: root.chat.regenerate(root.index)
            }
            ToolButton {
                visible: root.kind === "user"
                text: qsTr("Edit")
                font.pointSize: Style.captionPointSize
                onClicked: root.chat.beginEdit(root.index)
            }
            ToolButton {
                visible: root.kind === "assistant"
                text: qsTr("Copy")
                font.pointSize: Style.captionPointSize
                onClicked: root.chat.copyToClipboard(root.text)
            }
        }
    }
}
