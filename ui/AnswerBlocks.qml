import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// An answer's Markdown, split in C++ into prose and code blocks: prose renders as Markdown
// (lists, tables, emphasis), code in a monospace box with a copy button.
ColumnLayout {
    id: root

    required property var blocks      // [{kind: "prose"|"code", text, language, closed}]
    signal copyRequested(string text)

    spacing: 6

    Repeater {
        model: root.blocks
        delegate: Loader {
            id: block
            required property var modelData
            Layout.fillWidth: true
            sourceComponent: modelData.kind === "code" ? codeBlock : proseBlock

            Component {
                id: proseBlock
                TextEdit {
                    text: block.modelData.text
                    textFormat: TextEdit.MarkdownText
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    color: palette.text
                    onLinkActivated: link => {}   // offline app: links are shown, never opened
                }
            }
            Component {
                id: codeBlock
                Frame {
                    padding: 6
                    background: Rectangle {
                        radius: 4
                        color: Qt.alpha(palette.text, 0.06)
                    }
                    ColumnLayout {
                        anchors.fill: parent
                        RowLayout {
                            Layout.fillWidth: true
                            Label {
                                Layout.fillWidth: true
                                text: block.modelData.language
                                opacity: 0.6
                                font.pointSize: Style.captionPointSize
                            }
                            ToolButton {
                                text: qsTr("Copy")
                                font.pointSize: Style.captionPointSize
                                Accessible.name: qsTr("Copy code")
                                onClicked: root.copyRequested(block.modelData.text)
                            }
                        }
                        TextEdit {
                            Layout.fillWidth: true
                            text: block.modelData.text
                            textFormat: TextEdit.PlainText
                            readOnly: true
                            selectByMouse: true
                            wrapMode: TextEdit.WrapAnywhere
                            font.family: Style.monospaceFamily
                            color: palette.text
                        }
                    }
                }
            }
        }
    }
}
