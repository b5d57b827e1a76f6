import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

// Choosing and inspecting the model: the folder (validated when it loads, with clear errors),
// the backend it runs on, what it needs and what this machine has, and the models Ponder found
// (the bundled demo model, gpt-oss downloads in the Hugging Face cache).
Dialog {
    id: root

    required property var chat

    title: qsTr("Model")
    modal: true
    standardButtons: Dialog.Close
    width: Math.min(640, parent ? parent.width - 40 : 640)
    anchors.centerIn: parent

    FolderDialog {
        id: folderDialog
        title: qsTr("Choose a gpt-oss model folder")
        onAccepted: root.chat.loadModel(selectedFolder)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 10

        GridLayout {
            columns: 2
            columnSpacing: 12
            Label { text: qsTr("Model"); opacity: 0.7 }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: root.chat.modelState === "ready" ? root.chat.modelName
                      : root.chat.modelState === "loading" ? qsTr("loading…") : qsTr("none")
            }
            Label { text: qsTr("Folder"); opacity: 0.7 }
            Label { Layout.fillWidth: true; wrapMode: Text.WrapAnywhere; text: root.chat.modelFolder }
            Label { text: qsTr("Runs on"); opacity: 0.7 }
            Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: root.chat.backendSummary }
            Label { text: qsTr("Needs"); opacity: 0.7 }
            Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: root.chat.modelNeeds }
            Label { text: qsTr("This machine"); opacity: 0.7 }
            Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: root.chat.machineHas }
        }

        Label {
            Layout.fillWidth: true
            visible: root.chat.modelDescription.length > 0
            wrapMode: Text.Wrap
            text: root.chat.modelDescription
            opacity: 0.8
        }
        Label {
            Layout.fillWidth: true
            visible: root.chat.modelState === "error"
            wrapMode: Text.Wrap
            color: Style.errorColor
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
