import QtQuick
import QtTest
import Ponder

// An answer's blocks follow the list the model sends with every streamed batch without being
// rebuilt: finished blocks keep their items (their Markdown is not parsed and laid out again),
// the growing one changes its text in place, a new one is added, and a shorter list drops the
// rest. ponder-ui-bench measured rebuilding them all as the main cost of streaming.
TestCase {
    name: "AnswerBlocks"
    when: windowShown
    visible: true
    width: 500
    height: 400

    Component {
        id: blocksComponent
        AnswerBlocks { width: 480 }
    }

    function prose(text) { return {kind: "prose", text: text, language: "", closed: true} }
    function code(text, language) { return {kind: "code", text: text, language: language, closed: false} }

    // The loaded item of block `i`.
    function blockItem(blocks, i) {
        const repeater = findChild(blocks, "answerBlockRepeater")
        return repeater.itemAt(i).item
    }

    function test_blocksStayWhileTheAnswerGrows() {
        const blocks = createTemporaryObject(blocksComponent, this,
                                             {blocks: [prose("## Title\n\nFirst paragraph.")]})
        const first = blockItem(blocks, 0)
        // Markdown reads back as the document's own Markdown: compare the words.
        verify(first.text.indexOf("First paragraph.") >= 0)

        blocks.blocks = [prose("## Title\n\nFirst paragraph."), code("x = 1", "python")]
        compare(blockItem(blocks, 0), first)
        const codeBox = blockItem(blocks, 1)
        compare(findChild(codeBox, "codeText").text, "x = 1")

        // The code block grows: both items stay, the code's text is the new one.
        blocks.blocks = [prose("## Title\n\nFirst paragraph."), code("x = 1\ny = 2", "python")]
        compare(blockItem(blocks, 0), first)
        compare(blockItem(blocks, 1), codeBox)
        compare(findChild(codeBox, "codeText").text, "x = 1\ny = 2")

        // Another answer on the same row (a reused delegate): one block, its own text.
        blocks.blocks = [prose("Another answer.")]
        compare(findChild(blocks, "answerBlockRepeater").count, 1)
        verify(blockItem(blocks, 0).text.indexOf("Another answer.") >= 0)
    }
}
