import QtQuick
import QtTest
import Ponder

TestCase {
    name: "EffortSlider"
    when: windowShown
    visible: true  // TestCase is invisible by default; mouse tests need rendered items
    width: 400
    height: 80

    Component {
        id: sliderComponent
        EffortSlider {}
    }

    SignalSpy {
        id: spy
        signalName: "effortEdited"
    }

    function test_showsStoredEffort() {
        const control = createTemporaryObject(sliderComponent, this, {effort: "high"})
        const slider = findChild(control, "effortSlider")
        compare(slider.value, 2)
        compare(findChild(control, "effortLabel").text, "High")
        control.effort = "low"
        compare(slider.value, 0)
        compare(findChild(control, "effortLabel").text, "Low")
    }

    function test_userMoveEmitsEffort() {
        const control = createTemporaryObject(sliderComponent, this, {effort: "medium"})
        spy.target = control
        spy.clear()
        const slider = findChild(control, "effortSlider")
        // Click at the right end of the track: the handle snaps to "high".
        mouseClick(slider, slider.width - 2, slider.height / 2)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][0], "high")
        mouseClick(slider, 2, slider.height / 2)
        compare(spy.count, 2)
        compare(spy.signalArguments[1][0], "low")
    }

    function test_keyboardMovesEffort() {
        const control = createTemporaryObject(sliderComponent, this, {effort: "medium"})
        spy.target = control
        spy.clear()
        const slider = findChild(control, "effortSlider")
        slider.forceActiveFocus()
        keyClick(Qt.Key_Left)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][0], "low")
    }
}
