import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The per-conversation reasoning effort (gpt-oss reads it from the system message as
// "Reasoning: low|medium|high"). The control shows the stored value; moving it emits
// effortEdited, and the C++ side persists it and applies it to the next message.
Control {
    id: root

    property string effort: "medium"            // "low" | "medium" | "high"
    property bool compact: false                // a narrow window: no caption, a shorter slider
    signal effortEdited(string effort)

    readonly property var levels: ["low", "medium", "high"]

    Accessible.role: Accessible.Slider
    Accessible.name: qsTr("Reasoning effort")
    Accessible.description: qsTr("How long the model thinks before answering: %1").arg(root.effort)

    contentItem: RowLayout {
        spacing: Style.spaceS
        Label {
            visible: !root.compact
            text: qsTr("Effort")
            color: Style.textMuted
        }
        Slider {
            id: slider
            objectName: "effortSlider"
            Layout.preferredWidth: root.compact ? 80 : 120
            from: 0
            to: 2
            stepSize: 1
            snapMode: Slider.SnapAlways
            value: Math.max(0, root.levels.indexOf(root.effort))
            Accessible.name: root.Accessible.name
            onMoved: {
                const chosen = root.levels[Math.round(value)]
                if (chosen !== root.effort)
                    root.effortEdited(chosen)
            }
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Higher effort thinks longer and uses more of the context window.")
        }
        // As wide as the widest level's name, so the slider does not move when it changes.
        TextMetrics {
            id: widestLevel
            font: effortLabel.font
            text: qsTr("Medium")
        }
        Label {
            id: effortLabel
            objectName: "effortLabel"
            Layout.preferredWidth: Math.ceil(widestLevel.advanceWidth) + 4
            text: root.effort === "low" ? qsTr("Low") : root.effort === "high" ? qsTr("High") : qsTr("Medium")
            font.bold: true
            color: root.enabled ? Style.text : Style.textMuted
        }
    }
}
