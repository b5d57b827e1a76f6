import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// How the open conversation samples its answers (temperature, top-p) and what a turn does when
// the conversation no longer fits the context window. The controls show the stored values;
// a change is stored with the conversation (ConversationOptions) and applies to the next
// message.
ThemedPopup {
    id: root

    required property var options   // ConversationOptions

    width: Math.min(400, parent && parent.Window.window ? parent.Window.window.width - 2 * margins : 400)

    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutsideParent

    // Rounded to the step, so a dragged 0.7000000001 is stored as 0.7.
    function rounded(value) { return Math.round(value * 100) / 100 }

    contentItem: ColumnLayout {
        spacing: Style.spaceS
        palette: Style.palette   // see Style.palette

        Label {
            text: qsTr("Sampling for this conversation")
            font.bold: true
        }

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.preferredWidth: 100
                text: qsTr("Temperature")
            }
            Slider {
                id: temperature
                objectName: "temperatureSlider"
                Layout.fillWidth: true
                from: 0
                to: 2
                stepSize: 0.05
                snapMode: Slider.SnapAlways
                value: root.options.temperature
                Accessible.name: qsTr("Temperature")
                Accessible.description: qsTr("%1; higher is more varied, 0 always picks the likeliest word").arg(value.toFixed(2))
                // Stored when let go (or per key press), not on every pixel of a drag.
                function commit() {
                    if (root.rounded(value) !== root.options.temperature)
                        root.options.setTemperature(root.rounded(value))
                }
                onMoved: if (!pressed) commit()
                onPressedChanged: if (!pressed) commit()
            }
            Label {
                objectName: "temperatureValue"
                Layout.preferredWidth: 36
                text: temperature.value.toFixed(2)
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.preferredWidth: 100
                text: qsTr("Top-p")
            }
            Slider {
                id: topP
                objectName: "topPSlider"
                Layout.fillWidth: true
                from: 0.05
                to: 1
                stepSize: 0.05
                snapMode: Slider.SnapAlways
                value: root.options.topP
                Accessible.name: qsTr("Top-p")
                Accessible.description: qsTr("%1; samples only from the likeliest words that together make up this share").arg(value.toFixed(2))
                function commit() {
                    if (root.rounded(value) !== root.options.topP)
                        root.options.setTopP(root.rounded(value))
                }
                onMoved: if (!pressed) commit()
                onPressedChanged: if (!pressed) commit()
            }
            Label {
                objectName: "topPValue"
                Layout.preferredWidth: 36
                text: topP.value.toFixed(2)
            }
        }

        Label {
            objectName: "recommendedSampling"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Style.textMuted
            font.pointSize: Style.captionPointSize
            text: qsTr("This model is meant to be sampled at temperature %1 and top-p %2.")
                  .arg(root.options.recommendedTemperature.toFixed(1))
                  .arg(root.options.recommendedTopP.toFixed(1))
        }
        Button {
            objectName: "resetSampling"
            text: qsTr("Use the recommended values")
            enabled: root.options.temperature !== root.options.recommendedTemperature
                     || root.options.topP !== root.options.recommendedTopP
            onClicked: {
                root.options.setTemperature(root.options.recommendedTemperature)
                root.options.setTopP(root.options.recommendedTopP)
            }
        }

        MenuSeparator { Layout.fillWidth: true }

        Label {
            text: qsTr("When the conversation no longer fits the context")
            font.bold: true
        }
        ButtonGroup { id: policyGroup }
        RadioButton {
            objectName: "policyError"
            ButtonGroup.group: policyGroup
            text: qsTr("Stop with an error")
            checked: root.options.contextPolicy === "error"
            onToggled: if (checked) root.options.setContextPolicy("error")
        }
        RadioButton {
            objectName: "policyDropOldest"
            ButtonGroup.group: policyGroup
            text: qsTr("Drop the oldest messages from the prompt")
            checked: root.options.contextPolicy === "drop_oldest"
            onToggled: if (checked) root.options.setContextPolicy("drop_oldest")
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Style.textMuted
            font.pointSize: Style.captionPointSize
            text: qsTr("Dropped messages stay in the history; the model just no longer reads them.")
        }
    }
}
