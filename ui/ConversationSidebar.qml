import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Conversations, pinned first then newest; a live search over titles, answers and reasoning
// shows highlighted snippets. The list model and every action live in C++ (ChatController).
Pane {
    id: root

    required property var chat        // ChatController
    signal renameRequested(string conversationId, string title)

    function focusSearch() { search.forceActiveFocus(); search.selectAll() }

    padding: 6
    Accessible.role: Accessible.Pane
    Accessible.name: qsTr("Conversations")

    ColumnLayout {
        anchors.fill: parent
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: search
                objectName: "searchField"
                Layout.fillWidth: true
                placeholderText: qsTr("Search history (Ctrl+F)")
                Accessible.name: qsTr("Search conversations")
                selectByMouse: true
                onTextChanged: root.chat.searchText = text
                Keys.onEscapePressed: text = ""
            }
            Button {
                objectName: "newConversationButton"
                text: qsTr("New")
                Accessible.name: qsTr("New conversation")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("New conversation (Ctrl+N)")
                onClicked: root.chat.newConversation()
            }
        }

        ListView {
            id: list
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.chat.conversations
            currentIndex: -1
            keyNavigationEnabled: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Conversation list")
            ScrollBar.vertical: ScrollBar {}

            delegate: ItemDelegate {
                id: row
                required property int index
                required property string conversationId
                required property string title
                required property bool pinned
                required property string snippet
                required property string updatedText

                width: ListView.view.width
                highlighted: conversationId === root.chat.currentConversationId
                Accessible.name: title
                onClicked: root.chat.openConversation(conversationId)

                contentItem: ColumnLayout {
                    spacing: 2
                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            visible: row.pinned
                            text: "📌"
                            Accessible.name: qsTr("Pinned")
                        }
                        Label {
                            Layout.fillWidth: true
                            text: row.title.length > 0 ? row.title : qsTr("New conversation")
                            elide: Text.ElideRight
                            font.bold: row.highlighted
                        }
                        Label {
                            text: row.updatedText
                            opacity: 0.55
                            font.pointSize: Style.captionPointSize
                        }
                    }
                    Label {
                        // Search hits: the matched words arrive wrapped in <b> by the store;
                        // everything else in the snippet is escaped there.
                        visible: row.snippet.length > 0
                        Layout.fillWidth: true
                        text: row.snippet
                        textFormat: Text.StyledText
                        wrapMode: Text.Wrap
                        maximumLineCount: 2
                        elide: Text.ElideRight
                        opacity: 0.75
                        font.pointSize: Style.smallPointSize
                    }
                }

                TapHandler {
                    acceptedButtons: Qt.RightButton
                    onTapped: rowMenu.openFor(row)
                }
            }

            // One menu for all rows, not one per row: a Menu and its items are a dozen
            // controls, and every row the list shows (or rebuilds) would make them.
            Menu {
                id: rowMenu
                // The row it was opened on.
                property string rowId
                property string rowTitle
                property bool rowPinned
                function openFor(row) {
                    rowId = row.conversationId
                    rowTitle = row.title
                    rowPinned = row.pinned
                    popup()
                }
                MenuItem {
                    text: rowMenu.rowPinned ? qsTr("Unpin") : qsTr("Pin")
                    onTriggered: root.chat.setPinned(rowMenu.rowId, !rowMenu.rowPinned)
                }
                MenuItem {
                    text: qsTr("Rename…")
                    onTriggered: root.renameRequested(rowMenu.rowId, rowMenu.rowTitle)
                }
                MenuItem {
                    text: qsTr("Delete")
                    onTriggered: root.chat.deleteConversation(rowMenu.rowId)
                }
            }

            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                width: parent.width - 20
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                opacity: 0.6
                text: search.text.length > 0 ? qsTr("Nothing found") : qsTr("No conversations yet")
            }
        }
    }
}
