// `ponder-cli history bench --db NEW_FILE`: fills a new history with synthetic chats (by default
// 10,000 conversations, 1,000,000 messages, one of them 5,000 messages long) through the store's
// own API in one transaction, then times what the app does on that file: the sidebar's first
// page, full-text search, opening the long conversation, purging one, and persisting an answer
// streamed at a steady token rate. Prints a table with the targets.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <thread>

#include "app/cli/cmd_history.h"
#include "app/core/storage/conversation_tree.h"

namespace ponder::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Synthetic text with a Zipf-like word distribution, so the search index has the usual mix of
// very common and rare words. Deterministic (fixed seed) so runs are comparable.
class TextGenerator {
  public:
    TextGenerator() : random_(42) {
        static const char* common[] = {"the",  "a",    "to",    "of",     "and",   "in",
                                       "is",   "it",   "you",   "that",   "for",   "on",
                                       "with", "as",   "this",  "be",     "are",   "can",
                                       "use",  "code", "model", "answer", "value", "file"};
        static const char* syllables[] = {"ka", "lo", "mi", "ne", "ru", "ta", "po", "si", "de",
                                          "ba", "vo", "ge", "fu", "zi", "ha", "ly", "mo", "ri"};
        for (const char* word : common)
            words_.push_back(word);
        std::uniform_int_distribution<size_t> syllable(0, std::size(syllables) - 1);
        while (words_.size() < 6000) {
            std::string word;
            const int count = 2 + static_cast<int>(words_.size() % 3);
            for (int i = 0; i < count; ++i)
                word += syllables[syllable(random_)];
            words_.push_back(word);
        }
        std::vector<double> weights;
        for (size_t rank = 1; rank <= words_.size(); ++rank)
            weights.push_back(1.0 / double(rank));
        pick_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
    }

    std::string text(int words) {
        std::string out;
        for (int i = 0; i < words; ++i) {
            if (i > 0) out += (i % 12 == 0) ? ". " : " ";
            out += words_[pick_(random_)];
        }
        return out + ".";
    }
    std::mt19937_64& random() { return random_; }

  private:
    std::mt19937_64 random_;
    std::vector<std::string> words_;
    std::discrete_distribution<size_t> pick_;
};

struct Plan {
    std::int64_t conversations = 10'000;
    std::int64_t messages = 1'000'000;
    std::int64_t long_conversation = 5'000;
    double stream_seconds = 10;
    double tokens_per_second = 50;
};

// One conversation of `count` messages: user -> reasoning -> answer, repeated, with a tool call
// every 20 exchanges. Words that searches look for later are planted at known rates.
Status fill_conversation(core::HistoryStore& store, TextGenerator& gen, const std::string& title,
                         std::int64_t count, core::Timestamp& clock, std::int64_t& rare_left) {
    auto conversation = store.create_conversation(title);
    if (!conversation) return conversation.status();
    std::optional<core::MessageId> parent;
    for (std::int64_t i = 0; i < count; ++i) {
        core::NewMessage m;
        m.parent = parent;
        m.created_at = clock += 1000;
        switch (i % 3) {
            case 0:
                m.role = core::MessageRole::user;
                m.text = gen.text(15);
                // About one user message in 45,000 mentions quokkas: a rare word.
                if (rare_left > 0 && (clock / 1000) % 45'000 < 3) {
                    m.text += " Do quokkas live on Rottnest?";
                    --rare_left;
                }
                break;
            case 1:
                m.role = core::MessageRole::assistant;
                m.channel = "analysis";
                m.effort = core::ReasoningEffort::medium;
                m.text = gen.text(40);
                break;
            default:
                m.role = core::MessageRole::assistant;
                m.channel = "final";
                m.effort = core::ReasoningEffort::medium;
                m.text = gen.text(60);
                m.metrics.completion_tokens = 140;
                m.metrics.tokens_per_second = 48.5;
                m.metrics.ttft_ms = 180;
                break;
        }
        auto stored = store.append_message(conversation->id, m);
        if (!stored) return stored.status();
        parent = stored->id;
        if (i % 60 == 1) {
            auto call = store.add_tool_call(stored->id, "python", "print(sum(range(10)))",
                                            core::ToolApproval::approved_once);
            if (!call) return call.status();
            Status done = store.finish_tool_call(call->id, std::string("45"), std::nullopt);
            if (!done.ok()) return done;
        }
    }
    return Status::success();
}

Status generate(core::HistoryStore& store, const Plan& plan, std::string& long_id) {
    TextGenerator gen;
    core::Timestamp clock = 1'750'000'000'000;
    std::int64_t rare_left = 25;
    const std::int64_t others = plan.conversations - 1;
    const std::int64_t spread = plan.messages - plan.long_conversation;
    const auto started = Clock::now();
    return store.transaction([&]() -> Status {
        Status status =
            fill_conversation(store, gen, "The long one", plan.long_conversation, clock, rare_left);
        if (!status.ok()) return status;
        auto first = store.list_conversations({1, 0, false});
        if (!first || first->empty()) return Status(StatusCode::internal, "lost the long one");
        long_id = (*first)[0].id;
        for (std::int64_t i = 0; i < others; ++i) {
            const std::int64_t count = spread / others + (i < spread % others ? 1 : 0);
            status = fill_conversation(store, gen, gen.text(4), count, clock, rare_left);
            if (!status.ok()) return status;
            if ((i + 1) % (std::max<std::int64_t>(others / 10, 1)) == 0) {
                std::fprintf(stderr, "  %lld/%lld conversations, %.0f s\n",
                             static_cast<long long>(i + 1), static_cast<long long>(others),
                             ms_since(started) / 1000);
            }
        }
        return Status::success();
    });
}

// Median and worst wall time of `runs` calls of `body` (which returns false on failure), and
// the median CPU time of this process: on a busy machine wall time includes waiting for a core.
struct Timing {
    double median = 0, worst = 0, cpu = 0;
    bool ok = true;
};
template <typename Body>
Timing time_runs(int runs, Body body) {
    std::vector<double> samples, cpu;
    Timing timing;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        const std::clock_t cpu_start = std::clock();
        timing.ok = body() && timing.ok;
        cpu.push_back(1000.0 * double(std::clock() - cpu_start) / CLOCKS_PER_SEC);
        samples.push_back(ms_since(start));
    }
    std::sort(samples.begin(), samples.end());
    std::sort(cpu.begin(), cpu.end());
    timing.median = samples[samples.size() / 2];
    timing.worst = samples.back();
    timing.cpu = cpu[cpu.size() / 2];
    return timing;
}

void row(const std::string& what, const std::string& measured, const std::string& target,
         bool met) {
    std::printf("%-52s %-34s %-12s %s\n", what.c_str(), measured.c_str(), target.c_str(),
                met ? "ok" : "MISSED");
}

std::string millis(const Timing& t) {
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%.2f ms (cpu %.2f, max %.2f)", t.median, t.cpu, t.worst);
    return buffer;
}

}  // namespace

int history_bench(const Words& words) {
    const char* name = "history bench";
    auto args =
        Args::parse(words, {"db", "conversations", "messages", "long", "seconds", "rate"}, {});
    if (!args) return fail(name, args.status().message(), 2);
    auto db = args->require("db");
    if (!db) return fail(name, "needs --db NEW_FILE (it never touches your real history)", 2);
    std::error_code ec;
    if (std::filesystem::exists(*db, ec) && std::filesystem::file_size(*db, ec) > 0) {
        return fail(name, *db + " already exists; the benchmark fills a new file", 2);
    }
    Plan plan;
    auto conversations = args->get_int("conversations", plan.conversations);
    auto messages = args->get_int("messages", plan.messages);
    auto long_one = args->get_int("long", plan.long_conversation);
    auto seconds = args->get_double("seconds", plan.stream_seconds);
    auto rate = args->get_double("rate", plan.tokens_per_second);
    for (const Status& status : {conversations.status(), messages.status(), long_one.status(),
                                 seconds.status(), rate.status()}) {
        if (!status.ok()) return fail(name, status.message(), 2);
    }
    plan = {*conversations, *messages, *long_one, *seconds, *rate};
    if (plan.messages < plan.long_conversation + plan.conversations - 1) {
        return fail(name,
                    "--messages must be at least --long + --conversations - 1 (one message for "
                    "each other conversation), got " +
                        std::to_string(plan.messages),
                    2);
    }

    std::string long_id;
    double generate_s = 0;
    {
        auto store = core::HistoryStore::open(*db);
        if (!store) return fail(name, store.status().message());
        std::fprintf(stderr, "generating %lld conversations, %lld messages...\n",
                     static_cast<long long>(plan.conversations),
                     static_cast<long long>(plan.messages));
        const auto start = Clock::now();
        Status status = generate(**store, plan, long_id);
        if (!status.ok()) return fail(name, status.message());
        Status checkpointed = (*store)->checkpoint();
        if (!checkpointed.ok()) return fail(name, checkpointed.message());
        generate_s = ms_since(start) / 1000;
    }
    const double size_mb = double(std::filesystem::file_size(*db, ec)) / (1024.0 * 1024.0);

    const auto open_start = Clock::now();
    auto store = core::HistoryStore::open(*db);
    if (!store) return fail(name, store.status().message());
    const double open_ms = ms_since(open_start);
    core::HistoryStore& history = **store;

    std::printf(
        "history bench: %lld conversations, %lld messages, %.0f MB, generated in %.1f s "
        "(%.0f messages/s)\n",
        static_cast<long long>(plan.conversations), static_cast<long long>(plan.messages), size_mb,
        generate_s, double(plan.messages) / generate_s);
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) > 0) {
        std::printf(
            "machine: %u cores, load average %.1f (wall times include waiting for a "
            "core when the load exceeds the cores)\n\n",
            std::thread::hardware_concurrency(), load[0]);
    }
    std::printf("%-52s %-34s %-12s\n", "operation (median of runs)",
                "measured: wall (cpu, worst wall)", "target");
    char text[128];
    std::snprintf(text, sizeof text, "%.1f ms", open_ms);
    row("open the database (migrations checked, recovery)", text, "-", true);

    const Timing list = time_runs(20, [&] {
        auto page = history.list_conversations({50, 0, false});
        return page.ok() && page->size() == 50;
    });
    row("list conversations: first page of 50", millis(list), "< 50 ms",
        list.ok && list.median < 50);
    const Timing deep = time_runs(5, [&] {
        return history
            .list_conversations({50, std::max<std::int64_t>(0, plan.conversations - 50), false})
            .ok();
    });
    row("list conversations: last page (offset paging)", millis(deep), "-", deep.ok);

    struct Query {
        const char* label;
        const char* text;
    };
    for (const Query& q : {Query{"search a rare word (\"quokkas\")", "quokkas"},
                           Query{"search two mid-frequency words", "lomi kalo"},
                           Query{"search a word in ~1/6 of messages (\"file\")", "file"},
                           Query{"search a word in most messages (\"the\")", "the"},
                           Query{"search a prefix (\"rottn*\")", "rottn*"}}) {
        size_t found = 0;
        const Timing t = time_runs(5, [&] {
            core::SearchOptions options;
            options.text = q.text;
            auto hits = history.search(options);
            found = hits ? hits->size() : 0;
            return hits.ok();
        });
        row(std::string(q.label) + ", " + std::to_string(found) + " hits", millis(t), "< 100 ms",
            t.ok && t.median < 100);
    }

    size_t path_length = 0;
    const Timing open_long = time_runs(5, [&] {
        auto record = history.load_conversation(long_id);
        if (!record) return false;
        const core::ConversationTree tree(record->messages);
        path_length = tree.active_path(record->conversation.active_leaf).size();
        return record->messages.size() == size_t(plan.long_conversation);
    });
    row("open the " + std::to_string(plan.long_conversation) + "-message conversation (+ path " +
            std::to_string(path_length) + ")",
        millis(open_long), "< 100 ms", open_long.ok && open_long.median < 100);

    // Persisting a streamed answer: deltas at the given token rate into the long conversation.
    auto record = history.load_conversation(long_id);
    if (!record) return fail(name, record.status().message());
    core::NewMessage answer;
    answer.parent = record->conversation.active_leaf;
    answer.role = core::MessageRole::assistant;
    answer.channel = "final";
    answer.state = core::MessageState::generating;
    auto stream = history.start_stream(long_id, answer);
    if (!stream) return fail(name, stream.status().message());
    const auto token_time = std::chrono::duration<double>(1.0 / plan.tokens_per_second);
    const auto tokens = static_cast<std::int64_t>(plan.stream_seconds * plan.tokens_per_second);
    std::vector<double> append_ms;
    TextGenerator gen;
    const auto stream_start = Clock::now();
    for (std::int64_t i = 0; i < tokens; ++i) {
        std::this_thread::sleep_until(stream_start +
                                      std::chrono::duration_cast<Clock::duration>(token_time * i));
        const std::string delta = " " + gen.text(1);
        const auto t = Clock::now();
        Status status = stream->append(delta);
        append_ms.push_back(ms_since(t));
        if (!status.ok()) return fail(name, status.message());
    }
    const auto finish_start = Clock::now();
    Status finished = stream->finish(core::MessageState::complete);
    const double finish_ms = ms_since(finish_start);
    if (!finished.ok()) return fail(name, finished.message());
    const double wall_ms = ms_since(stream_start);
    double total = finish_ms;
    for (double ms : append_ms)
        total += ms;
    std::vector<double> sorted = append_ms;
    std::sort(sorted.begin(), sorted.end());
    const double token_ms = 1000.0 / plan.tokens_per_second;
    std::snprintf(text, sizeof text, "%.4f ms mean", total / double(append_ms.size()));
    row("persist a streamed answer: store time per delta", text,
        "vs " + std::to_string(int(token_ms)) + " ms/token", true);
    std::snprintf(text, sizeof text, "%.3f / %.3f ms", sorted[sorted.size() * 99 / 100],
                  sorted.back());
    row("  p99 / max per delta (a max is a checkpoint commit)", text, "-", true);
    std::snprintf(text, sizeof text, "%lld commits, finish %.2f ms",
                  static_cast<long long>(stream->commits()), finish_ms);
    row("  checkpoints in " + std::to_string(tokens) + " deltas", text, "<= 2/s", true);
    const double overhead = 100.0 * total / wall_ms;
    std::snprintf(text, sizeof text, "%.3f %% of %.1f s", overhead, wall_ms / 1000);
    row("  store time / generation time", text, "< 1 %", overhead < 1.0);

    // Purge cost: the search index is rewritten so the text leaves the file.
    auto list_now = history.list_conversations({1, 5, false});
    if (!list_now || list_now->empty()) return fail(name, "no conversation to purge");
    const auto purge_start = Clock::now();
    Status purged = history.purge_conversation((*list_now)[0].id);
    if (!purged.ok()) return fail(name, purged.message());
    std::snprintf(text, sizeof text, "%.0f ms", ms_since(purge_start));
    row("purge one conversation (rewrites the search index)", text, "-", true);
    return 0;
}

}  // namespace ponder::cli
