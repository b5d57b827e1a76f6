pragma Singleton
import QtQuick

// Ponder's design system: the one place that names sizes and colours. Every component takes
// its type, spacing, radii and colours from here, so both themes and every font size stay
// consistent, and the contrast check (tests/ui) has one palette to hold to WCAG AA (4.5:1).
// Main.qml sets basePointSize from the font-size setting and `dark` from the theme.
QtObject {
    id: root

    // --- type scale ------------------------------------------------------------------------
    // The setting's size is the size of message text, the text people read most; everything
    // else is derived from it, so one setting scales the whole window.
    property real basePointSize: 11
    readonly property real messagePointSize: basePointSize
    readonly property real controlPointSize: Math.max(7, Math.round(basePointSize * 0.9 * 2) / 2)
    readonly property real smallPointSize: Math.max(7, Math.round(basePointSize * 0.82 * 2) / 2)
    readonly property real captionPointSize: Math.max(7, Math.round(basePointSize * 0.76 * 2) / 2)
    readonly property real titlePointSize: Math.round(basePointSize * 1.3)
    readonly property string monospaceFamily: "monospace"

    // --- spacing scale (px) ----------------------------------------------------------------
    readonly property int spaceXs: 4
    readonly property int spaceS: 8
    readonly property int spaceM: 12
    readonly property int spaceL: 16
    readonly property int spaceXl: 24

    // --- radii (px) ------------------------------------------------------------------------
    readonly property int radiusS: 4
    readonly property int radiusM: 8
    readonly property int radiusL: 12

    // The widest a column of messages gets: longer lines are hard to read.
    readonly property int maxContentWidth: Math.round(basePointSize * 70)

    // --- palettes --------------------------------------------------------------------------
    property bool dark: false

    readonly property color window: dark ? "#1b1c1f" : "#f4f4f6"
    readonly property color surface: dark ? "#24252a" : "#ffffff"
    readonly property color surfaceAlt: dark ? "#2c2d33" : "#ebebef"
    readonly property color sidebar: dark ? "#202125" : "#ececf0"
    readonly property color text: dark ? "#ececef" : "#1c1c1e"
    // Secondary text (captions, footers, hints): dimmer, still 4.5:1 on every surface.
    readonly property color textMuted: dark ? "#a6a6ae" : "#55555c"
    readonly property color placeholder: dark ? "#9a9aa2" : "#64646b"
    readonly property color border: dark ? "#3b3c43" : "#cfcfd6"
    readonly property color accent: dark ? "#4d5bd6" : "#4151d2"
    readonly property color accentText: "#ffffff"
    // Links and accent-coloured text on ordinary surfaces.
    readonly property color accentOnSurface: dark ? "#9aa6ff" : "#3444c4"
    readonly property color userBubble: dark ? "#2f3450" : "#e4e7fb"
    readonly property color codeBackground: dark ? "#1e1f23" : "#f0f1f4"
    readonly property color reasoningBackground: dark ? "#222328" : "#f7f7f9"
    readonly property color noticeBackground: dark ? "#2b2f45" : "#e6e9fb"
    readonly property color error: dark ? "#ff8a80" : "#b3261e"
    readonly property color focusRing: dark ? "#8ea0ff" : "#2f5fe0"
    readonly property color shadow: dark ? "#000000" : "#60606a"
    readonly property int focusRingWidth: 2

    // The colours above as a Qt palette, for the stock controls. Windows, dialogs, popups and
    // menus bind `palette: Style.palette`: a popup's children copy its palette only when they
    // are created (Qt 6.4), so a theme switched while Settings was open left it dark-on-dark
    // until reopened; a bound palette is pushed to them on every change.
    readonly property var palette: carrier.palette
    readonly property Item carrier: Item {
        palette.window: root.window
        palette.windowText: root.text
        palette.base: root.surface
        palette.alternateBase: root.surfaceAlt
        palette.text: root.text
        palette.button: root.surfaceAlt
        palette.buttonText: root.text
        palette.brightText: root.text
        palette.highlight: root.accent
        palette.highlightedText: root.accentText
        palette.placeholderText: root.placeholder
        palette.mid: root.border
        palette.midlight: root.border
        palette.light: root.dark ? root.surfaceAlt : "#ffffff"
        palette.dark: root.dark ? "#111114" : "#a0a0a8"
        palette.shadow: root.shadow
        palette.toolTipBase: root.surfaceAlt
        palette.toolTipText: root.text
        palette.link: root.accentOnSurface
        palette.linkVisited: root.accentOnSurface
    }
}
