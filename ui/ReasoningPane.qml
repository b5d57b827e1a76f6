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

    padding: 8
    Accessible.role: Accessible.Grouping
    Accessible.name: qsTr("Model reasoning")

    background: Rectangle {
        radius: 6
        color: Qt.alpha(palette.text, 0.04)
        border.color: Qt.alpha(palette.text, 0.12)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 4

        ItemDelegate {
            id: header
            objectName: "reasoningHeader"
            Layout.fillWidth: true
            padding: 2
            text: root.thinking ? qsTr("Thinking…")
                                : qsTr("Thought for %1 s · %2 tokens").arg(Math.max(1, Math.round(root.seconds))).arg(root.tokenCount)
            icon.name: root.expanded ? "go-down" : "go-next"
            font.italic: root.thinking
            Accessible.name: root.expanded ? qsTr("Hide reasoning") : qsTr("Show reasoning")
            onClicked: root.expanded = !root.expanded
        }

        Label {
            objectName: "reasoningCaption"
            visible: root.expanded
            text: qsTr("The model's raw reasoning — not checked, not part of the answer")
            font.pointSize: Style.smallPointSize
            opacity: 0.6
        }

        TextBlock {
            id: body
            objectName: "reasoningText"
            visible: root.expanded
            Layout.fillWidth: true
            textFormat: TextEdit.PlainText
            color: palette.text
            opacity: 0.75
            font.pointSize: Style.smallPointSize
        }
    }
}
