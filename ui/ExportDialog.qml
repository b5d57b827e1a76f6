import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

// Where an export is saved: a file name filled in for the user (in Documents, named after the
// conversation, never one that exists), Enter or Save writes it. Qt's own save dialog (6.4)
// said "Open", started with no name and ignored Enter while a folder was highlighted.
ThemedDialog {
    id: root
    objectName: "exportDialog"

    required property var chat
    property string format: "json"     // "json" | "md" | "html" | "pdf"
    property bool all: false           // every conversation, or the open one

    readonly property string formatName: format === "md" ? qsTr("Markdown") : format.toUpperCase()
    readonly property bool exists: chat.fileExists(pathField.text)

    function ask(chosenFormat, everything) {
        format = chosenFormat
        all = everything
        pathField.text = chat.suggestedExportPath(format, all)
        open()
    }

    title: all ? qsTr("Export all conversations as %1").arg(formatName)
               : qsTr("Export this conversation as %1").arg(formatName)
    width: Math.min(560, parent ? parent.width - 2 * Style.spaceL : 560)
    standardButtons: Dialog.Save | Dialog.Cancel

    onOpened: {
        pathField.forceActiveFocus()
        // The name selected, not the folder or the extension: typing renames the file.
        const slash = pathField.text.lastIndexOf("/")
        const dot = pathField.text.lastIndexOf(".")
        pathField.select(slash + 1, dot > slash ? dot : pathField.text.length)
    }
    onAccepted: {
        if (pathField.text.trim().length === 0) return
        if (all) chat.exportAll(format, pathField.text.trim())
        else chat.exportCurrent(format, pathField.text.trim())
    }
    Component.onCompleted: standardButton(Dialog.Save).objectName = "exportSaveButton"

    ColumnLayout {
        width: parent.width
        spacing: Style.spaceS

        Label { text: qsTr("Save as"); color: Style.text }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: pathField
                objectName: "exportPathField"
                Layout.fillWidth: true
                selectByMouse: true
                Accessible.name: qsTr("File to save")
                onAccepted: if (text.trim().length > 0) root.accept()
            }
            Button {
                text: qsTr("Folder…")
                Accessible.name: qsTr("Choose the folder to save in")
                onClicked: folderDialog.open()
            }
        }
        Label {
            objectName: "exportReplaceWarning"
            Layout.fillWidth: true
            visible: root.exists
            wrapMode: Text.Wrap
            text: qsTr("A file with this name exists; saving replaces it.")
            color: Style.error
        }
    }

    FolderDialog {
        id: folderDialog
        title: qsTr("Choose where to save")
        onAccepted: {
            const name = pathField.text.substring(pathField.text.lastIndexOf("/") + 1)
            pathField.text = root.chat.localFolder(selectedFolder) + "/" + name
        }
    }
}
