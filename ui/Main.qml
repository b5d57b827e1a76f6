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
    // Below this width the toolbar shows icons without captions, so that nothing falls off it
    // down to the minimum width.
    readonly property bool narrow: width < 860

    width: 1100
    height: 720
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: chat.currentTitle.length > 0 ? chat.currentTitle + " — Ponder" : "Ponder"
    font.pointSize: Style.controlPointSize
    palette: Style.palette
    color: Style.window

    Binding { target: Style; property: "basePointSize"; value: window.settings.fontSize }
    Binding { target: Style; property: "dark"; value: window.dark }

    // Restore the last window geometry when it still fits; then load the model and the last
    // conversation (the window is up first, so loading never delays it). The message box has
    // the keyboard from the start: typing right after launch must land somewhere.
    Component.onCompleted: {
        const g = settings.windowGeometry
        if (g.width >= minimumWidth && g.height >= minimumHeight) {
            x = g.x; y = g.y; width = g.width; height = g.height
        }
        chat.start()
        chatView.focusComposer()
    }
    onClosing: settings.windowGeometry = Qt.rect(x, y, width, height)

    // Effort, tools and sampling belong to a conversation; before the first message there is
    // none yet, so choosing one makes it (as sending would), and the choice applies to it.
    function openConversationPopup(popup) {
        if (popup.opened) { popup.close(); return }
        if (chat.ensureConversation()) popup.open()
    }
    function popupExportMenu() { exportMenu.popup(exportButton, 0, exportButton.height) }

    Shortcut { sequence: StandardKey.New; onActivated: window.chat.newConversation() }
    Shortcut { sequence: StandardKey.Find; onActivated: sidebar.focusSearch() }
    Shortcut { sequence: "Ctrl+L"; onActivated: chatView.focusComposer() }
    Shortcut { sequence: "Ctrl+."; onActivated: window.chat.stop() }
    Shortcut { sequence: "Ctrl+,"; onActivated: settingsDialog.open() }
    Shortcut { sequence: "Ctrl+M"; onActivated: modelPanel.open() }
    Shortcut { sequence: "Ctrl+E"; onActivated: window.popupExportMenu() }
    Shortcut { sequence: "Ctrl+Shift+R"; onActivated: window.chat.regenerate(window.chat.messages.rowCount() - 1) }
    Shortcut { sequence: "Ctrl+1"; onActivated: window.chat.setEffort("low") }
    Shortcut { sequence: "Ctrl+2"; onActivated: window.chat.setEffort("medium") }
    Shortcut { sequence: "Ctrl+3"; onActivated: window.chat.setEffort("high") }

    header: ToolBar {
        objectName: "toolbar"
        palette: Style.palette
        leftPadding: Style.spaceM
        rightPadding: Style.spaceS
        topPadding: Style.spaceXs
        bottomPadding: Style.spaceXs
        background: Rectangle {
            color: Style.surface
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Style.border }
        }
        RowLayout {
            anchors.fill: parent
            spacing: Style.spaceXs
            Label {
                objectName: "conversationTitle"
                readonly property bool elidable: true   // the full title is the window's title
                Layout.fillWidth: true
                Layout.minimumWidth: 40
                text: window.chat.currentTitle.length > 0 ? window.chat.currentTitle : qsTr("New conversation")
                elide: Text.ElideRight
                font.bold: true
                color: Style.text
            }
            EffortSlider {
                objectName: "effortControl"
                compact: window.narrow
                effort: window.chat.currentEffort
                enabled: window.chat.historyError.length === 0
                onEffortEdited: effort => window.chat.setEffort(effort)
            }
            ToolSeparator {}
            IconButton {
                objectName: "toolsButton"
                iconName: "tool"
                showText: !window.narrow
                text: qsTr("Tools")
                enabled: window.chat.historyError.length === 0
                Accessible.name: qsTr("Tools for this conversation")
                tip: qsTr("Which tools the model may use, and the folder it may read")
                onClicked: window.openConversationPopup(toolsPopup)
                ToolsPopup {
                    id: toolsPopup
                    y: parent.height
                    options: window.chat.options
                }
            }
            IconButton {
                objectName: "samplingButton"
                iconName: "adjustments-horizontal"
                showText: !window.narrow
                text: qsTr("Sampling")
                enabled: window.chat.historyError.length === 0
                Accessible.name: qsTr("Sampling and context settings for this conversation")
                tip: qsTr("Temperature, top-p, and what happens when the context is full")
                onClicked: window.openConversationPopup(samplingPopup)
                SamplingPopup {
                    id: samplingPopup
                    y: parent.height
                    options: window.chat.options
                }
            }
            IconButton {
                objectName: "modelButton"
                readonly property bool elidable: true   // the full name is in the tooltip
                Layout.maximumWidth: window.narrow ? 170 : 280
                iconName: "cpu"
                showText: true
                text: window.chat.modelState === "ready" ? window.chat.modelName
                      : window.chat.modelState === "loading" ? qsTr("Loading…") : qsTr("Choose a model")
                Accessible.name: qsTr("Model: %1").arg(text)
                tip: (window.chat.backendSummary.length > 0 ? window.chat.modelName + " — " + window.chat.backendSummary
                                                             : text) + qsTr(" (Ctrl+M)")
                onClicked: modelPanel.open()
            }
            IconButton {
                id: exportButton
                objectName: "exportButton"
                iconName: "download"
                showText: !window.narrow
                text: qsTr("Export")
                Accessible.name: qsTr("Export or import conversations")
                tip: qsTr("Export or import (Ctrl+E)")
                onClicked: window.popupExportMenu()
            }
            IconButton {
                id: menuButton
                objectName: "menuButton"
                iconName: "menu-2"
                text: qsTr("Menu")
                tip: qsTr("Settings, model, about")
                onClicked: appMenu.popup(menuButton, 0, menuButton.height)
            }
        }
    }

    ThemedMenu {
        id: exportMenu
        objectName: "exportMenu"
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

    ThemedMenu {
        id: appMenu
        objectName: "appMenu"
        MenuItem { text: qsTr("Settings… (Ctrl+,)"); icon.source: "icons/settings.png"; icon.color: Style.text; onTriggered: settingsDialog.open() }
        MenuItem { text: qsTr("Model… (Ctrl+M)"); onTriggered: modelPanel.open() }
        MenuItem { text: qsTr("About Ponder"); onTriggered: aboutDialog.open() }
    }

    ExportDialog { id: exportDialog; chat: window.chat }

    FileDialog {
        id: importDialog
        fileMode: FileDialog.OpenFile
        title: qsTr("Import conversations")
        nameFilters: ["Ponder JSON (*.json)"]
        onAccepted: window.chat.importFile(selectedFile)
    }

    ThemedDialog {
        id: renameDialog
        objectName: "renameDialog"
        property string conversationId
        title: qsTr("Rename conversation")
        width: Math.min(420, window.width - 2 * Style.spaceL)
        standardButtons: Dialog.Ok | Dialog.Cancel
        TextField {
            id: renameField
            objectName: "renameField"
            width: parent.width
            selectByMouse: true
            Accessible.name: qsTr("New title")
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
            SplitView.preferredWidth: Math.round(Math.min(280, Math.max(180, window.width * 0.25)))
            SplitView.minimumWidth: 160
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
            SplitView.minimumWidth: 320
            chat: window.chat
            settings: window.settings
            onModelPanelRequested: modelPanel.open()
        }
    }

    // One focus ring for the whole window: it follows whatever the keyboard moved to.
    FocusRing {
        objectName: "focusRing"
        parent: window.Overlay.overlay
        target: window.activeFocusItem
    }
}
