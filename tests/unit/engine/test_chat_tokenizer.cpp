// check_chat_tokenizer (engine/harmony/chat_tokenizer.h): a tokenizer and a model belong together
// only when every id the tokenizer can produce is a row of the model's embedding and the harmony
// format tokens are there (issue 17, defect 5: a folder without its tokenizer.json got the shipped
// o200k vocabulary and failed at the first prompt token, <|start|> = 200006).
#include <QtTest>

#include "engine/harmony/chat_tokenizer.h"
#include "engine/tokenizer/hf_tokenizer_json.h"
#include "engine/tokenizer/o200k_harmony.h"

using namespace ponder;

namespace {

std::string demo_tokenizer_path() {
    return std::string(PONDER_SOURCE_DIR) + "/resources/demo-model/tokenizer.json";
}

bool contains(const Status& status, const std::string& words) {
    return status.message().find(words) != std::string::npos;
}

}  // namespace

class TestChatTokenizer : public QObject {
    Q_OBJECT
  private slots:
    void theShippedVocabularyFitsGptOssOnly() {
        auto o200k = load_o200k_harmony();
        QVERIFY(o200k.ok());
        QVERIFY(harmony::check_chat_tokenizer(*o200k, 201088).ok());       // gpt-oss's embedding
        const Status small = harmony::check_chat_tokenizer(*o200k, 1053);  // the demo model's
        QCOMPARE(small.code(), StatusCode::bad_model);
        QVERIFY2(contains(small, "1053 token ids"), small.message().c_str());
        QVERIFY2(contains(small, "ids up to 201087"), small.message().c_str());
        QVERIFY2(contains(small, "has no tokenizer.json"), small.message().c_str());
        QVERIFY2(contains(small, "put the model's own tokenizer.json"), small.message().c_str());
        QVERIFY(!harmony::check_chat_tokenizer(*o200k, 201087).ok());  // one row short
    }

    void aModelsOwnTokenizerFitsItsModel() {
        auto demo = load_hf_tokenizer_json(demo_tokenizer_path());
        QVERIFY(demo.ok());
        QVERIFY(harmony::check_chat_tokenizer(*demo, 1053).ok());
        QVERIFY(harmony::check_chat_tokenizer(*demo, 201088).ok());  // unused rows are fine
        const Status small = harmony::check_chat_tokenizer(*demo, 1000);
        QCOMPARE(small.code(), StatusCode::bad_model);
        QVERIFY2(contains(small, demo_tokenizer_path()), small.message().c_str());
        QVERIFY2(contains(small, "ids up to 1052"), small.message().c_str());
    }

    void theHarmonyTokensMustBeThere() {
        std::vector<std::pair<std::string, TokenId>> bytes;
        for (int b = 0; b < 256; ++b)
            bytes.emplace_back(std::string(1, static_cast<char>(b)), b);
        auto bare = Tokenizer::create(bytes, {{"<|start|>", 256}, {"<|end|>", 257}},
                                      PreTokenizer::o200k_pattern(), "bare.tiktoken");
        QVERIFY(bare.ok());
        const Status missing = harmony::check_chat_tokenizer(*bare, 258);
        QCOMPARE(missing.code(), StatusCode::bad_model);
        QVERIFY2(contains(missing, "bare.tiktoken has no <|message|> token"),
                 missing.message().c_str());
    }
};

QTEST_GUILESS_MAIN(TestChatTokenizer)
#include "test_chat_tokenizer.moc"
