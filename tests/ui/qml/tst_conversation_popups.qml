import QtQuick
import QtTest
import Ponder

// The Tools and Sampling popups against a stand-in for ConversationOptions: they show the
// stored values, keep unavailable tools off with the reason, and hand every change to the
// options object (which stores it).
TestCase {
    name: "ConversationPopups"
    when: windowShown
    visible: true
    width: 600
    height: 700

    // Records the calls a popup makes, and stores them like the real object does.
    component FakeOptions: QtObject {
        property bool available: true
        property var tools: [
            {name: "calculator", description: "Evaluate an arithmetic expression.", enabled: true, unavailableReason: ""},
            {name: "python", description: "Run Python 3 code.", enabled: false, unavailableReason: ""},
            {name: "read_file", description: "Read a text file.", enabled: false,
             unavailableReason: "no folder is shared with this conversation"},
        ]
        property string toolFolder: ""
        property real temperature: 1
        property real topP: 1
        // what the model asks for (the demo model: greedy)
        property real recommendedTemperature: 0
        property real recommendedTopP: 1
        property string contextPolicy: "error"
        property var calls: []

        function setToolEnabled(name, enabled) {
            calls.push("tool " + name + " " + enabled)
            tools = tools.map(t => t.name === name ? Object.assign({}, t, {enabled: enabled}) : t)
            return true
        }
        function setToolFolder(folder) { calls.push("folder " + folder); toolFolder = folder; return true }
        function setTemperature(value) { calls.push("temperature " + value); temperature = value; return true }
        function setTopP(value) { calls.push("topP " + value); topP = value; return true }
        function setContextPolicy(policy) { calls.push("policy " + policy); contextPolicy = policy; return true }
    }

    Component {
        id: toolsComponent
        ToolsPopup {}
    }
    Component {
        id: samplingComponent
        SamplingPopup {}
    }
    Component {
        id: optionsComponent
        FakeOptions {}
    }

    function openPopup(component) {
        const options = createTemporaryObject(optionsComponent, this)
        const popup = createTemporaryObject(component, this, {options: options})
        popup.open()
        tryVerify(() => popup.opened)
        return {popup: popup, options: options}
    }

    function test_toolSwitchesShowAndChange() {
        const p = openPopup(toolsComponent)
        const calculator = findChild(p.popup.contentItem, "toolSwitch_calculator")
        const python = findChild(p.popup.contentItem, "toolSwitch_python")
        const readFile = findChild(p.popup.contentItem, "toolSwitch_read_file")
        verify(calculator.checked)
        verify(!python.checked)
        verify(python.enabled)
        // Unavailable: off and cannot be switched on.
        verify(!readFile.checked)
        verify(!readFile.enabled)
        compare(readFile.Accessible.description, "no folder is shared with this conversation")
        compare(python.Accessible.name, "Offer python to the model")

        mouseClick(python)
        compare(p.options.calls, ["tool python true"])
        verify(python.checked)
        // Keyboard: the switch keeps the focus across the change and toggles back with Space.
        python.forceActiveFocus()
        keyClick(Qt.Key_Space)
        compare(p.options.calls, ["tool python true", "tool python false"])
        verify(!python.checked)
        verify(python.activeFocus)
        compare(findChild(p.popup.contentItem, "sharedFolder").text, "None")
    }

    function test_samplingShowsStoredValues() {
        const p = openPopup(samplingComponent)
        p.options.temperature = 0.35
        p.options.topP = 0.9
        p.options.contextPolicy = "drop_oldest"
        const content = p.popup.contentItem
        compare(findChild(content, "temperatureSlider").value, 0.35)
        compare(findChild(content, "temperatureValue").text, "0.35")
        compare(findChild(content, "topPValue").text, "0.90")
        verify(findChild(content, "policyDropOldest").checked)
        verify(!findChild(content, "policyError").checked)
        compare(p.options.calls, [])
    }

    function test_samplingChangesAreHandedOn() {
        const p = openPopup(samplingComponent)
        const content = p.popup.contentItem
        const slider = findChild(content, "temperatureSlider")
        slider.forceActiveFocus()
        keyClick(Qt.Key_Left)   // one step down from 1.0, stored once the key is released
        compare(p.options.calls, ["temperature 0.95"])
        compare(findChild(content, "temperatureValue").text, "0.95")

        mouseClick(findChild(content, "policyDropOldest"))
        compare(p.options.calls[1], "policy drop_oldest")
        // "recommended" is what the loaded model asks for, not gpt-oss's 1.0 for every model
        verify(findChild(content, "recommendedSampling").text.indexOf("temperature 0.0") >= 0)
        mouseClick(findChild(content, "resetSampling"))
        compare(p.options.calls.slice(2), ["temperature 0", "topP 1"])
        verify(!findChild(content, "resetSampling").enabled)
    }
}
