pragma Singleton
import QtQuick

// Shared sizes and colours of the chat UI, so components agree without reaching for globals.
// Main.qml sets basePointSize from the user's font-size setting.
QtObject {
    property real basePointSize: 11
    readonly property real smallPointSize: Math.max(7, Math.round(basePointSize * 0.85))
    readonly property real captionPointSize: Math.max(7, Math.round(basePointSize * 0.78))
    readonly property string monospaceFamily: "monospace"
    readonly property color errorColor: "#c0392b"
}
