// Full-text search: what is indexed, snippets with the caller's markers, ranking, the trash,
// and user input that would be FTS5 syntax.
#include "app/core/storage/search_query.h"
#include "history_test_support.h"

using namespace history_test;

namespace {

std::vector<MessageId> message_ids(const std::vector<SearchHit>& hits) {
    std::vector<MessageId> ids;
    for (const SearchHit& hit : hits) {
        if (hit.message_id) ids.push_back(*hit.message_id);
    }
    return ids;
}

SearchOptions query(std::string text) {
    SearchOptions options;
    options.text = std::move(text);
    return options;
}

}  // namespace

class TestHistorySearch : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<HistoryStore> store_;
    std::string trip_;
    MessageId question_ = 0, reasoning_ = 0, answer_ = 0, tool_result_ = 0, many_ = 0;

  private slots:
    void initTestCase() {
        store_ = open_store(path_in(dir_, "search.sqlite3"));
        QVERIFY(store_);
        auto trip = store_->create_conversation("Trip to Bergen");
        trip_ = trip->id;
        question_ = store_
                        ->append_message(trip_, new_message(MessageRole::user,
                                                            "Which café in Bergen serves waffles?"))
                        ->id;
        reasoning_ =
            store_
                ->append_message(trip_,
                                 new_message(MessageRole::assistant,
                                             "The user wants a café. Waffles are common in Norway.",
                                             question_, "analysis"))
                ->id;
        NewMessage result = new_message(MessageRole::tool, "zebra tool output", reasoning_);
        result.author_name = "browser.search";
        tool_result_ = store_->append_message(trip_, result)->id;
        answer_ =
            store_
                ->append_message(
                    trip_,
                    new_message(MessageRole::assistant,
                                "Try Det Lille Kaffekompaniet near the funicular; their waffles "
                                "with brown cheese are famous.",
                                tool_result_, "final"))
                ->id;
        auto other = store_->create_conversation("Cooking");
        many_ = store_
                    ->append_message(
                        other->id,
                        new_message(MessageRole::user, "waffles waffles waffles: a waffles recipe"))
                    ->id;
    }

    void findsAnswersReasoningQuestionsAndTitles() {
        auto hits = store_->search(query("waffles"));
        QVERIFY(hits.ok());
        std::vector<MessageId> ids = message_ids(*hits);
        std::sort(ids.begin(), ids.end());
        std::vector<MessageId> expected = {question_, reasoning_, answer_, many_};
        std::sort(expected.begin(), expected.end());
        QCOMPARE(ids, expected);
        // The message that says it four times ranks first.
        QCOMPARE((*hits)[0].message_id, std::optional<MessageId>(many_));
        for (size_t i = 1; i < hits->size(); ++i)
            QVERIFY((*hits)[i - 1].rank <= (*hits)[i].rank);

        auto title = store_->search(query("bergen"));
        bool title_hit = false;
        for (const SearchHit& hit : *title) {
            if (!hit.message_id) {
                title_hit = true;
                QCOMPARE(hit.conversation_id, trip_);
                QCOMPARE(hit.snippet, std::string("Trip to [Bergen]"));
            }
        }
        QVERIFY(title_hit);
    }

    void hitsSayWhereTheyAreAndHighlightWithTheCallersMarkers() {
        SearchOptions options = query("funicular");
        options.open_marker = "\x01";
        options.close_marker = "\x02";
        options.snippet_tokens = 4;
        auto hits = store_->search(options);
        QCOMPARE(hits->size(), size_t(1));
        const SearchHit& hit = (*hits)[0];
        QCOMPARE(hit.conversation_id, trip_);
        QCOMPARE(hit.conversation_title, std::string("Trip to Bergen"));
        QCOMPARE(hit.message_id, std::optional<MessageId>(answer_));
        QCOMPARE(hit.role, MessageRole::assistant);
        QCOMPARE(hit.channel, std::string("final"));
        QVERIFY2(hit.snippet.find("\x01"
                                  "funicular\x02") != std::string::npos,
                 hit.snippet.c_str());
        QVERIFY2(hit.snippet.find("…") != std::string::npos,
                 hit.snippet.c_str());  // cut to 4 words

        auto reasoning = store_->search(query("norway"));
        QCOMPARE(reasoning->size(), size_t(1));
        QCOMPARE((*reasoning)[0].channel, std::string("analysis"));
    }

    void diacriticsCasePrefixesAndPhrases() {
        QCOMPARE(message_ids(*store_->search(query("CAFE"))).size(), size_t(2));
        QCOMPARE(message_ids(*store_->search(query("kaffe*"))), std::vector<MessageId>{answer_});
        QCOMPARE(message_ids(*store_->search(query("\"brown cheese\""))),
                 std::vector<MessageId>{answer_});
        QVERIFY(store_->search(query("\"cheese brown\""))->empty());
        // All words must match, in any order.
        QCOMPARE(message_ids(*store_->search(query("cheese waffles"))),
                 std::vector<MessageId>{answer_});
    }

    void unspecificWordsAreRankedAmongTheirNewestMatches() {
        SearchOptions options = query("waffles");
        options.rank_window = 2;  // 4 messages match; rank only the newest 2
        auto hits = store_->search(options);
        QVERIFY(hits.ok());
        std::vector<MessageId> ids = message_ids(*hits);
        std::sort(ids.begin(), ids.end());
        QCOMPARE(ids, (std::vector<MessageId>{answer_, many_}));
        options.rank_window = 0;  // everything
        QCOMPARE(message_ids(*store_->search(options)).size(), size_t(4));
        options.rank_window = -1;
        QVERIFY(!store_->search(options).ok());
    }

    void toolOutputIsNotIndexed() { QVERIFY(store_->search(query("zebra"))->empty()); }

    void pagingWalksTheSameOrder() {
        auto all = store_->search(query("waffles"));
        SearchOptions page = query("waffles");
        page.limit = 2;
        page.offset = 1;
        auto second = store_->search(page);
        QCOMPARE(second->size(), size_t(2));
        QCOMPARE((*second)[0].message_id, (*all)[1].message_id);
        QCOMPARE((*second)[1].message_id, (*all)[2].message_id);
        page.snippet_tokens = 0;
        QVERIFY(!store_->search(page).ok());
    }

    void theTrashIsNotSearched() {
        REQUIRE_OK(store_->delete_conversation(trip_));
        QVERIFY(store_->search(query("funicular"))->empty());
        QVERIFY(store_->search(query("bergen"))->empty());
        REQUIRE_OK(store_->restore_conversation(trip_));
        QCOMPARE(store_->search(query("funicular"))->size(), size_t(1));
    }

    void renamedTitlesAreFound() {
        auto c = store_->create_conversation("Plain");
        REQUIRE_OK(store_->rename_conversation(c->id, "Quokka facts"));
        auto hits = store_->search(query("quokka"));
        QCOMPARE(hits->size(), size_t(1));
        QCOMPARE((*hits)[0].conversation_id, c->id);
        QVERIFY(store_->search(query("plain"))->empty());
    }

    void answersAreIndexedOnceFinished() {
        auto c = store_->create_conversation("Streaming");
        NewMessage m = new_message(MessageRole::assistant, "", std::nullopt, "final");
        m.state = MessageState::generating;
        auto stream = store_->start_stream(c->id, m, StreamOptions{std::chrono::milliseconds(0)});
        REQUIRE_OK(stream->append("platypus "));
        QVERIFY(store_->search(query("platypus"))->empty());
        REQUIRE_OK(stream->finish(MessageState::complete));
        QCOMPARE(store_->search(query("platypus"))->size(), size_t(1));
    }

    void userInputNeverBreaksTheQuery() {
        for (const char* text : {"\"",          "\"unclosed",
                                 "AND",         "OR waffles",
                                 "NOT",         "waffles -cheese",
                                 "*",           "(",
                                 ")",           "NEAR(a b)",
                                 "col:waffles", "^waffles",
                                 "a\"b",        "'; DROP TABLE messages; --",
                                 "{}",          "waffles*",
                                 "   ",         "",
                                 "+",           "C++",
                                 "什么",        "\xFF\xFE"}) {
            auto hits = store_->search(query(text));
            QVERIFY2(hits.ok(), (std::string(text) + ": " + hits.status().message()).c_str());
        }
        QVERIFY(store_->search(query("   "))->empty());
        QCOMPARE(*store_->count_messages(), 5LL + 1LL);  // the DROP TABLE did nothing
    }

    void queryBuilderQuotesEverything() {
        QCOMPARE(fts_query("hello world"), std::string("\"hello\" \"world\""));
        QCOMPARE(fts_query("say \"hello there\" now"),
                 std::string("\"say\" \"hello there\" \"now\""));
        QCOMPARE(fts_query("pre*"), std::string("\"pre\"*"));
        QCOMPARE(fts_query("a\"b"), std::string("\"a\" \"b\""));
        QCOMPARE(fts_query("AND -- ()"), std::string("\"AND\""));  // a word, not an operator
        QCOMPARE(fts_query("OR waffles"), std::string("\"OR\" \"waffles\""));
        QCOMPARE(fts_query("\"unclosed phrase"), std::string("\"unclosed\" \"phrase\""));
        QCOMPARE(fts_query("***"), std::string());
    }
};

QTEST_APPLESS_MAIN(TestHistorySearch)
#include "test_history_search.moc"
