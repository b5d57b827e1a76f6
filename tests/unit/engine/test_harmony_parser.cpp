// The harmony stream parser: the reference's parser golden files (docs/gpt-oss.md §6.8), the
// shapes real models emit, malformed and cut-off output, and a property test over random streams.
#include <QtTest>

#include <fstream>
#include <random>
#include <sstream>

#include "engine/harmony/renderer.h"
#include "engine/harmony/stream_parser.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "engine/tokenizer/utf8.h"

using namespace ponder;
using namespace ponder::harmony;

namespace {

const Tokenizer& o200k() {
    static Tokenizer tokenizer = [] {
        auto loaded = load_o200k_harmony();
        if (!loaded) qFatal("%s", loaded.status().to_string().c_str());
        return std::move(*loaded);
    }();
    return tokenizer;
}

std::string golden(const std::string& name) {
    std::ifstream file(std::string(PONDER_TEST_DATA_DIR) + "/harmony/" + name, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    std::string text = content.str();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.pop_back();
    return text;
}

std::vector<TokenId> golden_ids(const std::string& name) {
    std::istringstream words(golden(name));
    std::vector<TokenId> ids;
    TokenId id = 0;
    while (words >> id)
        ids.push_back(id);
    return ids;
}

struct Parse {
    std::vector<ParserEvent> events;
    std::vector<ParsedMessage> messages;
    std::vector<std::string> errors;  // raw texts of error events
};

Parse parse(const std::vector<TokenId>& tokens, std::optional<Role> known_role,
            const Tokenizer& tokenizer = o200k()) {
    auto parser = StreamParser::create(tokenizer, known_role);
    if (!parser) qFatal("%s", parser.status().to_string().c_str());
    Parse result;
    for (TokenId token : tokens)
        parser->push(token, result.events);
    parser->finish(result.events);
    result.messages = collect_messages(result.events);
    for (const ParserEvent& event : result.events) {
        if (event.kind == ParserEvent::Kind::error) result.errors.push_back(event.text);
    }
    return result;
}

Parse parse_text(const std::string& text, std::optional<Role> known_role) {
    return parse(o200k().encode_with_special(text), known_role);
}

Message assistant(std::optional<std::string> channel, std::string text) {
    Message message;
    message.role = Role::assistant;
    message.channel = std::move(channel);
    message.text = std::move(text);
    return message;
}

Message with_call(Message message, std::string recipient, std::string content_type) {
    message.recipient = std::move(recipient);
    message.content_type = std::move(content_type);
    return message;
}

void compare(const std::vector<ParsedMessage>& actual, const std::vector<ParsedMessage>& expected) {
    QCOMPARE(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
        const Message& a = actual[i].message;
        const Message& e = expected[i].message;
        QCOMPARE(role_name(a.role), role_name(e.role));
        QCOMPARE(a.name, e.name);
        QCOMPARE(a.recipient, e.recipient);
        QCOMPARE(a.channel, e.channel);
        QCOMPARE(a.content_type, e.content_type);
        QCOMPARE(a.text, e.text);
        QCOMPARE(int(actual[i].end), int(expected[i].end));
    }
}

}  // namespace

class TestHarmonyParser : public QObject {
    Q_OBJECT
  private slots:
    void goldenSimpleReasoningResponse() {
        Parse result = parse(golden_ids("test_simple_reasoning_response.txt"), Role::assistant);
        QVERIFY(result.errors.empty());
        compare(result.messages,
                {{assistant("analysis",
                            "User asks: \"What is 2 + 2?\" Simple arithmetic. Provide answer."),
                  MessageEnd::return_},
                 {assistant("final", "2 + 2 = 4."), MessageEnd::truncated}});
    }

    void goldenSimpleToolCall() {
        Parse result = parse(golden_ids("test_simple_tool_call.txt"), Role::assistant);
        QVERIFY(result.errors.empty());
        compare(result.messages, {{assistant("analysis",
                                             "User asks: \"What is the weather in Tokyo?\" We need "
                                             "to use lookup_weather tool."),
                                   MessageEnd::return_},
                                  {with_call(assistant("analysis", "{\"location\": \"Tokyo\"}"),
                                             "lookup_weather", "code"),
                                   MessageEnd::truncated}});
    }

    void goldenStreamableParser() {
        const std::string text = golden("test_streamable_parser.txt");
        Parse result = parse_text(text, Role::assistant);
        QVERIFY(result.errors.empty());
        Message tool_response;
        tool_response.role = Role::tool;
        tool_response.name = "browser.search";
        tool_response.recipient = "assistant";
        tool_response.channel = "commentary";
        tool_response.text = "{\"result\": \"https://openai.com/\"}";
        const std::size_t begin = text.find("<|message|>") + 11;
        compare(
            result.messages,
            {{assistant("analysis", text.substr(begin, text.find("<|end|>") - begin)),
              MessageEnd::end},
             {with_call(assistant("commentary",
                                  "{\"query\": \"current US president July 2025\", \"topn\": 10, "
                                  "\"source\": \"news\"}"),
                        "browser.search", "code"),
              MessageEnd::call},
             {tool_response, MessageEnd::end}});
        QVERIFY(result.messages[0].message.text.find("But w\ne need") != std::string::npos);
    }

    void goldenToolResponse() {
        Parse result = parse_text(golden("test_tool_response_parsing.txt"), std::nullopt);
        QVERIFY(result.errors.empty());
        Message expected =
            Message::tool_result("browser.search", "{\"result\": \"https://openai.com/\"}");
        compare(result.messages, {{expected, MessageEnd::truncated}});
    }

    void recipientAfterChannelAndGluedConstrain() {
        const std::string arguments = "{\"latitude\":48.8566,\"longitude\":2.3522}";
        const Message call = with_call(assistant("commentary", arguments), "functions.get_weather",
                                       "<|constrain|>json");
        for (const std::string header : {
                 "<|channel|>commentary to=functions.get_weather <|constrain|>json",  // what models
                                                                                      // emit
                 "<|channel|>commentary to=functions.get_weather<|constrain|>json",   // glued
                 " to=functions.get_weather<|channel|>commentary <|constrain|>json",  // rendered
                                                                                      // form
                 " to=functions.get_weather<|channel|>commentary<|constrain|>json",
             }) {
            Parse result =
                parse_text(header + "<|message|>" + arguments + "<|call|>", Role::assistant);
            QVERIFY2(result.errors.empty(), header.c_str());
            compare(result.messages, {{call, MessageEnd::call}});
            Parse from_start =
                parse_text("<|start|>assistant" + header + "<|message|>" + arguments + "<|call|>",
                           std::nullopt);
            compare(from_start.messages, {{call, MessageEnd::call}});
        }
        Parse constrained_final =
            parse_text("<|channel|>final <|constrain|>json<|message|>{\"result\":true}<|return|>",
                       Role::assistant);
        Message json_final = assistant("final", "{\"result\":true}");
        json_final.content_type = "<|constrain|>json";
        compare(constrained_final.messages, {{json_final, MessageEnd::return_}});
    }

    void missingChannelAndNamedAuthors() {
        compare(parse_text("<|start|>assistant<|message|>Hi<|end|>", std::nullopt).messages,
                {{assistant(std::nullopt, "Hi"), MessageEnd::end}});
        Parse named = parse_text(
            "<|start|>user:alice<|message|>hello<|end|><|start|>functions.get_temp<|message|>{}<|"
            "end|>",
            std::nullopt);
        QCOMPARE(named.messages.size(), size_t(2));
        QCOMPARE(named.messages[0].message.name, std::optional<std::string>("alice"));
        QCOMPARE(role_name(named.messages[1].message.role), std::string_view("tool"));
        QCOMPARE(named.messages[1].message.name, std::optional<std::string>("functions.get_temp"));
    }

    void missingMessageTokenIsRecovered() {
        const std::string rest =
            "<|start|>assistant<|channel|>analysis<|message|>We must refuse<|end|>"
            "<|start|>assistant<|channel|>final<|message|>I'm sorry, but I can't help with "
            "that.<|return|>";
        const std::vector<ParsedMessage> tail = {
            {assistant("analysis", "We must refuse"), MessageEnd::end},
            {assistant("final", "I'm sorry, but I can't help with that."), MessageEnd::return_}};
        Parse plain = parse_text("I must refuse<|end|>" + rest, Role::assistant);
        std::vector<ParsedMessage> expected = {
            {assistant(std::nullopt, "I must refuse"), MessageEnd::end}};
        expected.insert(expected.end(), tail.begin(), tail.end());
        compare(plain.messages, expected);
        QCOMPARE(plain.errors, std::vector<std::string>{"I must refuse"});

        Parse with_channel =
            parse_text("<|channel|>analysis I must refuse<|end|>" + rest, Role::assistant);
        expected[0].message.channel = "analysis";
        compare(with_channel.messages, expected);

        Parse tool = parse_text(
            "... Let's use the tool.<|end|><|start|>assistant to=functions.get_weather"
            "<|channel|>commentary json<|message|>{\"location\": \"Tokyo\"}<|call|>",
            Role::assistant);
        compare(tool.messages,
                {{assistant(std::nullopt, "... Let's use the tool."), MessageEnd::end},
                 {with_call(assistant("commentary", "{\"location\": \"Tokyo\"}"),
                            "functions.get_weather", "json"),
                  MessageEnd::call}});
    }

    void invalidUtf8BecomesReplacementCharacters() {
        const std::vector<TokenId> start =
            o200k().encode_with_special("<|start|>assistant<|message|>");
        auto run = [&](std::vector<TokenId> body) {
            std::vector<TokenId> tokens = start;
            tokens.insert(tokens.end(), body.begin(), body.end());
            tokens.push_back(200007);
            return parse(tokens, std::nullopt).messages.at(0).message.text;
        };
        // Token 9552 is the bytes " \xF0\x9F": a space and the start of a 4-byte character.
        std::vector<TokenId> twice = {9552, 9552};
        for (TokenId id : o200k().encode("worked"))
            twice.push_back(id);
        QCOMPARE(run(twice), std::string(" \uFFFD \uFFFDworked"));
        std::vector<TokenId> then_xy = {9552};
        for (TokenId id : o200k().encode("XY"))
            then_xy.push_back(id);
        QCOMPARE(run(then_xy), std::string(" \uFFFDXY"));
        QCOMPARE(run({999999999}), std::string("\uFFFD"));  // an id outside the vocabulary
    }

    void deltasNeverSplitCharacters() {
        auto parser = StreamParser::create(o200k(), Role::assistant);
        QVERIFY(parser.ok());
        for (TokenId id : o200k().encode_with_special("<|channel|>final<|message|>"))
            parser->push(id);
        const std::vector<TokenId> heart = o200k().encode("\U0001F496");
        QVERIFY(heart.size() >= 2);
        QVERIFY(parser->push(heart[0]).empty());
        std::vector<ParserEvent> events = parser->push(heart[1]);
        QCOMPARE(events.size(), size_t(1));
        QCOMPARE(events[0].text, std::string("\U0001F496"));

        const std::string tricky =
            "Hello M\u00fcller, \u0393\u03b5\u03b9\u03ac, \u05e9\u05dc\u05d5\u05dd, "
            "\u0928\u092e\u0938\u094d\u0924\u0947, "
            "\uc548\ub155\ud558\uc138\uc694, na\u0131\u0308ve "
            "\U0001F44B\U0001F3FE\U0001F468\u200D\U0001F469\U0001F1FA\U0001F1F8.";
        std::string streamed;
        for (TokenId id : o200k().encode(tricky)) {
            for (const ParserEvent& event : parser->push(id)) {
                QVERIFY(is_valid_utf8(event.text));
                streamed += event.text;
            }
        }
        QCOMPARE(streamed, tricky);
    }

    void specialTokensInsideContentAreText() {
        Parse result =
            parse_text("<|channel|>final<|message|>a<|channel|>b<|constrain|>c<|message|><|end|>",
                       Role::assistant);
        compare(result.messages,
                {{assistant("final", "a<|channel|>b<|constrain|>c<|message|>"), MessageEnd::end}});
    }

    void strayAndTruncatedOutput() {
        // Text before the first <|start|> when no role is known, and a doubled terminator.
        Parse stray = parse_text(
            "oops<|start|>assistant<|channel|>final<|message|>ok<|return|><|end|>", std::nullopt);
        compare(stray.messages, {{assistant("final", "ok"), MessageEnd::return_}});
        QCOMPARE(stray.errors, (std::vector<std::string>{"oops", "<|end|>"}));

        // A <|start|> before the terminator ends the open message as truncated.
        Parse restart = parse_text(
            "<|channel|>analysis<|message|>think<|start|>assistant<|channel|>final<|message|>a",
            Role::assistant);
        compare(restart.messages, {{assistant("analysis", "think"), MessageEnd::truncated},
                                   {assistant("final", "a"), MessageEnd::truncated}});

        // Cut off inside a header: no message, the header text comes back as an error.
        Parse in_header = parse_text("<|channel|>analy", Role::assistant);
        QVERIFY(in_header.messages.empty());
        QCOMPARE(in_header.errors, std::vector<std::string>{"<|channel|>analy"});

        // Nothing generated at all.
        QVERIFY(parse({}, Role::assistant).events.empty());

        // Leftover header words are reported, and the message still streams.
        Parse leftover =
            parse_text("<|channel|>final a b c<|message|>text<|end|>", Role::assistant);
        QCOMPARE(leftover.errors.size(), size_t(1));
        QCOMPARE(leftover.messages.size(), size_t(1));
        QCOMPARE(leftover.messages[0].message.text, std::string("text"));
    }

    void parserCanBeReusedAfterFinish() {
        auto parser = StreamParser::create(o200k(), Role::assistant);
        QVERIFY(parser.ok());
        std::vector<ParserEvent> events;
        for (TokenId id : o200k().encode_with_special("<|channel|>final<|message|>one"))
            parser->push(id, events);
        parser->finish(events);
        parser->reset(Role::assistant);
        for (TokenId id : o200k().encode_with_special("<|channel|>final<|message|>two<|return|>"))
            parser->push(id, events);
        QVERIFY(!parser->in_message());
        compare(collect_messages(events), {{assistant("final", "one"), MessageEnd::truncated},
                                           {assistant("final", "two"), MessageEnd::return_}});
    }

    // What the renderer writes, the parser reads back.
    void renderedHistoryParsesBack() {
        Conversation conversation{std::nullopt, std::nullopt, {}};
        conversation.messages = {
            Message::user("How warm is Oslo?"),
            assistant("analysis", "Need temperature; call get_temp."),
            Message::tool_call("functions.get_temp", "{\"city\":\"Oslo\"}"),
            Message::tool_result("functions.get_temp", "{\"temp\":12}"),
            assistant("final", "About 12 \u00b0C \U0001F321."),
        };
        auto tokens = render_tokens(o200k(), conversation, {false});
        QVERIFY(tokens.ok());
        Parse result = parse(*tokens, std::nullopt);
        QVERIFY(result.errors.empty());
        QCOMPARE(result.messages.size(), conversation.messages.size());
        for (std::size_t i = 0; i < result.messages.size(); ++i) {
            QVERIFY2(result.messages[i].message == conversation.messages[i],
                     std::to_string(i).c_str());
        }
        QCOMPARE(int(result.messages[2].end), int(MessageEnd::call));
    }

    // A model with its own small vocabulary and its own special-token ids works through the same
    // code: ids are looked up by name.
    void customVocabulary() {
        std::vector<std::pair<std::string, TokenId>> vocabulary;
        for (int byte = 0; byte < 256; ++byte)
            vocabulary.emplace_back(std::string(1, char(byte)), byte);
        vocabulary.emplace_back("as", 256);
        vocabulary.emplace_back("assistant", 257);
        std::vector<AddedToken> specials;
        TokenId next = 300;
        for (const char* name : {"<|call|>", "<|return|>", "<|constrain|>", "<|channel|>",
                                 "<|start|>", "<|end|>", "<|message|>"}) {
            specials.push_back({name, next++});
        }
        auto tiny = Tokenizer::create(vocabulary, specials, PreTokenizer::o200k_pattern(),
                                      "tiny test vocabulary");
        QVERIFY2(tiny.ok(), tiny.status().to_string().c_str());
        Conversation conversation{
            std::nullopt, std::nullopt, {Message::user("hi"), assistant("final", "ok")}};
        auto tokens = render_prompt_tokens(*tiny, conversation);
        QVERIFY(tokens.ok());
        QCOMPARE(tokens->front(), 304);  // <|start|>
        QCOMPARE(tokens->back(), 257);   // "assistant"
        auto text = tiny->decode(*tokens);
        QCOMPARE(*text, *render_prompt_text(conversation));
        Parse result = parse(tiny->encode_with_special("<|channel|>final<|message|>done<|return|>"),
                             Role::assistant, *tiny);
        compare(result.messages, {{assistant("final", "done"), MessageEnd::return_}});

        auto without_call = Tokenizer::create(vocabulary, {{"<|start|>", 300}},
                                              PreTokenizer::o200k_pattern(), "tiny");
        QVERIFY(without_call.ok());
        auto refused = StreamParser::create(*without_call);
        QVERIFY(!refused.ok());
        QVERIFY(refused.status().message().find("<|end|>") != std::string::npos);
        QVERIFY(!render_prompt_tokens(*without_call, conversation).ok());
    }

    // Random mixes of format tokens, other special tokens, unknown ids and text tokens: the parser
    // never crashes, keeps its events well nested, and every run of text tokens between two format
    // tokens reappears (UTF-8-repaired) in a header, a delta or an error event.
    void randomStreamsLoseNothing() {
        std::mt19937 random(20251128);
        auto ids = FormatTokenIds::lookup(o200k());
        QVERIFY(ids.ok());
        const std::vector<TokenId> format = {200006, 200007, 200008, 200005,
                                             200003, 200002, 200012};
        const std::vector<TokenId> header_words =
            o200k().encode(" to=functions.f assistant user json commentary");
        for (int round = 0; round < 3000; ++round) {
            std::vector<TokenId> tokens(random() % 48);
            for (TokenId& token : tokens) {
                const unsigned pick = random() % 100;
                if (pick < 30) {
                    token = format[random() % format.size()];
                } else if (pick < 34) {
                    token = 199998 + TokenId(random() % 1090);  // other specials and reserved ids
                } else if (pick < 37) {
                    token = pick % 2 ? -7 : 300000;  // not in the vocabulary
                } else if (pick < 50) {
                    token = header_words[random() % header_words.size()];
                } else {
                    token = TokenId(random() % 199998);
                }
            }
            const std::optional<Role> role =
                round % 2 ? std::optional<Role>(Role::assistant) : std::nullopt;
            Parse result = parse(tokens, role);

            std::string transcript;
            bool open = false;
            for (const ParserEvent& event : result.events) {
                switch (event.kind) {
                    case ParserEvent::Kind::message_started:
                        QVERIFY(!open);
                        open = true;
                        transcript += "\xFF" + event.text + "\xFF";
                        break;
                    case ParserEvent::Kind::text_delta:
                        QVERIFY(open);
                        QVERIFY(!event.text.empty() && is_valid_utf8(event.text));
                        transcript += event.text;
                        break;
                    case ParserEvent::Kind::message_ended:
                        QVERIFY(open);
                        open = false;
                        transcript += "\xFF";
                        break;
                    case ParserEvent::Kind::error:
                        transcript += "\xFF" + event.text + "\xFF";
                        break;
                }
            }
            QVERIFY(!open);
            // Returns the first run of text tokens whose text is missing from the transcript.
            auto lost_run = [&]() -> std::optional<std::string> {
                std::string run;
                for (std::size_t i = 0; i <= tokens.size(); ++i) {
                    if (i == tokens.size() || ids->classify(tokens[i])) {
                        const std::string text = utf8_lossy(run);
                        if (!text.empty() && transcript.find(text) == std::string::npos)
                            return text;
                        run.clear();
                    } else if (auto bytes = o200k().token_bytes(tokens[i])) {
                        run += *bytes;
                    } else {
                        run += '\xFF';
                    }
                }
                return std::nullopt;
            };
            if (auto lost = lost_run()) {
                QFAIL(("round " + std::to_string(round) + ": lost '" + *lost + "'").c_str());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestHarmonyParser)
#include "test_harmony_parser.moc"
