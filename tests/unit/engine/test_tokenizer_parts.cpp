// The tokenizer's building blocks: SHA-256, UTF-8 repair, the byte-level alphabet, the two BPE
// merge strategies and the pre-tokenisation regex.
#include <QtTest>

#include <random>

#include "engine/io/text_file.h"
#include "engine/resources.h"
#include "engine/tokenizer/bpe.h"
#include "engine/tokenizer/byte_level.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "engine/tokenizer/pretokenizer.h"
#include "engine/tokenizer/sha256.h"
#include "engine/tokenizer/tiktoken_file.h"
#include "engine/tokenizer/utf8.h"

using namespace ponder;

namespace {

std::vector<std::string> pieces_of(const PreTokenizer& pre_tokenizer, std::string_view text) {
    std::vector<std::string> pieces;
    auto cursor = pre_tokenizer.pieces(text);
    std::string_view piece;
    while (cursor.next(piece))
        pieces.emplace_back(piece);
    return pieces;
}

}  // namespace

class TestTokenizerParts : public QObject {
    Q_OBJECT
  private slots:
    void sha256KnownAnswers() {
        QCOMPARE(sha256_hex(""),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(sha256_hex("abc"),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        QCOMPARE(sha256_hex(std::string(1000000, 'a')),
                 std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        // Fed in odd-sized chunks, the digest is the same.
        Sha256 chunked;
        const std::string text(1000, 'x');
        for (std::size_t i = 0; i < text.size(); i += 7)
            chunked.update(std::string_view(text).substr(i, 7));
        Sha256 whole;
        whole.update(text);
        QVERIFY(chunked.finish() == whole.finish());

        auto content = read_text_file(*find_resource(kO200kBaseFileName), file_caps::tiktoken);
        QVERIFY(content.ok());
        QCOMPARE(sha256_hex(*content), std::string(kO200kBaseSha256));
    }

    void utf8Repair() {
        QCOMPARE(utf8_lossy("plain"), std::string("plain"));
        QCOMPARE(utf8_lossy("a\xC3"), std::string("a\uFFFD"));
        QCOMPARE(utf8_lossy("\xF0\x9F"), std::string("\uFFFD"));        // one maximal subpart
        QCOMPARE(utf8_lossy("\xE0\x80"), std::string("\uFFFD\uFFFD"));  // overlong: two
        QCOMPARE(utf8_lossy("\xED\xA0\x80"), std::string("\uFFFD\uFFFD\uFFFD"));  // surrogate
        QCOMPARE(utf8_lossy("\xF4\x90\x80\x80"),
                 std::string("\uFFFD\uFFFD\uFFFD\uFFFD"));  // > U+10FFFF
        QCOMPARE(utf8_lossy("\xC0\xAF"), std::string("\uFFFD\uFFFD"));
        QCOMPARE(utf8_lossy("\xF0\x9F\x98\x80x\xFF"), std::string("\U0001F600x\uFFFD"));
        QVERIFY(is_valid_utf8("\uFFFD is a valid character"));
        QVERIFY(!is_valid_utf8("\xF0\x9F\x98"));

        // Split anywhere, the stream gives the same text as repairing the whole.
        std::mt19937 random(3);
        const std::string alphabet = "a \xC3\xA9\xE4\xB8\x96\xF0\x9F\x98\x80\x80\xBF\xFF\xED\xF4";
        for (int round = 0; round < 2000; ++round) {
            std::string bytes(random() % 24, '\0');
            for (char& byte : bytes)
                byte = alphabet[random() % alphabet.size()];
            Utf8StreamDecoder decoder;
            std::string streamed;
            for (std::size_t i = 0; i < bytes.size();) {
                const std::size_t take = 1 + random() % 3;
                std::string chunk;
                decoder.push(std::string_view(bytes).substr(i, take), chunk);
                QVERIFY(is_valid_utf8(chunk));
                streamed += chunk;
                i += take;
            }
            decoder.finish(streamed);
            QCOMPARE(streamed, utf8_lossy(bytes));
        }
    }

    void byteLevelAlphabet() {
        std::string all;
        for (int byte = 0; byte < 256; ++byte)
            all += char(byte);
        const std::string spelled = byte_level_encode(all);
        QCOMPARE(byte_level_decode(spelled), std::optional<std::string>(all));
        QCOMPARE(byte_level_encode(" "), std::string("\u0120"));   // the familiar 'Ġ'
        QCOMPARE(byte_level_encode("\n"), std::string("\u010A"));  // 'Ċ'
        QCOMPARE(byte_level_encode("A~\xA1\xAD"), std::string("A~\u00A1\u0143"));
        QCOMPARE(byte_level_decode("\u4e16"), std::nullopt);    // not in the alphabet
        QCOMPARE(byte_level_decode(" "), std::nullopt);         // a raw space is spelled U+0120
        QCOMPARE(byte_level_decode("\xC1\x81"), std::nullopt);  // overlong 'A'
    }

    // The heap strategy (long pieces) and tiktoken's scan (short pieces) merge in the same order.
    void mergeStrategiesAgree() {
        auto content = read_text_file(*find_resource(kO200kBaseFileName), file_caps::tiktoken);
        auto ranks = parse_tiktoken_ranks(*content, "o200k");
        QVERIFY(ranks.ok());
        RankTable table;
        for (const auto& [bytes, rank] : *ranks)
            QVERIFY(table.insert(bytes, Rank(rank)));
        QVERIFY(!table.insert("hello", 1));  // duplicate bytes are refused
        QCOMPARE(table.find("hello"), Rank(24912));
        QCOMPARE(table.find("no such token \x01"), kNoRank);

        std::mt19937 random(11);
        const std::vector<std::string> parts = {"a",
                                                "aa",
                                                "ab",
                                                "the",
                                                "ing",
                                                " ",
                                                "\xC3\xA9",
                                                "\xE4\xB8\x96",
                                                "0",
                                                "!",
                                                "\xF0\x9F\x98\x80",
                                                "z",
                                                "q",
                                                "\xFF"};
        for (int round = 0; round < 500; ++round) {
            std::string piece;
            const std::size_t count = 1 + random() % 80;
            for (std::size_t i = 0; i < count; ++i)
                piece += parts[random() % parts.size()];
            std::vector<std::int32_t> scan, heap, best;
            bpe_encode_piece_scan(table, piece, scan);
            bpe_encode_piece_heap(table, piece, heap);
            bpe_encode_piece(table, piece, best);
            QVERIFY2(scan == heap, piece.c_str());
            std::string joined;
            for (std::int32_t id : heap)
                joined += (*ranks)[std::size_t(id)].first;
            QCOMPARE(joined, piece);
            QVERIFY(best.size() <= heap.size());
        }
    }

    void o200kPretokenisation() {
        auto compiled = PreTokenizer::compile(PreTokenizer::o200k_pattern());
        QVERIFY(compiled.ok());
        const PreTokenizer& pre = *compiled;
        using Pieces = std::vector<std::string>;
        QCOMPARE(pieces_of(pre, "Hello, world!"), (Pieces{"Hello", ",", " world", "!"}));
        QCOMPARE(pieces_of(pre, "  two   x"), (Pieces{" ", " two", "  ", " x"}));  // \s+(?!\S)
        QCOMPARE(pieces_of(pre, "trail   "), (Pieces{"trail", "   "}));
        QCOMPARE(pieces_of(pre, "I'M you're"), (Pieces{"I'M", " you're"}));
        QCOMPARE(pieces_of(pre, "1234567"), (Pieces{"123", "456", "7"}));
        QCOMPARE(pieces_of(pre, "a\r\n\r\nb"), (Pieces{"a", "\r\n\r\n", "b"}));
        QCOMPARE(pieces_of(pre,
                           "\xCC\x81"
                           "abc"),
                 (Pieces{"\xCC\x81"
                         "abc"}));  // a leading combining mark
        QCOMPARE(pieces_of(pre, "na\xC3\xAFve caf\xC3\xA9"),
                 (Pieces{"na\xC3\xAFve", " caf\xC3\xA9"}));
        // U+0085 is White_Space; U+180E is not (it was until Unicode 6.3; PCRE2 still says so).
        QCOMPARE(pieces_of(pre, "a\xC2\x85 b"), (Pieces{"a", "\xC2\x85", " b"}));
        QCOMPARE(pieces_of(pre, "x \xE1\xA0\x8E\xE1\xA0\x8E!"),
                 (Pieces{"x", " \xE1\xA0\x8E\xE1\xA0\x8E!"}));
        // Ill-formed bytes become pieces of their own; nothing is skipped.
        QCOMPARE(pieces_of(pre, "ab\xFF\xFE cd \xE2\x82"),
                 (Pieces{"ab", "\xFF\xFE", " cd", " ", "\xE2\x82"}));
        QCOMPARE(pieces_of(pre, ""), Pieces{});
    }

    void whitespaceRewrite() {
        const std::string set =
            "\\t-\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
            "\\x{202F}\\x{205F}\\x{3000}";
        QCOMPARE(rewrite_whitespace_escapes("\\s+(?!\\S)"), "[" + set + "]+(?![^" + set + "])");
        QCOMPARE(rewrite_whitespace_escapes("[^\\s\\p{L}]"), "[^" + set + "\\p{L}]");
        QCOMPARE(rewrite_whitespace_escapes("[]\\s]"), "[]" + set + "]");
        QCOMPARE(rewrite_whitespace_escapes("\\\\s"),
                 std::string("\\\\s"));  // an escaped backslash
        QCOMPARE(rewrite_whitespace_escapes("[[:alpha:]\\s]x"), "[[:alpha:]" + set + "]x");
        QVERIFY(!PreTokenizer::compile("(unclosed").ok());
    }
};

QTEST_GUILESS_MAIN(TestTokenizerParts)
#include "test_tokenizer_parts.moc"
