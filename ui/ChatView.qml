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
    background: Rectangle { color: Style.window }

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
            Layout.fillWidth: true
            visible: root.chat.historyError.length > 0 || root.chat.notice.length > 0
            background: Rectangle { color: Style.noticeBackground }
            ColumnLayout {
                anchors.fill: parent
                spacing: Style.spaceXs
            RowLayout {
                Layout.fillWidth: true
                Label {
                    objectName: "noticeText"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: root.chat.historyError.length > 0 ? root.chat.historyError : root.chat.notice
                    color: Style.text
                }
                // What went wrong in plain words above; the technical message only on request.
                Button {
                    objectName: "noticeDetailsButton"
                    visible: root.chat.noticeDetails.length > 0
                    text: details.visible ? qsTr("Hide details") : qsTr("Details")
                    flat: true
                    onClicked: details.visible = !details.visible
                }
                // A damaged history: copy what can still be read into a new one (issue 17).
                Button {
                    objectName: "salvageButton"
                    visible: root.chat.historyDamaged
                    enabled: !root.chat.salvaging
                    text: root.chat.salvaging ? qsTr("Copying…") : qsTr("Copy what can be read")
                    onClicked: root.chat.salvageHistory()
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
            TextEdit {
                id: details
                objectName: "noticeDetails"
                Layout.fillWidth: true
                visible: false
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                text: root.chat.noticeDetails
                font.family: Style.monospaceFamily
                font.pointSize: Style.smallPointSize
                color: Style.textMuted
                Connections {
                    target: root.chat
                    function onNoticeChanged() { details.visible = false }
                }
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
                    color: root.chat.modelState === "error" ? Style.error : Style.text
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
            Layout.margins: Style.spaceS
            visible: root.chat.modelState === "ready" && root.chat.isDemoModel
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            color: Style.textMuted
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
            spacing: Style.spaceXs
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

            // The empty state: which model answers, and a few things it can do (one click
            // asks). The demo model's examples are ones it really knows.
            ColumnLayout {
                objectName: "emptyState"
                anchors.centerIn: parent
                width: Math.min(parent.width - 2 * Style.spaceL, Style.maxContentWidth * 0.8)
                visible: messageList.count === 0
                spacing: Style.spaceM
                Label {
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    font.pointSize: Style.titlePointSize
                    color: root.chat.modelState === "ready" ? Style.text : Style.textMuted
                    text: root.chat.modelState === "ready"
                          ? qsTr("Ask %1 anything.").arg(root.chat.modelName)
                          : root.chat.composerDisabledReason
                }
                Label {
                    Layout.fillWidth: true
                    visible: root.chat.modelState === "ready" && root.chat.modelDescription.length > 0
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    color: Style.textMuted
                    text: root.chat.modelDescription
                }
                Flow {
                    Layout.fillWidth: true
                    Layout.topMargin: Style.spaceS
                    visible: root.chat.modelState === "ready"
                    spacing: Style.spaceS
                    Repeater {
                        model: root.chat.isDemoModel
                               ? [qsTr("What is 23 + 19?"), qsTr("What is 347 * 29?"), qsTr("Reverse the word ponder")]
                               : [qsTr("Explain how a hash map works, with a short Python example"),
                                  qsTr("Plan three days in Kyoto in autumn"),
                                  qsTr("What is 17% of 2,340? Show the steps")]
                        delegate: Button {
                            required property string modelData
                            objectName: "examplePrompt"
                            text: modelData
                            Accessible.name: qsTr("Ask: %1").arg(modelData)
                            onClicked: root.chat.send(modelData)
                        }
                    }
                }
            }
        }

        Label {
            Layout.fillWidth: true
            Layout.leftMargin: Style.spaceM
            visible: root.editingRow >= 0
            text: qsTr("Editing a message: sending makes a new version (the old one stays). Esc cancels.")
            color: Style.textMuted
            font.pointSize: Style.smallPointSize
        }

        Composer {
            id: composer
            objectName: "composer"
            Layout.fillWidth: true
            Layout.maximumWidth: Style.maxContentWidth + 2 * Style.spaceL
            Layout.alignment: Qt.AlignHCenter
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
