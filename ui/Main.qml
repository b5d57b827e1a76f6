import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import PonderGui

ApplicationWindow {
    id: window

    required property AppSettings settings
    required property ChatController chat

    readonly property bool dark: settings.theme === "dark" || (settings.theme === "system" && settings.systemDark)

    width: 1100
    height: 720
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: chat.currentTitle.length > 0 ? chat.currentTitle + " — Ponder" : "Ponder"
    font.pointSize: settings.fontSize

    // Fusion follows the palette; dark is set role by role (Qt 6.4 has no colour-scheme API).
    palette.window: dark ? "#1f2023" : "#f3f3f5"
    palette.windowText: dark ? "#e8e8ea" : "#1c1c1e"
    palette.base: dark ? "#26272b" : "#ffffff"
    palette.alternateBase: dark ? "#2c2d31" : "#f0f0f2"
    palette.text: dark ? "#e8e8ea" : "#1c1c1e"
    palette.button: dark ? "#303136" : "#ececef"
    palette.buttonText: dark ? "#e8e8ea" : "#1c1c1e"
    palette.highlight: "#5b6cf0"
    palette.highlightedText: "#ffffff"
    palette.placeholderText: dark ? "#8e8e93" : "#8a8a8e"
    palette.mid: dark ? "#3a3b40" : "#c8c8cc"
    palette.light: dark ? "#3a3b40" : "#ffffff"
    palette.dark: dark ? "#141416" : "#a0a0a4"
    palette.toolTipBase: dark ? "#303136" : "#ffffe8"
    palette.toolTipText: dark ? "#e8e8ea" : "#1c1c1e"

    Binding {
        target: Style
        property: "basePointSize"
        value: window.settings.fontSize
    }

    // Restore the last window geometry when it still fits; then load the model and the last
    // conversation (the window is up first, so loading never delays it).
    Component.onCompleted: {
        const g = settings.windowGeometry
        if (g.width >= minimumWidth && g.height >= minimumHeight) {
            x = g.x; y = g.y; width = g.width; height = g.height
        }
        chat.start()
    }
    onClosing: settings.windowGeometry = Qt.rect(x, y, width, height)

    Shortcut { sequence: StandardKey.New; onActivated: window.chat.newConversation() }
    Shortcut { sequence: StandardKey.Find; onActivated: sidebar.focusSearch() }
    Shortcut { sequence: "Ctrl+L"; onActivated: chatView.focusComposer() }
    Shortcut { sequence: "Ctrl+."; onActivated: window.chat.stop() }
    Shortcut { sequence: "Ctrl+,"; onActivated: settingsDialog.open() }
    Shortcut { sequence: "Ctrl+M"; onActivated: modelPanel.open() }
    Shortcut { sequence: "Ctrl+E"; onActivated: exportMenu.popup(exportButton, 0, exportButton.height) }
    Shortcut { sequence: "Ctrl+Shift+R"; onActivated: window.chat.regenerate(window.chat.messages.rowCount() - 1) }
    Shortcut { sequence: "Ctrl+1"; onActivated: window.chat.setEffort("low") }
    Shortcut { sequence: "Ctrl+2"; onActivated: window.chat.setEffort("medium") }
    Shortcut { sequence: "Ctrl+3"; onActivated: window.chat.setEffort("high") }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 8
            anchors.rightMargin: 8
            Label {
                Layout.fillWidth: true
                text: window.chat.currentTitle.length > 0 ? window.chat.currentTitle : qsTr("New conversation")
                elide: Text.ElideRight
                font.bold: true
            }
            EffortSlider {
                objectName: "effortControl"
                effort: window.chat.currentEffort
                enabled: window.chat.currentConversationId.length > 0
                onEffortEdited: effort => window.chat.setEffort(effort)
            }
            ToolSeparator {}
            ToolButton {
                objectName: "toolsButton"
                text: qsTr("Tools")
                enabled: window.chat.options.available
                Accessible.name: qsTr("Tools for this conversation")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Which tools the model may use, and the folder it may read")
                onClicked: toolsPopup.opened ? toolsPopup.close() : toolsPopup.open()
                ToolsPopup {
                    id: toolsPopup
                    y: parent.height
                    options: window.chat.options
                }
            }
            ToolButton {
                objectName: "samplingButton"
                text: qsTr("Sampling")
                enabled: window.chat.options.available
                Accessible.name: qsTr("Sampling and context settings for this conversation")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Temperature, top-p, and what happens when the context is full")
                onClicked: samplingPopup.opened ? samplingPopup.close() : samplingPopup.open()
                SamplingPopup {
                    id: samplingPopup
                    y: parent.height
                    options: window.chat.options
                }
            }
            ToolButton {
                objectName: "modelButton"
                text: window.chat.modelState === "ready" ? "⚙ " + window.chat.modelName
                      : window.chat.modelState === "loading" ? qsTr("Loading…") : qsTr("Choose a model")
                Accessible.name: qsTr("Model: %1").arg(text)
                ToolTip.visible: hovered
                ToolTip.text: window.chat.backendSummary.length > 0 ? window.chat.backendSummary : qsTr("Model (Ctrl+M)")
                onClicked: modelPanel.open()
            }
            ToolButton {
                id: exportButton
                text: qsTr("Export")
                Accessible.name: qsTr("Export or import conversations")
                onClicked: exportMenu.popup(exportButton, 0, exportButton.height)
            }
            ToolButton {
                text: "☰"
                Accessible.name: qsTr("Menu")
                onClicked: appMenu.popup(this, 0, height)
            }
        }
    }

    Menu {
        id: exportMenu
        MenuItem { text: qsTr("This conversation as JSON…"); enabled: window.chat.currentConversationId.length > 0; onTriggered: exportDialog.ask("json", false) }
        MenuItem { text: qsTr("This conversation as Markdown…"); enabled: window.chat.currentConversationId.length > 0; onTriggered: exportDialog.ask("md", false) }
        MenuItem { text: qsTr("This conversation as HTML…"); enabled: window.chat.currentConversationId.length > 0; onTriggered: exportDialog.ask("html", false) }
        MenuItem { text: qsTr("This conversation as PDF…"); enabled: window.chat.currentConversationId.length > 0; onTriggered: exportDialog.ask("pdf", false) }
        MenuSeparator {}
        MenuItem { text: qsTr("All conversations as JSON (backup)…"); onTriggered: exportDialog.ask("json", true) }
        MenuItem { text: qsTr("All conversations as Markdown…"); onTriggered: exportDialog.ask("md", true) }
        MenuItem { text: qsTr("All conversations as HTML…"); onTriggered: exportDialog.ask("html", true) }
        MenuSeparator {}
        MenuItem { text: qsTr("Import from JSON…"); onTriggered: importDialog.open() }
    }

    Menu {
        id: appMenu
        MenuItem { text: qsTr("Settings… (Ctrl+,)"); onTriggered: settingsDialog.open() }
        MenuItem { text: qsTr("Model… (Ctrl+M)"); onTriggered: modelPanel.open() }
        MenuItem { text: qsTr("About Ponder"); onTriggered: aboutDialog.open() }
    }

    FileDialog {
        id: exportDialog
        property string format: "json"
        property bool all: false
        function ask(chosenFormat, everything) {
            format = chosenFormat
            all = everything
            const suffix = chosenFormat === "md" ? "md" : chosenFormat
            defaultSuffix = suffix
            nameFilters = [suffix.toUpperCase() + " (*." + suffix + ")"]
            open()
        }
        fileMode: FileDialog.SaveFile
        title: qsTr("Export")
        onAccepted: all ? window.chat.exportAll(format, selectedFile) : window.chat.exportCurrent(format, selectedFile)
    }

    FileDialog {
        id: importDialog
        fileMode: FileDialog.OpenFile
        title: qsTr("Import conversations")
        nameFilters: ["Ponder JSON (*.json)"]
        onAccepted: window.chat.importFile(selectedFile)
    }

    Dialog {
        id: renameDialog
        property string conversationId
        title: qsTr("Rename conversation")
        modal: true
        anchors.centerIn: parent
        standardButtons: Dialog.Ok | Dialog.Cancel
        TextField {
            id: renameField
            width: 320
            selectByMouse: true
            onAccepted: renameDialog.accept()
        }
        onOpened: { renameField.forceActiveFocus(); renameField.selectAll() }
        onAccepted: window.chat.renameConversation(conversationId, renameField.text)
    }

    ModelPanel { id: modelPanel; chat: window.chat }
    SettingsDialog { id: settingsDialog; chat: window.chat; settings: window.settings }
    AboutDialog { id: aboutDialog }

    SplitView {
        anchors.fill: parent

        ConversationSidebar {
            id: sidebar
            SplitView.preferredWidth: 270
            SplitView.minimumWidth: 180
            chat: window.chat
            onRenameRequested: (conversationId, title) => {
                renameDialog.conversationId = conversationId
                renameField.text = title
                renameDialog.open()
            }
        }

        ChatView {
            id: chatView
            SplitView.fillWidth: true
            chat: window.chat
            settings: window.settings
            onModelPanelRequested: modelPanel.open()
        }
    }
}
