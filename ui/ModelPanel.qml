import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

// Choosing and inspecting the model: the folder (validated when it loads, with clear errors),
// the backend it runs on, what it needs and what this machine has, and the models Ponder found
// (the bundled demo model, gpt-oss downloads in the Hugging Face cache).
ThemedDialog {
    id: root

    required property var chat

    title: qsTr("Model")
    standardButtons: Dialog.Close
    width: Math.min(640, parent ? parent.width - 2 * Style.spaceL : 640)

    FolderDialog {
        id: folderDialog
        title: qsTr("Choose a gpt-oss model folder")
        onAccepted: root.chat.loadModelFromDialog(currentFolder, selectedFolder)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Style.spaceM

        GridLayout {
            columns: 2
            columnSpacing: 12
            Label { text: qsTr("Model"); color: Style.textMuted }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: root.chat.modelState === "ready" ? root.chat.modelName
                      : root.chat.modelState === "loading" ? qsTr("loading…") : qsTr("none")
            }
            Label { text: qsTr("Folder"); color: Style.textMuted }
            Label { Layout.fillWidth: true; wrapMode: Text.WrapAnywhere; text: root.chat.modelFolder }
            Label { text: qsTr("Runs on"); color: Style.textMuted }
            Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: root.chat.backendSummary }
            Label { text: qsTr("Needs"); color: Style.textMuted }
            Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: root.chat.modelNeeds }
            Label { text: qsTr("This machine"); color: Style.textMuted }
            Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: root.chat.machineHas }
        }

        Label {
            Layout.fillWidth: true
            visible: root.chat.modelDescription.length > 0
            wrapMode: Text.Wrap
            text: root.chat.modelDescription
            color: Style.textMuted
        }
        Label {
            Layout.fillWidth: true
            objectName: "modelError"
            visible: root.chat.modelError.length > 0
            wrapMode: Text.Wrap
            color: Style.error
            text: root.chat.modelError
        }
        ProgressBar {
            Layout.fillWidth: true
            visible: root.chat.modelState === "loading"
            value: root.chat.loadProgress
        }

        RowLayout {
            Button {
                text: qsTr("Choose a folder…")
                onClicked: folderDialog.open()
            }
            Button {
                visible: root.chat.demoModelFolder.length > 0
                text: qsTr("Use the demo model")
                onClicked: root.chat.loadModel(root.chat.demoModelFolder)
            }
            Button {
                visible: root.chat.modelState === "loading"
                text: qsTr("Cancel loading")
                onClicked: root.chat.cancelLoad()
            }
        }

        Label {
            visible: root.chat.foundModels.length > 0
            text: qsTr("Found on this machine")
            font.bold: true
        }
        Repeater {
            model: root.chat.foundModels
            delegate: ItemDelegate {
                required property string modelData
                Layout.fillWidth: true
                text: modelData
                onClicked: root.chat.loadModel(modelData)
            }
        }
    }
}
