import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// An answer's Markdown, split in C++ into prose and code blocks: prose renders as Markdown
// (lists, tables, emphasis), code in a monospace box with a copy button. A Column, not a
// ColumnLayout: blocks go when the row is reused for a shorter answer, and Qt 6.4's
// ColumnLayout crashed (in QGridLayoutItem::effectiveMaxSize) when its Repeater removed them
// while the reused row was resized; ponder-ui-bench hit it opening conversations in turn.
Column {
    id: root

    required property var blocks      // [{kind: "prose"|"code", text, language, closed}]
    signal copyRequested(string text)

    spacing: Style.spaceS

    // The blocks as a ListModel kept in step with `blocks`, not `blocks` itself: every
    // streamed batch brings a new list, and a list as the model rebuilds every block (Markdown
    // parse, text layout, a code box's controls) each time, which at 60 batches a second
    // outgrows the frame. Kept in step, finished blocks stay as they are, the growing one is
    // laid out again and a new one is added.
    ListModel { id: shown }
    function showBlocks() {
        for (let i = 0; i < blocks.length; ++i) {
            const b = blocks[i]
            if (i === shown.count) {
                shown.append({kind: b.kind, text: b.text, language: b.language})
                continue
            }
            const old = shown.get(i)
            if (old.kind !== b.kind) shown.setProperty(i, "kind", b.kind)
            if (old.text !== b.text) shown.setProperty(i, "text", b.text)
            if (old.language !== b.language) shown.setProperty(i, "language", b.language)
        }
        if (shown.count > blocks.length) shown.remove(blocks.length, shown.count - blocks.length)
    }
    onBlocksChanged: showBlocks()
    Component.onCompleted: showBlocks()

    Repeater {
        objectName: "answerBlockRepeater"
        model: shown
        delegate: Loader {
            id: block
            required property string kind
            required property string text
            required property string language
            width: root.width
            sourceComponent: kind === "code" ? codeBlock : proseBlock

            Component {
                id: proseBlock
                TextBlock {
                    text: block.text
                    textFormat: TextEdit.MarkdownText
                    color: Style.text
                    onLinkActivated: link => {}   // offline app: links are shown, never opened
                }
            }
            Component {
                id: codeBlock
                Frame {
                    padding: Style.spaceS
                    background: Rectangle {
                        radius: Style.radiusS
                        color: Style.codeBackground
                    }
                    ColumnLayout {
                        anchors.fill: parent
                        RowLayout {
                            Layout.fillWidth: true
                            Label {
                                Layout.fillWidth: true
                                text: block.language
                                color: Style.textMuted
                                font.pointSize: Style.captionPointSize
                            }
                            ToolButton {
                                text: qsTr("Copy")
                                font.pointSize: Style.captionPointSize
                                Accessible.name: qsTr("Copy code")
                                onClicked: root.copyRequested(block.text)
                            }
                        }
                        TextBlock {
                            objectName: "codeText"
                            Layout.fillWidth: true
                            text: block.text
                            textFormat: TextEdit.PlainText
                            wrapMode: TextEdit.WrapAnywhere
                            font.family: Style.monospaceFamily
                            color: Style.text
                        }
                    }
                }
            }
        }
    }
}
