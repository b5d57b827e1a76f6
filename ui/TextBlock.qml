import QtQuick

// Read-only, selectable text laid out to the width it is given; its height follows the text.
// It exists so that nothing reads the TextEdit's implicit width: once anything does (a
// Layout, a Loader, a Frame), Qt lays the whole text out twice on every change, unwrapped for
// the natural width and then wrapped, so text that grows while a model streams costs a full
// layout of all of it, twice, per batch. This item's own implicit width is 0; give it a width.
// Its text is message text: the size the font setting names (Style.messagePointSize).
Item {
    id: root

    property alias text: edit.text
    property alias textFormat: edit.textFormat
    property alias wrapMode: edit.wrapMode
    property alias font: edit.font
    property alias color: edit.color
    readonly property alias length: edit.length
    signal linkActivated(string link)

    // Appends or inserts without replacing: only the paragraph that changes is laid out again.
    function insert(position, text) { edit.insert(position, text) }

    implicitHeight: edit.height

    TextEdit {
        id: edit
        width: root.width
        readOnly: true
        selectByMouse: true
        wrapMode: TextEdit.Wrap
        font.pointSize: Style.messagePointSize
        color: Style.text
        selectionColor: Style.accent
        selectedTextColor: Style.accentText
        onLinkActivated: link => root.linkActivated(link)
    }
}
