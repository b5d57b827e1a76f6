// HistoryStore: finding the conversations a damaged file still names, for salvage.
#include <set>

#include "app/core/storage/history_store.h"
#include "app/core/storage/sql_statements.h"
#include "app/core/storage/sqlite_db.h"

namespace ponder::core {
namespace {

// A damaged leaf of the conversations table holds a few dozen rows; past it, ids are probed
// one at a time. Without a readable max(id) the probing gives up after this many missing ids.
constexpr std::int64_t kProbeWithoutMax = 100'000;

}  // namespace

std::vector<ConversationName> HistoryStore::conversation_names() {
    std::vector<ConversationName> names;
    std::set<std::string> seen;
    auto keep = [&](const Statement& row) {
        ConversationName name{row.column_text(1), row.column_text(2)};
        if (seen.insert(name.id).second) names.push_back(std::move(name));
    };

    // The table in row order. A scan stops at the first damaged page; then each following id is
    // looked up alone until one reads, and the scan resumes after it.
    auto upper = connection_->query_int(sql::kMaxConversationRow);
    auto scan = connection_->prepare(sql::kConversationNamesAfter);
    auto probe = connection_->prepare(sql::kConversationNameAt);
    if (scan && probe) {
        std::int64_t last = 0;
        bool done = false;
        while (!done) {
            scan->reset();
            scan->bind(1, last);
            for (;;) {
                auto row = scan->step();
                if (!row) break;
                if (!*row) {
                    done = true;
                    break;
                }
                last = scan->column_int(0);
                keep(*scan);
            }
            if (done) break;
            const std::int64_t limit = upper ? *upper : last + kProbeWithoutMax;
            bool resumed = false;
            while (!resumed && ++last <= limit) {
                probe->reset();
                auto row = probe->bind(1, last).step();
                if (row && *row) {
                    keep(*probe);
                    resumed = true;
                }
            }
            done = !resumed;
        }
    }

    // The uuid index lives in other pages: it names conversations whose rows are lost.
    auto ids = connection_->prepare(sql::kConversationIdsByIndex);
    if (ids) {
        for (;;) {
            auto row = ids->step();
            if (!row || !*row) break;
            const std::string id = ids->column_text(0);
            if (seen.insert(id).second) names.push_back({id, ""});
        }
    }
    return names;
}

}  // namespace ponder::core
