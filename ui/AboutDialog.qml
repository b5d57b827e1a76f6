import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// What Ponder is and the licences of what it bundles.
ThemedDialog {
    id: root
    title: qsTr("About Ponder")
    standardButtons: Dialog.Close
    width: Math.min(560, parent ? parent.width - 2 * Style.spaceL : 560)

    ColumnLayout {
        anchors.fill: parent
        Label {
            text: "Ponder " + Qt.application.version
            font.bold: true
            font.pointSize: Style.basePointSize * 1.3
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("A private, offline chat app for OpenAI's gpt-oss models. Ponder never opens a network connection.")
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            color: Style.textMuted
            text: qsTr("Bundled and linked components:\n" +
                       "• Qt 6 — LGPL-3.0\n" +
                       "• SQLite — public domain\n" +
                       "• nlohmann/json — MIT\n" +
                       "• PCRE2 — BSD-3-Clause\n" +
                       "• o200k_base vocabulary (from js-tiktoken 1.0.21) — MIT\n" +
                       "• Tabler Icons 3.48.0 — MIT\n" +
                       "• gpt-oss models are OpenAI's, under Apache-2.0; the demo model is Ponder's own")
        }
    }
}
