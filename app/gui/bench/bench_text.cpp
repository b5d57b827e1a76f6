#include "app/gui/bench/bench_text.h"

#include <iterator>

namespace ponder::gui::bench {
namespace {

// The chain of thought of the streamed answer, paragraph by paragraph.
const char* const kThoughts[] = {
    "The user asks why the history search in their desktop app gets slow once the database "
    "grows, and what they can do about it. Let me think about where the time can go: the query "
    "itself, the ranking, building the snippets, and the window drawing the results.",
    "First, the query. With SQLite's FTS5 a MATCH on a common word touches a large part of the "
    "index, and ranking with bm25() costs time for every matching row before LIMIT applies. A "
    "word that occurs in 100,000 messages means 100,000 scores for twenty results. That is "
    "probably most of it.",
    "Second, the snippets: snippet() re-reads the text of each returned row. With LIMIT 20 that "
    "is cheap, but if they build snippets for every match, or on every keystroke, it adds up "
    "quickly, and the cost grows with the length of the messages.",
    "Third, the window. If the search runs on the UI thread, every keystroke blocks the window "
    "for as long as the query takes. A debounce of about 150 ms and a worker thread fix that "
    "whatever the query costs, so I should say that early.",
    "What should the answer contain? A short explanation, a way to measure (EXPLAIN QUERY PLAN "
    "and timing the query with a realistic file), then concrete fixes with code. A table "
    "comparing the options would help, and the SQL for an external-content FTS5 table.",
    "Let me check the numbers I want to quote. bm25 over 150,000 matches at two to three "
    "microseconds each is 0.3 to 0.45 s, which matches what people report. Ranking only the "
    "newest 5,000 matches keeps it near 15 ms. An index on (conversation_id, created_at) helps "
    "the listing, not the search.",
    "I should also mention WAL mode, so reads never wait for the writer that saves a streaming "
    "answer, and the FTS 'optimize' command, which merges index segments after many small "
    "inserts. Both are one line each.",
    "Format: a heading per step, a bullet list of checks, one table, code blocks for SQL and "
    "Python. Keep each section short; the user wants something they can apply today.",
};

// The answer's sections, in turn; "%N" becomes the step number.
const char* const kSections[] = {
    "## Step %N: measure before changing anything\n\n"
    "Search time grows with the number of **matching** messages, not with the size of the file. "
    "Time the query on a copy of a real history, with a common word and a rare one:\n\n"
    "- run `EXPLAIN QUERY PLAN` and check that the FTS index is used;\n"
    "- time the query alone, then with `snippet()` and `bm25()`;\n"
    "- type quickly in the search field and watch whether the window keeps up;\n"
    "- note how many rows match: that number drives the cost.\n\n",

    "### What each part costs (step %N)\n\n"
    "| part | cost grows with | typical time at 150k matches | fix |\n"
    "| --- | --- | --- | --- |\n"
    "| `MATCH` on the index | matching rows | 20 ms | nothing to do |\n"
    "| `bm25()` ranking | matching rows | 300-450 ms | rank the newest N only |\n"
    "| `snippet()` | returned rows | 1 ms | keep `LIMIT` small |\n"
    "| UI thread blocked | query time | the whole query | worker thread + debounce |\n\n",

    "### Rank a window of recent matches (step %N)\n\n"
    "Most people look for something recent. Ranking only the newest matches keeps the best "
    "*recent* results and bounds the cost whatever the word:\n\n"
    "```sql\n"
    "WITH recent AS (\n"
    "  SELECT rowid FROM messages_fts WHERE messages_fts MATCH :query\n"
    "  ORDER BY rowid DESC LIMIT 5000\n"
    ")\n"
    "SELECT m.id, snippet(messages_fts, 0, '[', ']', '…', 16) AS snippet,\n"
    "       bm25(messages_fts) AS rank\n"
    "FROM messages_fts JOIN recent ON recent.rowid = messages_fts.rowid\n"
    "JOIN messages m ON m.id = messages_fts.rowid\n"
    "WHERE messages_fts MATCH :query\n"
    "ORDER BY rank LIMIT 20;\n"
    "```\n\n",

    "### Keep the window responsive (step %N)\n\n"
    "Run the search off the UI thread and wait until the user pauses typing. In Python the "
    "idea fits in a few lines:\n\n"
    "```python\n"
    "import sqlite3, threading\n\n"
    "class Searcher:\n"
    "    def __init__(self, path, on_results, delay=0.15):\n"
    "        self.path, self.on_results, self.delay = path, on_results, delay\n"
    "        self.timer = None\n\n"
    "    def text_changed(self, text):\n"
    "        if self.timer:\n"
    "            self.timer.cancel()\n"
    "        self.timer = threading.Timer(self.delay, self.run, args=(text,))\n"
    "        self.timer.start()\n\n"
    "    def run(self, text):\n"
    "        with sqlite3.connect(self.path) as db:\n"
    "            rows = db.execute(QUERY, {\"query\": text}).fetchall()\n"
    "        self.on_results(text, rows)\n"
    "```\n\n"
    "**Why this works:** the user never waits for a query they already typed past, and a slow "
    "query costs a late result list instead of a frozen window.\n\n",

    "### Housekeeping (step %N)\n\n"
    "1. Turn on WAL (`PRAGMA journal_mode=WAL`) so searches never wait for the writer that "
    "saves the answer being generated.\n"
    "2. Run `INSERT INTO messages_fts(messages_fts) VALUES('optimize')` now and then; it merges "
    "the index segments that many small inserts leave behind.\n"
    "3. Keep `LIMIT` small and page with `OFFSET` only when the user scrolls.\n\n"
    "> If the search is still slow after these steps, the number of matches is the thing to "
    "look at: a word in every other message cannot be ranked for free.\n\n",
};

const char* const kUserSentences[] = {
    "How do I make the search in my notes app faster once there are thousands of entries?",
    "Can you explain the difference between a mutex and a semaphore with an example?",
    "I have a CSV with 2 million rows and pandas runs out of memory.",
    "What's a good way to structure a Qt Quick app so the UI never blocks?",
    "Write a function that merges overlapping intervals.",
    "Why does my Rust code fail to borrow this vector mutably inside the loop?",
    "Please review this SQL query and tell me why it is slow.",
    "Summarise the trade-offs between SQLite and PostgreSQL for a desktop app.",
    "How many tokens per second should I expect from a 20B model on a laptop?",
    "It works now, thanks.",
    "Could you make the example shorter?",
    "What happens if two threads write at the same time?",
};

const char* const kThinkingSentences[] = {
    "The user wants a practical answer, not a lecture, so I should lead with the fix.",
    "Let me recall how the standard library handles this case.",
    "There are two common approaches; the simpler one is probably enough here.",
    "I need to check the edge cases: empty input, a single element, and duplicates.",
    "Memory is the constraint, so streaming the data in chunks is the way to go.",
    "The borrow checker complains because the iterator holds a shared reference.",
    "A worked example with small numbers will make the difference clear.",
    "I should mention the cost in time and memory of each option.",
    "Let me verify the arithmetic: 2 million rows of 40 bytes is about 80 MB.",
    "They may be on Windows, so I will avoid shell-specific commands.",
    "A table comparing the options would be easy to scan.",
    "The answer should end with what to try first.",
    "I am not sure about the exact version where this changed, so I will not quote it.",
    "Sorting by start point first makes the merge a single pass.",
    "Hmm, the query joins before filtering; pushing the filter down should help.",
};

const char* const kAnswerSentences[] = {
    "The short answer is to do the expensive part once and reuse the result.",
    "Sort the intervals by their start, then walk through them and extend the current one "
    "while the next overlaps.",
    "A mutex is owned by one thread at a time; a semaphore counts how many may enter.",
    "Read the file in chunks of 100,000 rows and aggregate as you go, so memory stays flat.",
    "Keep the UI thread for drawing and input, and move everything that can take longer than "
    "a frame to a worker.",
    "The index is not used because the column is wrapped in a function call.",
    "SQLite needs no server and stores everything in one file, which suits a desktop app.",
    "Expect roughly the memory bandwidth divided by the bytes of weights read per token.",
    "Both approaches are correct; the second one is easier to test.",
    "If you need ordering guarantees, add a sequence number to every message.",
    "This version allocates once instead of once per element.",
    "Measure first: the bottleneck is rarely where it seems to be.",
    "The loop now borrows the vector only for the duration of each step.",
    "With these changes the query runs in a few milliseconds on the same data.",
    "You can verify it with a quick benchmark on realistic input.",
};

const char* const kCodeBlocks[] = {
    "```python\ndef merge(intervals):\n    out = []\n    for start, end in sorted(intervals):\n"
    "        if out and start <= out[-1][1]:\n            out[-1][1] = max(out[-1][1], end)\n"
    "        else:\n            out.append([start, end])\n    return out\n```\n",
    "```cpp\nstd::lock_guard<std::mutex> lock(mutex_);\nqueue_.push_back(std::move(item));\n"
    "ready_.notify_one();\n```\n",
    "```sql\nCREATE INDEX messages_by_conversation ON messages(conversation_id, created_at);\n"
    "EXPLAIN QUERY PLAN SELECT * FROM messages WHERE conversation_id = ?;\n```\n",
    "```rust\nfor i in 0..items.len() {\n    let item = &mut items[i];\n    item.count += "
    "1;\n}\n```\n",
};

const char* const kLists[] = {
    "- measure on realistic data\n- change one thing at a time\n- keep the slow case as a test\n",
    "1. sort by start\n2. merge while overlapping\n3. return the merged list\n",
    "- **SQLite**: one file, no server, great for one user\n"
    "- **PostgreSQL**: concurrent writers, more setup\n",
};

const char* const kTables[] = {
    "| option | memory | speed |\n| --- | --- | --- |\n| load all | 2.1 GB | fast |\n"
    "| chunks | 60 MB | fast |\n| database | 20 MB | medium |\n",
    "| primitive | owners | use it for |\n| --- | --- | --- |\n| mutex | 1 | shared state |\n"
    "| semaphore | N | limited resources |\n",
};

const char* const kTitles[] = {
    "Faster note search", "Mutex vs semaphore",  "Pandas out of memory", "Qt Quick threading",
    "Merging intervals",  "Borrow checker loop", "Slow SQL query",       "SQLite or Postgres",
    "Laptop token speed", "Chunked CSV reading",
};

std::string numbered(std::string text, int step) {
    const std::string number = std::to_string(step);
    for (size_t at = text.find("%N"); at != std::string::npos; at = text.find("%N", at))
        text.replace(at, 2, number);
    return text;
}

std::string withoutTrailingNewlines(std::string text) {
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

template <typename T, size_t N>
const T& pick(const T (&pool)[N], std::mt19937_64& random) {
    return pool[std::uniform_int_distribution<size_t>(0, N - 1)(random)];
}

}  // namespace

std::string benchQuestion() {
    return "My desktop app's history search gets slow once there are a few hundred thousand "
           "messages. Why, and what can I do about it?";
}

std::string harmonyAnswer(const Tokenizer& tokenizer, std::int64_t tokens) {
    // The analysis stops at ~45% of the budget, the answer fills the rest; counting each piece
    // on its own is within a token or two of encoding the whole text.
    const std::int64_t thinkingBudget = tokens * 45 / 100;
    std::int64_t used = 0;
    std::string thinking;
    for (size_t i = 0; used < thinkingBudget; ++i) {
        const std::string paragraph = std::string(kThoughts[i % std::size(kThoughts)]) + "\n\n";
        used += static_cast<std::int64_t>(tokenizer.encode(paragraph).size());
        thinking += paragraph;
    }
    std::string answer;
    for (size_t i = 0; used < tokens; ++i) {
        const std::string section =
            numbered(kSections[i % std::size(kSections)], static_cast<int>(i + 1));
        used += static_cast<std::int64_t>(tokenizer.encode(section).size());
        answer += section;
    }
    return "<|channel|>analysis<|message|>" + withoutTrailingNewlines(thinking) +
           "<|end|><|start|>assistant<|channel|>final<|message|>" +
           withoutTrailingNewlines(answer) + "<|return|>";
}

int HistoryText::between(int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random_);
}

std::string HistoryText::sentences(const char* const* pool, std::size_t size, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        if (!out.empty()) out += ' ';
        out += pool[std::uniform_int_distribution<size_t>(0, size - 1)(random_)];
    }
    return out;
}

std::string HistoryText::userMessage() {
    return sentences(kUserSentences, std::size(kUserSentences), between(1, 4));
}

std::string HistoryText::reasoning() {
    std::string text = sentences(kThinkingSentences, std::size(kThinkingSentences), between(2, 6));
    if (between(0, 1) == 1)
        text +=
            "\n\n" + sentences(kThinkingSentences, std::size(kThinkingSentences), between(2, 6));
    return text;
}

std::string HistoryText::answer() {
    std::string text;
    if (between(0, 3) == 0) text += "## " + std::string(pick(kTitles, random_)) + "\n\n";
    const int paragraphs = between(2, 3);
    for (int p = 0; p < paragraphs; ++p) {
        text += sentences(kAnswerSentences, std::size(kAnswerSentences), between(2, 5)) + "\n\n";
        if (p == 0 && between(0, 2) == 0) text += std::string(pick(kLists, random_)) + "\n";
        if (p == 0 && between(0, 5) == 0) text += std::string(pick(kTables, random_)) + "\n";
        if (p == 0 && between(0, 3) == 0) text += std::string(pick(kCodeBlocks, random_)) + "\n";
    }
    return withoutTrailingNewlines(text);
}

std::string HistoryText::title() {
    return pick(kTitles, random_);
}

}  // namespace ponder::gui::bench
