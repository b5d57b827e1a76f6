import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The model's chain of thought (the harmony "analysis" channel) for one answer. It is open
// while the model thinks, collapses to "Thought for N s · M tokens" when thinking ends, and
// reopens on click. Labelled as raw reasoning: it is not the answer and may be wrong.
Frame {
    id: root

    property string text: ""          // reasoning so far
    property bool thinking: false     // true while analysis tokens are still streaming
    property real seconds: 0          // time spent thinking
    property int tokenCount: 0        // analysis tokens
    property bool expanded: thinking  // view state; follows `thinking` until the user toggles

    onThinkingChanged: expanded = thinking

    // "Thinking…" while it streams, then how long and how many tokens. Short thoughts show
    // tenths (a demo answer thinks for 0.04 s, not "1 s"); a count not known yet (the answer
    // waits for a tool's approval, or was stopped) is left out rather than shown as 0.
    function summary() {
        if (thinking) return qsTr("Thinking…")
        let time
        if (seconds < 0.1) time = qsTr("Thought for less than 0.1 s")
        else if (seconds < 10) time = qsTr("Thought for %1 s").arg(seconds.toFixed(1))
        else time = qsTr("Thought for %1 s").arg(Math.round(seconds))
        return tokenCount > 0 ? qsTr("%1 · %2 tokens").arg(time).arg(tokenCount) : time
    }

    // Appended to while the model thinks, not replaced: replacing lays the whole chain of
    // thought out again for every batch of tokens (a high-effort one runs to tens of thousands
    // of tokens), appending lays out only the paragraph it extends.
    property string shownText: ""
    function showText() {
        if (text.length > shownText.length && text.startsWith(shownText))
            body.insert(body.length, text.slice(shownText.length))
        else if (text !== shownText)
            body.text = text
        shownText = text
    }
    onTextChanged: showText()
    Component.onCompleted: showText()

    padding: Style.spaceS
    Accessible.role: Accessible.Grouping
    Accessible.name: qsTr("Model reasoning")

    background: Rectangle {
        radius: Style.radiusM
        color: Style.reasoningBackground
        border.color: Style.border
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Style.spaceXs

        ItemDelegate {
            id: header
            objectName: "reasoningHeader"
            Layout.fillWidth: true
            padding: Style.spaceXs
            text: root.summary()
            Accessible.name: (root.expanded ? qsTr("Hide reasoning") : qsTr("Show reasoning")) + ": " + text
            onClicked: root.expanded = !root.expanded
            background: Rectangle {
                radius: Style.radiusS
                color: header.hovered ? Qt.alpha(Style.text, 0.06) : "transparent"
            }
            contentItem: RowLayout {
                spacing: Style.spaceS
                Label {
                    objectName: "reasoningChevron"
                    text: root.expanded ? "▾" : "▸"
                    color: Style.textMuted
                }
                BusyIndicator {
                    objectName: "thinkingIndicator"
                    visible: root.thinking
                    running: root.thinking
                    Layout.preferredWidth: header.font.pixelSize > 0 ? header.font.pixelSize * 1.4 : 18
                    Layout.preferredHeight: Layout.preferredWidth
                    Accessible.name: qsTr("Thinking")
                }
                Label {
                    Layout.fillWidth: true
                    text: header.text
                    font.italic: root.thinking
                    color: Style.textMuted
                }
            }
        }

        Label {
            objectName: "reasoningCaption"
            visible: root.expanded
            text: qsTr("The model's raw reasoning — not checked, not part of the answer")
            font.pointSize: Style.smallPointSize
            color: Style.textMuted
        }

        TextBlock {
            id: body
            objectName: "reasoningText"
            visible: root.expanded
            Layout.fillWidth: true
            textFormat: TextEdit.PlainText
            color: Style.textMuted
            font.pointSize: Style.smallPointSize
        }
    }
}
