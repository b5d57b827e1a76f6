import QtQuick
import QtTest
import Ponder

// The tool-call card: the approval prompt while a call waits (buttons, keyboard, accessible
// names), the status words, and the collapsible result.
TestCase {
    name: "ToolCallCard"
    when: windowShown
    visible: true  // TestCase is invisible by default; mouse tests need rendered items
    width: 520
    height: 400

    Component {
        id: cardComponent
        ToolCallCard { width: 500 }
    }

    SignalSpy {
        id: spy
        signalName: "decided"
    }

    function makeCall(changes) {
        const call = {
            id: "7", tool: "calculator", arguments: "{\n  \"expression\": \"2 + 3\"\n}",
            status: "waiting", awaitingApproval: true,
            description: "Evaluate an arithmetic expression and return the result.",
            result: "", error: "", durationMs: 0
        }
        for (const key in changes || {})
            call[key] = changes[key]
        return call
    }

    function makeCard(changes) {
        const card = createTemporaryObject(cardComponent, this, {call: makeCall(changes)})
        spy.target = card
        spy.clear()
        return card
    }

    function test_promptWhileWaiting() {
        const card = makeCard()
        verify(findChild(card, "approvalPrompt").visible)
        compare(findChild(card, "statusLabel").text, "Waiting for approval")
        compare(findChild(card, "argumentsText").text, "{\n  \"expression\": \"2 + 3\"\n}")
        compare(findChild(card, "allowOnceButton").Accessible.name, "Allow calculator once")
        compare(findChild(card, "allowAlwaysButton").Accessible.name,
                "Always allow calculator in this conversation")
        compare(findChild(card, "denyButton").Accessible.name, "Deny calculator")
        verify(!findChild(card, "resultToggle").visible)
    }

    function test_buttonsAnswer_data() {
        return [
            {tag: "allow once", button: "allowOnceButton", decision: "once"},
            {tag: "always", button: "allowAlwaysButton", decision: "always"},
            {tag: "deny", button: "denyButton", decision: "deny"},
        ]
    }

    function test_buttonsAnswer(data) {
        const card = makeCard()
        mouseClick(findChild(card, data.button))
        compare(spy.count, 1)
        compare(spy.signalArguments[0][0], "7")
        compare(spy.signalArguments[0][1], data.decision)
    }

    function test_keyboard() {
        const card = makeCard()
        // The prompt takes the focus: the answer is waiting for the user.
        const allowOnce = findChild(card, "allowOnceButton")
        tryVerify(() => allowOnce.activeFocus)
        keyClick(Qt.Key_Space)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][1], "once")
        keyClick(Qt.Key_Tab)
        verify(findChild(card, "allowAlwaysButton").activeFocus)
        keyClick(Qt.Key_Return)
        compare(spy.count, 2)
        compare(spy.signalArguments[1][1], "always")
        keyClick(Qt.Key_Tab)
        verify(findChild(card, "denyButton").activeFocus)
        keyClick(Qt.Key_Enter)
        compare(spy.count, 3)
        compare(spy.signalArguments[2][1], "deny")
    }

    function test_promptThatAppearsLaterTakesTheFocus() {
        const card = makeCard({status: "running", awaitingApproval: false})
        const allowOnce = findChild(card, "allowOnceButton")
        verify(!allowOnce.activeFocus)
        card.call = makeCall()
        tryVerify(() => allowOnce.activeFocus)
        keyClick(Qt.Key_Space)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][1], "once")
    }

    function test_promptGoesWhenAnswered() {
        const card = makeCard()
        card.call = makeCall({status: "running", awaitingApproval: false})
        verify(!findChild(card, "approvalPrompt").visible)
        compare(findChild(card, "statusLabel").text, "Running…")
    }

    function test_statusWords_data() {
        return [
            {tag: "done", status: "done", words: "Done · 12 ms"},
            {tag: "failed", status: "failed", words: "Error · 12 ms"},
            {tag: "denied", status: "denied", words: "Denied"},
            {tag: "never run", status: "pending", words: "Not run"},
        ]
    }

    function test_statusWords(data) {
        const card = makeCard({status: data.status, awaitingApproval: false, durationMs: 12,
                               result: "5"})
        compare(findChild(card, "statusLabel").text, data.words)
        verify(!findChild(card, "approvalPrompt").visible)
    }

    function test_resultCollapses() {
        const card = makeCard({status: "done", awaitingApproval: false, result: "5"})
        const toggle = findChild(card, "resultToggle")
        const result = findChild(card, "resultText")
        verify(toggle.visible)
        verify(!result.visible)
        mouseClick(toggle)
        verify(result.visible)
        compare(result.text, "5")
        compare(toggle.text, "Hide result")
        mouseClick(toggle)
        verify(!result.visible)
    }

    function test_errorShownAsResult() {
        const card = makeCard({status: "failed", awaitingApproval: false,
                               error: "division by zero"})
        mouseClick(findChild(card, "resultToggle"))
        compare(findChild(card, "resultText").text, "division by zero")
    }
}
