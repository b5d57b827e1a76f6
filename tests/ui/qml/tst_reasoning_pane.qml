import QtQuick
import QtTest
import Ponder

TestCase {
    name: "ReasoningPane"
    when: windowShown
    visible: true  // TestCase is invisible by default; mouse tests need rendered items
    width: 500
    height: 300

    Component {
        id: paneComponent
        ReasoningPane { width: 480 }
    }

    function test_streamsThenCollapsesThenReopens() {
        const pane = createTemporaryObject(paneComponent, this, {thinking: true})
        const body = findChild(pane, "reasoningText")
        const header = findChild(pane, "reasoningHeader")
        verify(pane.expanded)
        verify(body.visible)
        compare(header.text, "Thinking…")

        pane.text = "Add units: 3 + 9 = 12"
        compare(body.text, "Add units: 3 + 9 = 12")
        pane.text += ", carry 1."
        compare(body.text, "Add units: 3 + 9 = 12, carry 1.")
        verify(findChild(pane, "reasoningCaption").text.indexOf("raw reasoning") >= 0)

        pane.seconds = 2.4
        pane.tokenCount = 17
        pane.thinking = false
        verify(!pane.expanded)
        verify(!body.visible)
        compare(header.text, "Thought for 2.4 s · 17 tokens")

        mouseClick(header)
        verify(pane.expanded)
        verify(body.visible)
        compare(body.text, "Add units: 3 + 9 = 12, carry 1.")
        mouseClick(header)
        verify(!pane.expanded)
    }

    // Streaming appends to the text; another answer's reasoning (a reused row) replaces it.
    function test_replacedTextIsShownWhole() {
        const pane = createTemporaryObject(paneComponent, this, {thinking: true})
        const body = findChild(pane, "reasoningText")
        pane.text = "First thought."
        pane.text = "First thought. Second."
        compare(body.text, "First thought. Second.")
        pane.text = "Something else entirely."
        compare(body.text, "Something else entirely.")
        pane.text = ""
        compare(body.text, "")
    }

    // Tenths below 10 s (a stored 0.04 s is not "1 s"), whole seconds above; an unknown token
    // count (waiting for a tool's approval, stopped) is left out, never shown as "0 tokens".
    function test_durationAndTokensAreHonest() {
        const pane = createTemporaryObject(paneComponent, this, {thinking: false, seconds: 0.04, tokenCount: 12})
        const header = findChild(pane, "reasoningHeader")
        compare(header.text, "Thought for less than 0.1 s · 12 tokens")
        pane.seconds = 0.46
        compare(header.text, "Thought for 0.5 s · 12 tokens")
        pane.seconds = 14.6
        compare(header.text, "Thought for 15 s · 12 tokens")
        pane.tokenCount = 0
        compare(header.text, "Thought for 15 s")
        verify(header.text.indexOf("0 tokens") < 0)
    }

    // A chevron says which way it opens; a progress indicator runs only while thinking.
    function test_chevronAndProgress() {
        const pane = createTemporaryObject(paneComponent, this, {thinking: true})
        compare(findChild(pane, "reasoningChevron").text, "▾")
        verify(findChild(pane, "thinkingIndicator").running)
        pane.thinking = false
        compare(findChild(pane, "reasoningChevron").text, "▸")
        verify(!findChild(pane, "thinkingIndicator").visible)
    }
}
