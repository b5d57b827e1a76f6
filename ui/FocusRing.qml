import QtQuick

// The visible focus: a ring around the item the keyboard moved to (Tab, Backtab, a shortcut),
// drawn above everything, dialogs and popups included. One ring for the window rather than one
// per control keeps it the same on every control, stock ones included. Mouse clicks and focus
// given by the app (the message box at start) show no ring: the caret shows it there.
Rectangle {
    id: ring

    property Item target: null

    readonly property bool keyboardFocus: target !== null && target.visible && (
        target.visualFocus === true
        || target.focusReason === Qt.TabFocusReason
        || target.focusReason === Qt.BacktabFocusReason
        // Lists and other plain items take the focus only from the keyboard.
        || (target.focusReason === undefined && target.activeFocusOnTab))

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
