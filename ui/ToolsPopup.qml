import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

// Which tools the open conversation offers the model, and the folder it shares with read_file
// and search_files. A tool that cannot run here (python without a working sandbox, the file
// tools without a folder) is shown switched off, with the reason. Changes are stored with the
// conversation (ConversationOptions) and apply to the next message.
ThemedPopup {
    id: root

    required property var options   // ConversationOptions

    // Listed only while open: listing checks once whether python's sandbox works here.
    readonly property var tools: visible ? options.tools : []

    width: Math.min(440, parent && parent.Window.window ? parent.Window.window.width - 2 * margins : 440)

    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutsideParent

    contentItem: ColumnLayout {
        spacing: Style.spaceS
        palette: Style.palette   // see Style.palette

        Label {
            text: qsTr("Tools for this conversation")
            font.bold: true
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Style.textMuted
            font.pointSize: Style.smallPointSize
            text: qsTr("The model may call the tools that are on. Each call waits for you to allow it, unless you chose “Always allow” for that tool in this conversation.")
        }

        // By count, so the rows (and the keyboard focus on a switch) stay when a toggle
        // changes the list.
        Repeater {
            model: root.tools.length
            delegate: ColumnLayout {
                id: toolRow
                required property int index
                // (an empty entry for the moment the list empties before the rows go)
                readonly property var modelData: root.tools[toolRow.index]
                                                 ?? ({name: "", description: "", enabled: false, unavailableReason: ""})
                Layout.fillWidth: true
                spacing: 0
                Switch {
                    id: toolSwitch
                    objectName: "toolSwitch_" + toolRow.modelData.name
                    text: toolRow.modelData.name
                    checked: toolRow.modelData.enabled
                    // An unavailable tool can be switched off, never on.
                    enabled: checked || toolRow.modelData.unavailableReason.length === 0
                    Accessible.name: qsTr("Offer %1 to the model").arg(toolRow.modelData.name)
                    Accessible.description: toolRow.modelData.unavailableReason.length > 0
                                            ? toolRow.modelData.unavailableReason : toolRow.modelData.description
                    onToggled: root.options.setToolEnabled(toolRow.modelData.name, toolSwitch.checked)
                }
                Label {
                    Layout.fillWidth: true
                    Layout.leftMargin: 8
                    wrapMode: Text.Wrap
                    color: Style.textMuted
                    font.pointSize: Style.captionPointSize
                    text: toolRow.modelData.description
                }
                Label {
                    Layout.fillWidth: true
                    Layout.leftMargin: 8
                    visible: toolRow.modelData.unavailableReason.length > 0
                    wrapMode: Text.Wrap
                    font.pointSize: Style.captionPointSize
                    color: Style.error
                    text: qsTr("Not available: %1").arg(toolRow.modelData.unavailableReason)
                }
            }
        }

        MenuSeparator { Layout.fillWidth: true }

        Label {
            text: qsTr("Shared folder")
            font.bold: true
        }
        Label {
            objectName: "sharedFolder"
            Layout.fillWidth: true
            elide: Text.ElideMiddle
            text: root.options.toolFolder.length > 0 ? root.options.toolFolder : qsTr("None")
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Style.textMuted
            font.pointSize: Style.captionPointSize
            text: qsTr("read_file and search_files read only inside this folder, never outside it. Sharing a folder turns them on.")
        }
        RowLayout {
            Button {
                text: root.options.toolFolder.length > 0 ? qsTr("Change…") : qsTr("Share a folder…")
                Accessible.name: qsTr("Choose the folder to share with this conversation")
                onClicked: folderDialog.open()
            }
            Button {
                visible: root.options.toolFolder.length > 0
                text: qsTr("Stop sharing")
                Accessible.name: qsTr("Stop sharing the folder")
                onClicked: root.options.setToolFolder("")
            }
        }
    }

    FolderDialog {
        id: folderDialog
        title: qsTr("Share a folder with this conversation")
        onAccepted: root.options.setToolFolder(selectedFolder)
    }
}
