import QtQuick

// The visible focus: a ring around the item that has the keyboard, drawn above everything,
// dialogs and popups included. One ring for the window rather than one per control keeps it the
// same on every control, stock ones included. Focus that came from a click shows no ring (the
// click showed where it went), nor do popups themselves, nor items that draw their own (the
// message box's frame lights up). Focus the app gives (Tab into a list's row, the approval card
// taking the keyboard) does show it: Qt 6.4 reports those as "other", not as Tab.
Rectangle {
    id: ring

    property Item target: null

    readonly property bool keyboardFocus: target !== null && target.visible
        && target.drawsOwnFocus !== true
        && !String(target).startsWith("QQuickPopupItem")
        && (target.focusReason === undefined
            ? target.activeFocusOnTab === true   // lists and plain items: only Tab gives them focus
            : [Qt.MouseFocusReason, Qt.PopupFocusReason, Qt.ActiveWindowFocusReason].indexOf(target.focusReason) < 0)

    visible: keyboardFocus
    z: 1e6
    color: "transparent"
    radius: Style.radiusS
    border.width: Style.focusRingWidth
    border.color: Style.focusRing

    // Follows the target as it moves (scrolling, resizing), once per frame and only while shown.
    function place() {
        if (!keyboardFocus || !parent) return
        const at = target.mapToItem(parent, 0, 0)
        const gap = Style.focusRingWidth
        x = at.x - gap
        y = at.y - gap
        width = target.width + 2 * gap
        height = target.height + 2 * gap
    }
    onTargetChanged: place()
    onKeyboardFocusChanged: place()
    Connections {
        target: ring.keyboardFocus ? ring.Window.window : null
        function onAfterAnimating() { ring.place() }
    }
}
