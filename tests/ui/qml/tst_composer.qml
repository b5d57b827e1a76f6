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

    function test_disabledWithReason() {
        const composer = createTemporaryObject(composerComponent, this, {disabledReason: "No model is loaded"})
        const input = findChild(composer, "composerInput")
        verify(!input.enabled)
        compare(input.placeholderText, "No model is loaded")
        verify(!findChild(composer, "composerButton").enabled)
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
