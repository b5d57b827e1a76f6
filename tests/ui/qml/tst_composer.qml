import QtQuick
import QtTest
import Ponder

TestCase {
    name: "Composer"
    when: windowShown
    visible: true  // TestCase is invisible by default; mouse tests need rendered items
    width: 600
    height: 200

    Component {
        id: composerComponent
        Composer { width: 580 }
    }

    SignalSpy { id: sendSpy; signalName: "sendRequested" }
    SignalSpy { id: stopSpy; signalName: "stopRequested" }

    function test_enterSendsShiftEnterAddsLine() {
        const composer = createTemporaryObject(composerComponent, this)
        sendSpy.target = composer
        sendSpy.clear()
        const input = findChild(composer, "composerInput")
        input.forceActiveFocus()
        keyClick("h")
        keyClick("i")
        keyClick(Qt.Key_Return, Qt.ShiftModifier)
        keyClick("x")
        compare(input.text, "hi\nx")
        compare(sendSpy.count, 0)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1)
        compare(sendSpy.signalArguments[0][0], "hi\nx")
        compare(input.text, "")
    }

    function test_emptyMessageIsNotSent() {
        const composer = createTemporaryObject(composerComponent, this)
        sendSpy.target = composer
        sendSpy.clear()
        findChild(composer, "composerInput").forceActiveFocus()
        keyClick(Qt.Key_Space)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 0)
    }

    function test_stopWhileGenerating() {
        const composer = createTemporaryObject(composerComponent, this, {generating: true})
        stopSpy.target = composer
        stopSpy.clear()
        const button = findChild(composer, "composerButton")
        compare(button.text, "Stop")
        verify(button.enabled)
        mouseClick(button)
        compare(stopSpy.count, 1)
    }

    // Without a model (or while it loads) the box says why it cannot send, takes typing so
    // nothing typed at launch is lost, and Enter keeps the text instead of sending it.
    function test_cannotSendSaysWhyAndKeepsTyping() {
        const composer = createTemporaryObject(composerComponent, this, {disabledReason: "No model is loaded"})
        sendSpy.target = composer
        sendSpy.clear()
        const input = findChild(composer, "composerInput")
        compare(input.placeholderText, "No model is loaded")
        verify(!findChild(composer, "composerButton").enabled)
        input.forceActiveFocus()
        keyClick("h")
        keyClick("i")
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 0)
        compare(input.text, "hi")
        composer.disabledReason = ""
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1)
        compare(sendSpy.signalArguments[0][0], "hi")
    }

    // Tab leaves the box (no tab character is typed); Shift+Tab comes back.
    function test_tabMovesFocusOut() {
        const composer = createTemporaryObject(composerComponent, this)
        const input = findChild(composer, "composerInput")
        input.forceActiveFocus()
        keyClick("a")
        keyClick(Qt.Key_Tab)
        compare(input.text, "a")
        verify(!input.activeFocus)
        keyClick(Qt.Key_Backtab, Qt.ShiftModifier)
        verify(input.activeFocus)
        compare(input.text, "a")
    }

    function test_koreanTextIsKept() {
        const composer = createTemporaryObject(composerComponent, this)
        sendSpy.target = composer
        sendSpy.clear()
        composer.text = "안녕하세요, 23 + 19는?"
        composer.send()
        compare(sendSpy.count, 1)
        compare(sendSpy.signalArguments[0][0], "안녕하세요, 23 + 19는?")
    }
}
