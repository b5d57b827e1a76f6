// Exports: JSON in the documented shape, Markdown for reading, and HTML that model output
// cannot break out of.
#include <QRegularExpression>
#include <nlohmann/json.hpp>
#include <set>

#include "app/core/export/conversation_json.h"
#include "app/core/export/html_export.h"
#include "app/core/export/markdown_export.h"
#include "app/core/storage/timestamps.h"
#include "history_test_support.h"

using namespace history_test;
using Json = nlohmann::json;

class TestHistoryExport : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<HistoryStore> store_;
    Sample sample_;
    ConversationRecord record_;

  private slots:
    void initTestCase() {
        store_ = open_store(path_in(dir_, "export.sqlite3"));
        QVERIFY(store_);
        sample_ = sample_conversation(*store_);
        auto record = store_->load_conversation(sample_.id);
        QVERIFY(record.ok());
        record_ = *record;
    }

    void timestampsAreIsoUtc() {
        QCOMPARE(format_iso8601(0), std::string("1970-01-01T00:00:00Z"));
        QCOMPARE(format_iso8601(1'790'000'004'000), std::string("2026-09-21T14:13:24Z"));
        QCOMPARE(format_iso8601(1'790'000'004'007), std::string("2026-09-21T14:13:24.007Z"));
        QCOMPARE(format_iso8601(-1), std::string("1969-12-31T23:59:59.999Z"));
        for (Timestamp t : {Timestamp(0), Timestamp(1'790'000'004'007), Timestamp(-86'400'001)}) {
            QCOMPARE(parse_iso8601(format_iso8601(t)), std::optional<Timestamp>(t));
        }
        QCOMPARE(parse_iso8601("2026-09-21T16:13:24+02:00"),
                 std::optional<Timestamp>(1'790'000'004'000));
        QCOMPARE(parse_iso8601("2026-09-21T14:13:24.123456Z"),
                 std::optional<Timestamp>(1'790'000'004'123));
        for (const char* bad :
             {"", "yesterday", "2026-02-30T00:00:00Z", "2026-09-21 14:26:44Z",
              "2026-09-21T14:26:44", "2026-09-21T25:00:00Z", "2026-09-21T14:26:44Zjunk"}) {
            QVERIFY2(!parse_iso8601(bad).has_value(), bad);
        }
    }

    void jsonHasTheDocumentedShape() {
        const std::string text = conversation_to_json(record_);
        QVERIFY(text.rfind("{\n  \"format\": \"ponder.conversation\",\n  \"version\": 1,", 0) == 0);
        const Json json = Json::parse(text);
        QCOMPARE(json["id"].get<std::string>(), sample_.id);
        QCOMPARE(json["title"].get<std::string>(), std::string("Oslo weather"));
        QCOMPARE(json["model"].get<std::string>(), std::string("gpt-oss-20b"));
        QCOMPARE(json["sampling"]["temperature"].get<double>(), 0.7);
        QCOMPARE(json["sampling"]["top_k"].get<int>(), 40);
        QCOMPARE(json["sampling"]["seed"].get<int>(), 1234);
        QCOMPARE(json["context_policy"].get<std::string>(), std::string("drop_oldest"));
        QCOMPARE(json["enabled_tools"], Json({"functions.get_temp", "python"}));
        QCOMPARE(json["system"]["reasoning_effort"].get<std::string>(), std::string("high"));
        QCOMPARE(json["system"]["builtin_tools"], Json({"python"}));
        QCOMPARE(json["developer"]["instructions"].get<std::string>(),
                 std::string("Answer briefly.\nUse metric units."));
        QCOMPARE(json["pinned"].get<bool>(), false);

        // Messages: numbered 1..6 in creation order, the tree in parent_id.
        const Json& messages = json["messages"];
        QCOMPARE(messages.size(), size_t(6));
        const std::vector<Json> parents = {nullptr, 1, 2, 3, 4, 1};
        for (size_t i = 0; i < messages.size(); ++i) {
            QCOMPARE(messages[i]["id"].get<int>(), int(i) + 1);
            QCOMPARE(messages[i]["parent_id"], parents[i]);
        }
        QCOMPARE(json["active_leaf_id"].get<int>(), 5);
        QCOMPARE(messages[0]["role"].get<std::string>(), std::string("user"));
        QCOMPARE(messages[0]["created_at"].get<std::string>(), std::string("2026-09-21T14:13:20Z"));
        QVERIFY(messages[0]["channel"].is_null());
        QCOMPARE(messages[1]["channel"].get<std::string>(), std::string("analysis"));
        QCOMPARE(messages[2]["recipient"].get<std::string>(), std::string("functions.get_temp"));
        QCOMPARE(messages[2]["content_type"].get<std::string>(), std::string("<|constrain|>json"));
        QCOMPARE(messages[3]["role"].get<std::string>(), std::string("tool"));
        QCOMPARE(messages[3]["name"].get<std::string>(), std::string("functions.get_temp"));
        QCOMPARE(messages[4]["effort"].get<std::string>(), std::string("high"));
        const Json& metrics = messages[4]["metrics"];
        QCOMPARE(metrics["prompt_tokens"].get<int>(), 180);
        QCOMPARE(metrics["completion_tokens"].get<int>(), 64);
        QCOMPARE(metrics["reasoning_tokens"].get<int>(), 20);
        QCOMPARE(metrics["ttft_ms"].get<int>(), 350);
        QCOMPARE(metrics["reasoning_ms"].get<int>(), 1200);
        QCOMPARE(metrics["tokens_per_second"].get<double>(), 45.5);
        QVERIFY(messages[0]["metrics"].is_null());
        QCOMPARE(messages[5]["state"].get<std::string>(), std::string("stopped"));

        const Json& calls = json["tool_calls"];
        QCOMPARE(calls.size(), size_t(1));
        QCOMPARE(calls[0]["id"].get<int>(), 1);
        QCOMPARE(calls[0]["message_id"].get<int>(), 3);
        QCOMPARE(calls[0]["tool"].get<std::string>(), std::string("functions.get_temp"));
        QCOMPARE(calls[0]["arguments"].get<std::string>(), std::string(R"({"city":"Oslo"})"));
        QCOMPARE(calls[0]["approval"].get<std::string>(), std::string("approved_once"));
        QCOMPARE(calls[0]["result"].get<std::string>(), std::string(R"({"temp":12,"unit":"c"})"));
        QVERIFY(calls[0]["error"].is_null());
        QVERIFY(calls[0]["started_at"].is_string());
        QVERIFY(calls[0]["duration_ms"].is_number_integer());
    }

    void historyFileWrapsConversations() {
        const Json json = Json::parse(history_to_json({record_, record_}));
        QCOMPARE(json["format"].get<std::string>(), std::string("ponder.history"));
        QCOMPARE(json["version"].get<int>(), 1);
        QCOMPARE(json["conversations"].size(), size_t(2));
        QCOMPARE(json["conversations"][1]["format"].get<std::string>(),
                 std::string("ponder.conversation"));
    }

    void markdownShowsTheVisibleBranch() {
        const std::string md = conversation_to_markdown(record_);
        QVERIFY(md.rfind("# Oslo weather\n\n", 0) == 0);
        for (const char* expected :
             {"- **Model:** gpt-oss-20b\n", "- **Reasoning effort:** high\n",
              "- **Sampling:** temperature 0.7, top-p 0.95, top-k 40, min-p off, seed 1234, at "
              "most 2048 tokens per answer\n",
              "- **Tools:** functions.get_temp, python\n", "## User\n\nHow warm is Oslo?\n",
              "## Assistant\n\n<details>\n<summary>Reasoning</summary>\n\nNeed temperature; call "
              "get_temp.\n\n</details>\n",
              "**Tool call** `functions.get_temp` · approved once",
              "```json\n{\"city\":\"Oslo\"}\n```\n",
              "**Tool result** `functions.get_temp`\n\n```\n{\"temp\":12,\"unit\":\"c\"}\n```\n",
              // The answer's own Markdown, code block included, verbatim.
              "It is about **12 °C** in Oslo.\n\n```python\nprint(12)\n```\n",
              "*high effort · 64 tokens (20 reasoning) · 45.5 tokens/s · first token after 0.35 "
              "s · thought for 1.20 s · 180 prompt tokens*",
              "**Developer instructions**\n\n```\nAnswer briefly.\nUse metric units.\n```\n"}) {
            QVERIFY2(md.find(expected) != std::string::npos,
                     (std::string(expected) + "\n---\n" + md).c_str());
        }
        // The other branch (the regenerated answer) is not on the visible path.
        QVERIFY(md.find("Around twelve degrees.") == std::string::npos);

        ExportOptions plain;
        plain.reasoning = false;
        plain.tool_calls = false;
        const std::string short_md = conversation_to_markdown(record_, plain);
        QVERIFY(short_md.find("<details>") == std::string::npos);
        QVERIFY(short_md.find("Tool call") == std::string::npos);
        QVERIFY(short_md.find("It is about **12 °C** in Oslo.") != std::string::npos);
    }

    void markdownFencesSurviveBackticksAndDetailsStayClosed() {
        QCOMPARE(code_fence_for("plain"), std::string("```"));
        QCOMPARE(code_fence_for("a ``` b"), std::string("````"));
        ConversationRecord record = record_;
        for (Message& m : record.messages) {
            if (m.id == sample_.reasoning) m.text = "thinking </details> <summary>x</summary>";
            if (m.id == sample_.call) m.text = "```\nnot the end\n```";
        }
        const std::string md = conversation_to_markdown(record);
        QVERIFY(md.find("thinking &lt;/details> &lt;summary>x&lt;/summary>") != std::string::npos);
        QVERIFY(md.find("````json\n```\nnot the end\n```\n````\n") != std::string::npos);
    }

    void htmlIsSelfContainedAndEscaped() {
        const std::string hostile_title = "</title><script>alert('t')</script>";
        const std::vector<std::string> hostile = {
            "</details><script>alert(1)</script>",
            "<img src=x onerror=alert(2)>",
            "\"><svg onload=alert(3)>",
            "<a href=\"javascript:alert(4)\">click</a>",
            "<iframe src=\"https://evil.example/\"></iframe>",
            "<style>body{background:url(https://evil.example/x.png)}</style>",
            "```\n</code></pre><script>alert(5)</script>\n```",
            "<!-- comment --><![CDATA[x]]>",
        };
        ConversationRecord record = record_;
        record.conversation.title = hostile_title;
        record.conversation.settings.developer_instructions = hostile[0];
        record.conversation.settings.model = hostile[1];
        size_t next = 0;
        for (Message& m : record.messages)
            m.text = hostile[next++ % hostile.size()];
        for (ToolCall& call : record.tool_calls) {
            call.tool_name = hostile[2];
            call.arguments = hostile[3];
            call.error = hostile[4];
        }
        const std::string html = conversation_to_html(record);

        // Every tag in the output is one the exporter writes itself.
        const std::set<QString> allowed = {
            "html", "head", "meta", "title", "style", "body",    "article", "header",
            "h1",   "h2",   "dl",   "dt",    "dd",    "section", "details", "summary",
            "div",  "span", "pre",  "code",  "p",     "footer"};
        const QString page = QString::fromStdString(html);
        QRegularExpression tag("<(/?)([^\\s>/]*)");
        auto it = tag.globalMatch(page);
        int tags = 0;
        while (it.hasNext()) {
            const QString name = it.next().captured(2).toLower();
            if (name == "!doctype") continue;
            QVERIFY2(allowed.count(name), qPrintable("unexpected tag <" + name + ">"));
            ++tags;
        }
        QVERIFY(tags > 20);
        for (const char* forbidden :
             {"<script", "<img", "<svg", "<iframe", "<a ", "<!--", "<![CDATA"}) {
            QVERIFY2(html.find(forbidden) == std::string::npos, forbidden);
        }
        // Nothing to fetch: the only stylesheet is ours and loads nothing.
        const size_t style = html.find("<style>");
        const std::string css = html.substr(style, html.find("</style>") - style);
        QVERIFY(css.find("url(") == std::string::npos && css.find("@import") == std::string::npos);
        // The text is there, escaped.
        QVERIFY(html.find("&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;") !=
                std::string::npos);
        QVERIFY(html.find("<title>&lt;/title&gt;&lt;script&gt;alert(&#39;t&#39;)") !=
                std::string::npos);
        QVERIFY(html.find("&quot;&gt;&lt;svg onload=alert(3)&gt;") != std::string::npos);
        // One <style> (ours), no script, and a policy that would block both anyway.
        QCOMPARE(page.count("<style>"), 1);
        QVERIFY(html.find("Content-Security-Policy\" content=\"default-src 'none'") !=
                std::string::npos);
        // Only the exporter's own attribute values appear.
        QRegularExpression attribute("\\s([a-z-]+)=\"");
        auto attrs = attribute.globalMatch(page);
        while (attrs.hasNext()) {
            const QString name = attrs.next().captured(1);
            QVERIFY2(name == "lang" || name == "charset" || name == "name" || name == "content" ||
                         name == "http-equiv" || name == "class",
                     qPrintable(name));
        }
    }

    void htmlRendersCodeBlocksAndReasoning() {
        const std::string html = conversation_to_html(record_);
        QVERIFY(html.rfind("<!DOCTYPE html>", 0) == 0);
        QVERIFY(html.find("<details class=\"reasoning\"><summary>Reasoning</summary>") !=
                std::string::npos);
        QVERIFY(html.find("<pre><code>print(12)</code></pre>") != std::string::npos);
        QVERIFY(html.find("It is about **12 °C** in Oslo.") != std::string::npos);
        QVERIFY(html.find("45.5 tokens/s") != std::string::npos);
        const std::string all = history_to_html({record_, record_});
        QCOMPARE(QString::fromStdString(all).count("<article>"), 2);
    }
};

QTEST_APPLESS_MAIN(TestHistoryExport)
#include "test_history_export.moc"
