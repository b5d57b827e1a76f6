import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The open conversation: notices, the model's loading state, the messages, and the composer.
Pane {
    id: root

    required property var chat          // ChatController
    required property var settings      // AppSettings
    signal modelPanelRequested()

    property int editingRow: -1         // a user message being edited and resent

    function focusComposer() { composer.focusInput() }

    padding: 0
    Accessible.name: qsTr("Chat")

    Connections {
        target: root.chat
        function onEditRequested(row, text) {
            root.editingRow = row
            composer.text = text
            composer.focusInput()
        }
        function onCurrentConversationChanged() { root.editingRow = -1 }
        // The approval card had the focus; give it back to the composer once answered.
        function onApprovalChanged() {
            if (!root.chat.waitingForApproval && messageList.activeFocus)
                composer.focusInput()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // History problems and undoable actions, above everything else.
        Frame {
            id: historyBanner
            // SQLite's own words about a damaged history, shown on request.
            property bool detailsShown: false
            Layout.fillWidth: true
            visible: root.chat.historyError.length > 0 || root.chat.notice.length > 0
            background: Rectangle { color: Qt.alpha(palette.highlight, 0.12) }
            RowLayout {
                anchors.fill: parent
                Label {
                    objectName: "noticeText"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: root.chat.historyError.length === 0 ? root.chat.notice
                          : root.chat.historyError
                            + (historyBanner.detailsShown && root.chat.historyErrorDetail.length > 0
                               ? "\n\n" + root.chat.historyErrorDetail : "")
                }
                Button {
                    objectName: "salvageButton"
                    visible: root.chat.historyDamaged
                    enabled: !root.chat.salvaging
                    text: root.chat.salvaging ? qsTr("Copying…") : qsTr("Copy what can be read")
                    onClicked: root.chat.salvageHistory()
                }
                ToolButton {
                    visible: root.chat.historyErrorDetail.length > 0
                    text: historyBanner.detailsShown ? qsTr("Hide details") : qsTr("Details")
                    onClicked: historyBanner.detailsShown = !historyBanner.detailsShown
                }
                Button {
                    visible: root.chat.canUndoDelete
                    text: qsTr("Undo")
                    onClicked: root.chat.undoDelete()
                }
                ToolButton {
                    visible: root.chat.historyError.length === 0
                    text: "✕"
                    Accessible.name: qsTr("Dismiss")
                    onClicked: root.chat.dismissNotice()
                }
            }
        }

        // Loading progress, with cancel; or why loading failed.
        Frame {
            Layout.fillWidth: true
            visible: root.chat.modelState === "loading" || root.chat.modelState === "error"
            RowLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: root.chat.modelState === "loading"
                          ? qsTr("Loading %1 — %2").arg(root.chat.modelFolder).arg(root.chat.loadStage)
                          : qsTr("The model could not be loaded: %1").arg(root.chat.modelError)
                    color: root.chat.modelState === "error" ? Style.errorColor : palette.text
                }
                ProgressBar {
                    visible: root.chat.modelState === "loading"
                    Layout.preferredWidth: 160
                    value: root.chat.loadProgress
                    Accessible.name: qsTr("Loading progress")
                }
                Button {
                    text: root.chat.modelState === "loading" ? qsTr("Cancel") : qsTr("Choose another…")
                    onClicked: root.chat.modelState === "loading" ? root.chat.cancelLoad() : root.modelPanelRequested()
                }
            }
        }

        // Honest labelling of the demo model.
        Label {
            Layout.fillWidth: true
            Layout.margins: 6
            visible: root.chat.modelState === "ready" && root.chat.isDemoModel
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            opacity: 0.7
            font.pointSize: Style.smallPointSize
            text: qsTr("Demo model: a tiny model that knows only arithmetic and a few word games. Choose a gpt-oss folder for real answers.")
        }

        ListView {
            id: messageList
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.chat.messages
            spacing: 4
            reuseItems: true
            // No current item: the view would give it the keyboard focus whenever rows change,
            // taking it from a tool call's approval prompt.
            currentIndex: -1
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Messages")
            ScrollBar.vertical: ScrollBar {}
            // Follow the answer while it streams, unless the user scrolled up to read.
            property bool pinnedToEnd: true
            // A conversation opened or an answer finished: go to the end and follow it until a
            // frame shows it. The rows get their final heights only when their layouts are
            // polished for that frame, so the end moves after the first positionViewAtEnd(), and
            // a 5,000-message conversation opened with its last message cut off.
            property bool landing: false
            function land() {
                if (!pinnedToEnd) return
                landing = true
                Qt.callLater(positionViewAtEnd)
            }
            onMovementStarted: landing = false
            onMovementEnded: pinnedToEnd = atYEnd
            onCountChanged: if (pinnedToEnd) Qt.callLater(positionViewAtEnd)
            onContentHeightChanged: if (pinnedToEnd && (root.chat.generating || landing)) Qt.callLater(positionViewAtEnd)
            Connections {
                target: root.chat.messages
                // Another conversation was opened (the one on show reloads without a reset):
                // it opens at its end, wherever the reader was in the last one.
                function onModelReset() {
                    messageList.pinnedToEnd = true
                    messageList.land()
                }
            }
            // A stopped or failed answer gets a line below what followed the stream.
            Connections {
                target: root.chat
                function onTurnCompleted(conversationId) {
                    if (conversationId === root.chat.currentConversationId) messageList.land()
                }
            }
            Connections {
                target: messageList.landing ? messageList.Window.window : null
                function onFrameSwapped() { if (messageList.atYEnd) messageList.landing = false }
            }

            delegate: MessageDelegate {
                chat: root.chat
                reasoningDisplay: root.settings.reasoningDisplay
            }

            Label {
                anchors.centerIn: parent
                visible: messageList.count === 0
                width: parent.width * 0.7
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                font.pointSize: Style.basePointSize * 1.4
                opacity: 0.5
                text: root.chat.modelState === "ready"
                      ? qsTr("Ask %1 anything.").arg(root.chat.modelName)
                      : root.chat.composerDisabledReason
            }
        }

        Label {
            Layout.fillWidth: true
            Layout.leftMargin: 8
            visible: root.editingRow >= 0
            text: qsTr("Editing a message: sending makes a new version (the old one stays). Esc cancels.")
            opacity: 0.7
            font.pointSize: Style.smallPointSize
        }

        Composer {
            id: composer
            objectName: "composer"
            Layout.fillWidth: true
            generating: root.chat.generating
            disabledReason: root.chat.composerDisabledReason
            onSendRequested: text => {
                if (root.editingRow >= 0) {
                    root.chat.submitEdit(root.editingRow, text)
                    root.editingRow = -1
                } else {
                    root.chat.send(text)
                }
                messageList.pinnedToEnd = true
            }
            onStopRequested: root.chat.stop()
            Keys.onEscapePressed: {
                if (root.editingRow >= 0) { root.editingRow = -1; composer.text = "" }
                else if (root.chat.generating) root.chat.stop()
            }
        }
    }
}
