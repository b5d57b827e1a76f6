#include <QtTest>

#include "app/core/text/markdown_blocks.h"

using ponder::core::MarkdownBlock;
using ponder::core::split_markdown_blocks;
using Kind = MarkdownBlock::Kind;

class TestMarkdownBlocks : public QObject {
    Q_OBJECT
  private slots:
    void proseOnly() {
        auto blocks = split_markdown_blocks("Hello **world**\n\n- a\n- b");
        QCOMPARE(blocks.size(), size_t(1));
        QCOMPARE(blocks[0].kind, Kind::prose);
        QCOMPARE(blocks[0].text, std::string("Hello **world**\n\n- a\n- b"));
    }
    void codeBetweenProse() {
        auto blocks = split_markdown_blocks("Run:\n```python\nprint(1)\n\nx = 2\n```\nDone.\n");
        QCOMPARE(blocks.size(), size_t(3));
        QCOMPARE(blocks[0].text, std::string("Run:\n"));
        QCOMPARE(blocks[1].kind, Kind::code);
        QCOMPARE(blocks[1].language, std::string("python"));
        QCOMPARE(blocks[1].text, std::string("print(1)\n\nx = 2"));
        QVERIFY(blocks[1].closed);
        QCOMPARE(blocks[2].text, std::string("Done.\n"));
    }
    void unclosedFenceWhileStreaming() {
        auto blocks = split_markdown_blocks("Here:\n```cpp\nint main() {");
        QCOMPARE(blocks.size(), size_t(2));
        QCOMPARE(blocks[1].kind, Kind::code);
        QVERIFY(!blocks[1].closed);
        QCOMPARE(blocks[1].language, std::string("cpp"));
        QCOMPARE(blocks[1].text, std::string("int main() {"));
    }
    void fenceJustOpened() {
        auto blocks = split_markdown_blocks("```");
        QCOMPARE(blocks.size(), size_t(1));
        QCOMPARE(blocks[0].kind, Kind::code);
        QVERIFY(!blocks[0].closed);
        QVERIFY(blocks[0].text.empty());
    }
    void longerFencesAndTildes() {
        // A ```` fence is not closed by ```; a ~~~ fence ignores backtick lines.
        auto blocks = split_markdown_blocks("````\n```\ninner\n```\n````\n~~~\n```\n~~~");
        QCOMPARE(blocks.size(), size_t(2));
        QCOMPARE(blocks[0].text, std::string("```\ninner\n```"));
        QCOMPARE(blocks[1].text, std::string("```"));
        QVERIFY(blocks[1].closed);
    }
    void notAFence() {
        auto blocks = split_markdown_blocks("use ``code`` inline\n    ```indented four```\n``");
        QCOMPARE(blocks.size(), size_t(1));
        QCOMPARE(blocks[0].kind, Kind::prose);
    }
    void crlfLines() {
        auto blocks = split_markdown_blocks("a\r\n```\r\nb\r\n```\r\n");
        QCOMPARE(blocks.size(), size_t(2));
        QCOMPARE(blocks[1].text, std::string("b"));
    }
};

QTEST_APPLESS_MAIN(TestMarkdownBlocks)
#include "test_markdown_blocks.moc"
