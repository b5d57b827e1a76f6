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

    padding: Style.spaceS
    background: Rectangle {
        color: Style.sidebar
        Rectangle { anchors.right: parent.right; width: 1; height: parent.height; color: Style.border }
    }
    Accessible.role: Accessible.Pane
    Accessible.name: qsTr("Conversations")

    ColumnLayout {
        anchors.fill: parent
        spacing: Style.spaceS

        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: search
                objectName: "searchField"
                Layout.fillWidth: true
                placeholderText: qsTr("Search")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Search titles, answers and reasoning (Ctrl+F)")
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
            // Reached by Tab; the arrows move through the rows and Enter opens one.
            activeFocusOnTab: true
            onActiveFocusChanged: if (activeFocus && currentIndex < 0 && count > 0) currentIndex = 0
            Keys.onReturnPressed: if (currentItem) currentItem.clicked()
            Keys.onEnterPressed: if (currentItem) currentItem.clicked()
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Conversation list")
            ScrollBar.vertical: ScrollBar {}

            // Headings: Pinned, Today, Yesterday, Previous 7 days, then by month.
            section.property: "group"
            section.delegate: Label {
                required property string section
                width: ListView.view.width
                visible: section.length > 0
                height: visible ? implicitHeight : 0
                leftPadding: Style.spaceS
                topPadding: Style.spaceS
                bottomPadding: Style.spaceXs
                text: section
                font.bold: true
                font.pointSize: Style.captionPointSize
                color: Style.textMuted
                Accessible.role: Accessible.Heading
            }

            delegate: ItemDelegate {
                id: row
                required property int index
                required property string conversationId
                required property string title
                required property bool pinned
                required property string snippet
                required property string updatedText
                required property string group

                objectName: "conversationRow"
                width: ListView.view.width
                // Tab stops once, at the list (which hands the focus to the current row); the
                // arrows move between rows, Enter opens one.
                focusPolicy: Qt.NoFocus
                highlighted: conversationId === root.chat.currentConversationId
                background: Rectangle {
                    radius: Style.radiusS
                    color: row.highlighted ? Style.accent
                                           : row.hovered ? Qt.alpha(Style.text, 0.06) : "transparent"
                }
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
                            readonly property bool elidable: true   // a title may be long
                            text: row.title.length > 0 ? row.title : qsTr("New conversation")
                            elide: Text.ElideRight
                            font.bold: row.highlighted
                            color: row.highlighted ? Style.accentText : Style.text
                        }
                        Label {
                            text: row.updatedText
                            color: row.highlighted ? Style.accentText : Style.textMuted
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
                        readonly property bool elidable: true   // a snippet of a longer text
                        color: row.highlighted ? Style.accentText : Style.textMuted
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
            ThemedMenu {
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
                color: Style.textMuted
                text: search.text.length > 0 ? qsTr("Nothing found") : qsTr("No conversations yet")
            }
        }
    }
}
