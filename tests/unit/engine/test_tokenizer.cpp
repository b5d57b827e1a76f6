// The tokenizer against o200k_base ids produced by tiktoken and js-tiktoken, the same vocabulary
// read from a tokenizer.json, the spec's quick checks, and the ways a vocabulary file can be bad.
#include <QtTest>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "engine/io/text_file.h"
#include "engine/resources.h"
#include "engine/tokenizer/byte_level.h"
#include "engine/tokenizer/hf_tokenizer_json.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "engine/tokenizer/streaming_detokenizer.h"
#include "engine/tokenizer/tiktoken_file.h"
#include "engine/tokenizer/utf8.h"

using namespace ponder;
using Json = nlohmann::json;

namespace {

const Tokenizer& o200k() {
    static Tokenizer tokenizer = [] {
        auto loaded = load_o200k_harmony();
        if (!loaded) qFatal("%s", loaded.status().to_string().c_str());
        return std::move(*loaded);
    }();
    return tokenizer;
}

const Json& vectors() {
    static const Json json = [] {
        std::ifstream file(std::string(PONDER_TEST_DATA_DIR) + "/tokenizer/o200k_vectors.json");
        return Json::parse(file);
    }();
    return json;
}

std::string from_hex(const std::string& hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes += char(std::stoi(hex.substr(i, 2), nullptr, 16));
    return bytes;
}

std::string shipped_vocabulary_path() {
    auto path = find_resource(kO200kBaseFileName);
    if (!path) qFatal("%s", path.status().to_string().c_str());
    return *path;
}

void write_file(const QString& path, const std::string& content) {
    std::ofstream file(path.toStdString(), std::ios::binary);
    file << content;
}

// A tokenizer.json as Hugging Face's TikTokenConverter writes it for gpt-oss
// (docs/gpt-oss.md §5.3), built from the shipped ranks: byte-level vocab, the 21 added special
// tokens, Split + ByteLevel.
std::string tokenizer_json_from_ranks() {
    auto content = read_text_file(shipped_vocabulary_path(), file_caps::tiktoken);
    auto ranks = parse_tiktoken_ranks(*content, "o200k_base.tiktoken");
    Json vocab = Json::object();
    for (const auto& [bytes, rank] : *ranks)
        vocab[byte_level_encode(bytes)] = rank;
    Json added = Json::array();
    for (const AddedToken& token : harmony_added_tokens()) {
        if (token.id > 200018) continue;
        added.push_back({{"id", token.id},
                         {"content", token.text},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", true}});
    }
    Json root = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", nullptr},
        {"pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers",
           {{{"type", "Split"},
             {"pattern", {{"Regex", std::string(PreTokenizer::o200k_pattern())}}},
             {"behavior", "Isolated"},
             {"invert", false}},
            {{"type", "ByteLevel"},
             {"add_prefix_space", false},
             {"trim_offsets", true},
             {"use_regex", false}}}}}},
        {"post_processor", {{"type", "ByteLevel"}, {"trim_offsets", false}}},
        {"decoder", {{"type", "ByteLevel"}}},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"ignore_merges", true},
          {"vocab", vocab},
          // Not read (merge priority is the id); present so the loader must skip it.
          {"merges", {"\u0120 t", "\u0120 a"}}}},
    };
    return root.dump();
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT
  private slots:
    void shippedVocabulary() {
        QCOMPARE(o200k().vocabulary_size(), size_t(199998));
        QCOMPARE(o200k().id_limit(), 201088);
        QCOMPARE(o200k().source(), shipped_vocabulary_path());
    }

    void vectorCases() {
        QCOMPARE(vectors()["cases"].size(), size_t(35));
        for (const Json& c : vectors()["cases"]) {
            const std::string name = c["name"];
            const std::string text = c["text"];
            QVERIFY2(text == from_hex(c["utf8_hex"]), name.c_str());
            const std::vector<TokenId> expected = c["ids"];
            const std::vector<TokenId> ids = o200k().encode(text);
            QVERIFY2(ids == expected, name.c_str());
            QVERIFY2(o200k().encode_with_special(text) == expected, name.c_str());
            auto decoded = o200k().decode(ids);
            QVERIFY(decoded.ok());
            QVERIFY2(*decoded == text, name.c_str());
        }
    }

    void harmonyCasesAndSpecialIds() {
        for (const auto& [name, id] : vectors()["harmony_special_tokens"].items()) {
            QCOMPARE(o200k().token_id(name), std::optional<TokenId>(id.get<TokenId>()));
            QVERIFY(o200k().is_special(id.get<TokenId>()));
        }
        for (const Json& c : vectors()["harmony_cases"]) {
            const std::string text = c["text"];
            const std::vector<TokenId> expected = c["ids"];
            QVERIFY2(o200k().encode_with_special(text) == expected,
                     c["name"].get<std::string>().c_str());
            QCOMPARE(*o200k().decode(expected), text);
        }
    }

    // docs/gpt-oss.md §5.2 "quick tokenizer checks".
    void specChecks() {
        QCOMPARE(o200k().encode("hello world"), (std::vector<TokenId>{24912, 2375}));
        QCOMPARE(o200k().encode_with_special("<|start|>"), std::vector<TokenId>{200006});
        QCOMPARE(o200k().encode("<|start|>"), (std::vector<TokenId>{27, 91, 5236, 91, 29}));
        QCOMPARE(o200k().encode("assistant"), std::vector<TokenId>{173781});
        QCOMPARE(o200k().encode("analysis"), std::vector<TokenId>{35644});
        QCOMPARE(o200k().encode("final"), std::vector<TokenId>{17196});
        QCOMPARE(o200k().encode(" to"), std::vector<TokenId>{316});
        QCOMPARE(o200k().encode("="), std::vector<TokenId>{28});
        const std::string completion =
            "<|channel|>analysis<|message|>User asks: \"What is 2 + 2?\" Simple arithmetic. "
            "Provide "
            "answer.<|end|><|start|>assistant<|channel|>final<|message|>2 + 2 = 4.<|return|>";
        QCOMPARE(o200k().encode_with_special(completion),
                 (std::vector<TokenId>{200005, 35644, 200008, 1844,  31064, 25,     392,    4827,
                                       382,    220,   17,     659,   220,   17,     16842,  12295,
                                       81645,  13,    51441,  6052,  13,    200007, 200006, 173781,
                                       200005, 17196, 200008, 17,    659,   220,    17,     314,
                                       220,    19,    13,     200002}));
        QCOMPARE(*o200k().decode(std::vector<TokenId>{200014}), std::string("<|reserved_200014|>"));
        QCOMPARE(*o200k().decode(std::vector<TokenId>{201087}), std::string("<|reserved_201087|>"));
        QVERIFY(!o200k().is_special(24912));
    }

    void decodeRefusesUnknownIds() {
        for (TokenId bad : {-1, 201088, 99999999}) {
            auto decoded = o200k().decode(std::vector<TokenId>{24912, bad});
            QVERIFY(!decoded.ok());
            QCOMPARE(decoded.status().code(), StatusCode::invalid_argument);
            QVERIFY(decoded.status().message().find(std::to_string(bad)) != std::string::npos);
            QVERIFY(!o200k().token_bytes(bad));
        }
    }

    // Encoding never fails: bytes that are not UTF-8 are encoded byte-wise and come back exactly.
    void arbitraryBytesRoundTrip() {
        std::mt19937 random(7);
        for (int round = 0; round < 300; ++round) {
            std::string bytes(random() % 200, '\0');
            for (char& byte : bytes)
                byte = char(random() % 4 == 0 ? random() % 256
                                              : "ab \n\xC3\xA9\xE4\xB8\x96"[random() % 9]);
            auto decoded = o200k().decode(o200k().encode(bytes));
            QVERIFY(decoded.ok());
            QVERIFY(*decoded == bytes);
        }
    }

    // A megabyte without a pre-token boundary must not take quadratic time.
    void longPiecesAreFast() {
        const std::string run(1 << 20, 'a');
        QElapsedTimer timer;
        timer.start();
        const std::vector<TokenId> ids = o200k().encode(run);
        QVERIFY2(timer.elapsed() < 20000, std::to_string(timer.elapsed()).c_str());
        QCOMPARE(*o200k().decode(ids), run);
        QVERIFY(ids.size() < run.size() / 4);
    }

    void tokenizerJsonEncodesLikeTiktoken() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        write_file(dir.filePath("tokenizer.json"), tokenizer_json_from_ranks());
        auto hf = load_model_tokenizer(dir.path().toStdString());
        QVERIFY2(hf.ok(), hf.status().to_string().c_str());
        QCOMPARE(hf->source(), dir.filePath("tokenizer.json").toStdString());
        QCOMPARE(hf->vocabulary_size(), size_t(199998));
        QCOMPARE(hf->id_limit(), 200019);
        QCOMPARE(hf->token_id("<|endofprompt|>"), std::optional<TokenId>(200018));
        for (const Json& c : vectors()["cases"]) {
            const std::string text = c["text"];
            QVERIFY2(hf->encode(text) == o200k().encode(text),
                     c["name"].get<std::string>().c_str());
        }
        for (const Json& c : vectors()["harmony_cases"]) {
            const std::string text = c["text"];
            QVERIFY(hf->encode_with_special(text) == c["ids"].get<std::vector<TokenId>>());
        }
        // A folder without tokenizer.json gets the shipped o200k_harmony.
        QTemporaryDir empty;
        auto fallback = load_model_tokenizer(empty.path().toStdString());
        QVERIFY(fallback.ok());
        QCOMPARE(fallback->source(), shipped_vocabulary_path());
        QVERIFY(!load_model_tokenizer(dir.filePath("missing").toStdString()).ok());
    }

    void damagedVocabularyIsRefused() {
        auto content = read_text_file(shipped_vocabulary_path(), file_caps::tiktoken);
        QVERIFY(content.ok());
        QTemporaryDir dir;
        std::string altered = *content;
        altered[100] = altered[100] == 'A' ? 'B' : 'A';
        write_file(dir.filePath("o200k_base.tiktoken"), altered);
        auto loaded = load_tiktoken_tokenizer(dir.filePath("o200k_base.tiktoken").toStdString(),
                                              kO200kBaseSha256, harmony_added_tokens(),
                                              PreTokenizer::o200k_pattern());
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.status().code(), StatusCode::bad_model);
        QVERIFY(loaded.status().message().find("SHA-256") != std::string::npos);

        QVERIFY(!parse_tiktoken_ranks("IQ== 0\nIg==\n", "v.tiktoken").ok());  // no rank on line 2
        auto bad_base64 = parse_tiktoken_ranks("IQ== 0\n*** 1\n", "v.tiktoken");
        QVERIFY(!bad_base64.ok());
        QVERIFY(bad_base64.status().message().find("v.tiktoken:2") != std::string::npos);
        // A vocabulary without every single byte cannot encode arbitrary text.
        write_file(dir.filePath("small.tiktoken"), "IQ== 0\nIg== 1\n");
        auto small = load_vocabulary_file(dir.filePath("small.tiktoken").toStdString());
        QVERIFY(!small.ok());
        QVERIFY(small.status().message().find("byte 0x00") != std::string::npos);
        QVERIFY(!load_vocabulary_file(dir.filePath("absent.tiktoken").toStdString()).ok());
    }

    void badTokenizerJsonIsRefused() {
        // Built as objects rather than raw strings (moc cannot lex some raw string literals).
        Json vocab = Json::object();
        for (int byte = 0; byte < 256; ++byte)
            vocab[byte_level_encode(std::string(1, char(byte)))] = byte;
        const Json split = {{"type", "Split"}, {"pattern", {{"Regex", "\\s+|\\S+"}}}};
        const Json good = {{"model", {{"type", "BPE"}, {"vocab", vocab}}},
                           {"pre_tokenizer", split}};
        QVERIFY(parse_hf_tokenizer_json(good.dump(), "tokenizer.json").ok());
        auto expect_failure = [&](const std::string& json, StatusCode code) {
            auto result = parse_hf_tokenizer_json(json, "tokenizer.json");
            QVERIFY2(!result.ok(), json.substr(0, 80).c_str());
            QCOMPARE(result.status().code(), code);
        };
        auto changed = [&](const char* key, const Json& value) {
            Json json = good;
            json[key] = value;
            return json.dump();
        };
        expect_failure("not json", StatusCode::bad_model);
        expect_failure(changed("pre_tokenizer", nullptr), StatusCode::unsupported);  // no regex
        expect_failure(changed("normalizer", {{"type", "NFC"}}), StatusCode::unsupported);
        // Id 5 is the vocabulary's byte 0x05, with other bytes.
        expect_failure(changed("added_tokens", Json::array({{{"id", 5}, {"content", "<x>"}}})),
                       StatusCode::bad_model);
        expect_failure(
            changed("added_tokens",
                    Json::array({{{"id", 900}, {"content", "<x>"}, {"special", "yes"}}})),
            StatusCode::bad_model);
        expect_failure(changed("model", {{"type", "BPE"}, {"vocab", {{"\u4e16", 0}}}}),
                       StatusCode::bad_model);
        expect_failure(changed("model", {{"type", "Unigram"}, {"vocab", vocab}}),
                       StatusCode::unsupported);
        expect_failure(
            changed("pre_tokenizer", {{"type", "Split"}, {"pattern", {{"Regex", "(("}}}}),
            StatusCode::bad_model);
    }

    // Added tokens that are not special are matched by ordinary encoding too (Hugging Face rule);
    // special ones only by encode_with_special.
    void plainAddedTokens() {
        std::vector<std::pair<std::string, TokenId>> vocabulary;
        for (int byte = 0; byte < 256; ++byte)
            vocabulary.emplace_back(std::string(1, char(byte)), byte);
        auto tokenizer =
            Tokenizer::create(vocabulary, {{"<sep>", 300, false}, {"<eos>", 301, true}},
                              PreTokenizer::o200k_pattern(), "test");
        QVERIFY(tokenizer.ok());
        QCOMPARE(tokenizer->encode("a<sep>b<eos>"),
                 (std::vector<TokenId>{'a', 300, 'b', '<', 'e', 'o', 's', '>'}));
        QCOMPARE(tokenizer->encode_with_special("a<sep>b<eos>"),
                 (std::vector<TokenId>{'a', 300, 'b', 301}));
        QVERIFY(tokenizer->is_added(300) && !tokenizer->is_special(300) &&
                tokenizer->is_special(301));
    }

    void streamingDetokenizerMatchesDecode() {
        StreamingDetokenizer detokenizer(o200k());
        for (const Json& c : vectors()["cases"]) {
            std::string streamed;
            for (TokenId id : c["ids"].get<std::vector<TokenId>>()) {
                const std::string piece = detokenizer.push(id);
                QVERIFY(is_valid_utf8(piece));
                streamed += piece;
            }
            streamed += detokenizer.flush();
            QCOMPARE(streamed, c["text"].get<std::string>());
        }
        // " \xF0\x9F" waits for the rest of its character; at the end it becomes U+FFFD.
        QCOMPARE(detokenizer.push(9552), std::string(" "));
        QVERIFY(detokenizer.has_pending());
        QCOMPARE(detokenizer.flush(), std::string("\uFFFD"));
        std::string text = detokenizer.push(9552);
        text += detokenizer.push(24912);
        QCOMPARE(text, std::string(" \uFFFDhello"));
        QCOMPARE(detokenizer.push(-3), std::string("\uFFFD"));
        QCOMPARE(detokenizer.push(200006), std::string("<|start|>"));
        QVERIFY(detokenizer.flush().empty());
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
