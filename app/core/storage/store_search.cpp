// HistoryStore: full-text search over messages and titles.
#include <algorithm>

#include "app/core/storage/history_store.h"
#include "app/core/storage/search_query.h"
#include "app/core/storage/sql_statements.h"
#include "app/core/storage/sqlite_db.h"

namespace ponder::core {

Result<std::vector<SearchHit>> HistoryStore::search(const SearchOptions& options) {
    if (options.limit < 0 || options.offset < 0 || options.rank_window < 0) {
        return Status(StatusCode::invalid_argument,
                      "search limit, offset and rank_window must be >= 0");
    }
    if (options.snippet_tokens < 1 || options.snippet_tokens > 64) {
        return Status(StatusCode::invalid_argument, "snippet_tokens must be in [1, 64], got " +
                                                        std::to_string(options.snippet_tokens));
    }
    const std::string query = fts_query(options.text);
    std::vector<SearchHit> hits;
    if (query.empty() || options.limit == 0) return hits;
    // Messages and titles have separate indexes; take the best `wanted` of each, merge by rank,
    // then cut the page. BM25 from two indexes is not strictly comparable, but both score
    // "how well these words match this text", which is what the order should show.
    const std::int64_t wanted = options.limit + options.offset;

    MessageId lowest = 0;
    if (options.rank_window > 0) {
        auto bound = connection_->cached(sql::kSearchRankBound);
        if (!bound) return bound.status();
        auto row = (*bound)->bind(1, query).bind(2, options.rank_window - 1).step();
        if (!row) return row.status();
        if (*row) lowest = (*bound)->column_int(0);
    }

    auto messages = connection_->cached(sql::kSearchMessages);
    if (!messages) return messages.status();
    (*messages)
        ->bind(1, query)
        .bind(2, options.open_marker)
        .bind(3, options.close_marker)
        .bind(4, options.ellipsis)
        .bind(5, options.snippet_tokens)
        .bind(6, wanted)
        .bind(7, lowest);
    for (;;) {
        auto row = (*messages)->step();
        if (!row) return row.status();
        if (!*row) break;
        SearchHit hit;
        hit.conversation_id = (*messages)->column_text(0);
        hit.conversation_title = (*messages)->column_text(1);
        hit.message_id = (*messages)->column_int(2);
        hit.role = parse_message_role((*messages)->column_text(3)).value_or(MessageRole::user);
        hit.channel = (*messages)->column_text(4);
        hit.snippet = (*messages)->column_text(5);
        hit.rank = (*messages)->column_double(6);
        hits.push_back(std::move(hit));
    }

    auto titles = connection_->cached(sql::kSearchTitles);
    if (!titles) return titles.status();
    (*titles)
        ->bind(1, query)
        .bind(2, options.open_marker)
        .bind(3, options.close_marker)
        .bind(4, wanted);
    for (;;) {
        auto row = (*titles)->step();
        if (!row) return row.status();
        if (!*row) break;
        SearchHit hit;
        hit.conversation_id = (*titles)->column_text(0);
        hit.conversation_title = (*titles)->column_text(1);
        hit.snippet = (*titles)->column_text(2);
        hit.rank = (*titles)->column_double(3);
        hits.push_back(std::move(hit));
    }

    std::stable_sort(hits.begin(), hits.end(),
                     [](const SearchHit& a, const SearchHit& b) { return a.rank < b.rank; });
    const auto from = std::min<size_t>(hits.size(), static_cast<size_t>(options.offset));
    const auto to = std::min<size_t>(hits.size(), static_cast<size_t>(wanted));
    return std::vector<SearchHit>(std::make_move_iterator(hits.begin() + from),
                                  std::make_move_iterator(hits.begin() + to));
}

}  // namespace ponder::core
