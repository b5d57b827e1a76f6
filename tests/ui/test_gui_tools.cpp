// Tools and per-conversation settings in the desktop app, through the objects QML talks to:
// the ChatController with its real worker thread, ChatSession, LocalToolRunner and SQLite
// history, and scripted model outputs (real tokenizer, harmony renderer and parser) in place of
// a model. Covers the approval card's request landing on the right row and being answered
// (once, always, deny, Stop), the tool toggles and shared folder, temperature, top-p and the
// context policy: stored in the file, shown for the open conversation, used by the next turn.
// The last test answers a prompt in the real window (Main.qml) with the keyboard.
#include <QtQml/qqmlextensionplugin.h>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QtTest>

#include "app/core/storage/history_store.h"
#include "app/gui/app_settings.h"
#include "app/gui/chat_controller.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "tests/support/scripted_token_source.h"

using namespace ponder;
using ponder::gui::ChatController;
using ponder::gui::MessageListModel;
using ponder::test::ScriptedTokenSource;

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(PonderGuiPlugin)

namespace {

constexpr int kTurnTimeoutMs = 20000;

// What gpt-oss writes to call a function tool (after "<|start|>assistant").
std::string call(const std::string& tool, const std::string& arguments) {
    return "<|channel|>analysis<|message|>Use the tool.<|end|><|start|>assistant"
           "<|channel|>commentary to=functions." +
           tool + " <|constrain|>json<|message|>" + arguments + "<|call|>";
}

std::string answer(const std::string& text) {
    return "<|channel|>final<|message|>" + text + "<|return|>";
}

// The tool result as the model reads it in the next prompt.
std::string resultInPrompt(const std::string& tool, const std::string& text) {
    return "<|start|>functions." + tool + " to=assistant<|channel|>commentary<|message|>" + text;
}

// A running app minus the window: controller, worker thread, history file, scripted model.
struct App {
    QTemporaryDir dir;
    std::optional<Tokenizer> tokenizer;
    std::unique_ptr<gui::AppSettings> settings;
    std::unique_ptr<ScriptedTokenSource> source;
    std::unique_ptr<ChatController> chat;  // last: stopped before what it uses goes

    explicit App(std::int64_t contextLimit = 8192) {
        auto loaded = load_o200k_harmony();
        if (!loaded) qFatal("no tokenizer: %s", loaded.status().message().c_str());
        tokenizer.emplace(std::move(*loaded));
        settings = std::make_unique<gui::AppSettings>(dir.filePath("settings.ini"), nullptr);
        source = std::make_unique<ScriptedTokenSource>(*tokenizer, contextLimit);
        start();
    }
    ~App() { chat.reset(); }

    QString database() const { return dir.filePath("history.sqlite3"); }

    void start() {
        chat = std::make_unique<ChatController>(settings.get(), database());
        chat->useTokenSource(*source, *tokenizer, QStringLiteral("scripted"));
    }
    // Quits and starts again on the same files (what a restart of the app does).
    void restart() {
        chat.reset();
        start();
    }

    // The conversation as another program reading the file sees it.
    core::ConversationRecord stored(const QString& id) const {
        auto store =
            core::HistoryStore::open(database().toStdString(), {.recover_interrupted = false});
        if (!store) qFatal("cannot reopen the history: %s", store.status().message().c_str());
        return (*store)->load_conversation(id.toStdString()).value();
    }

    // Sends `text` and waits for the turn's end; returns its state.
    QString sendAndWait(const QString& text) {
        QSignalSpy done(chat.get(), &ChatController::turnCompleted);
        chat->send(text);
        if (!done.wait(kTurnTimeoutMs) && done.isEmpty()) return QStringLiteral("(timeout)");
        return done.first().at(1).toString();
    }

    // The tool calls on the chat view's row `row`, as the card reads them.
    QVariantList toolCalls(int row) const {
        MessageListModel* model = chat->messages();
        return model->data(model->index(row), MessageListModel::ToolCallsRole).toList();
    }
    QVariantMap firstCall(int row) const {
        const QVariantList calls = toolCalls(row);
        return calls.isEmpty() ? QVariantMap() : calls.first().toMap();
    }
};

// The first visible item named `name` below `item` (delegates are items, not QObject children).
QQuickItem* findItem(QQuickItem* item, const QString& name) {
    if (item->objectName() == name && item->isVisible()) return item;
    for (QQuickItem* child : item->childItems())
        if (QQuickItem* found = findItem(child, name)) return found;
    return nullptr;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

QVariantMap toolEntry(const QVariantList& tools, const QString& name) {
    for (const QVariant& tool : tools)
        if (tool.toMap().value("name").toString() == name) return tool.toMap();
    return {};
}

}  // namespace

class TestGuiTools : public QObject {
    Q_OBJECT

  private slots:
    void newConversationOffersCalculatorAndTimeOnly() {
        App app;
        app.chat->newConversation();
        const QString id = app.chat->currentConversationId();
        QVERIFY(!id.isEmpty());
        const auto settings = app.stored(id).conversation.settings;
        QVERIFY(contains(settings.enabled_tools, "calculator"));
        QVERIFY(contains(settings.enabled_tools, "current_time"));
        QVERIFY(!contains(settings.enabled_tools, "python"));

        const QVariantList tools = app.chat->options()->tools();
        QCOMPARE(tools.size(), 5);
        QCOMPARE(toolEntry(tools, "calculator").value("enabled").toBool(), true);
        QCOMPARE(toolEntry(tools, "python").value("enabled").toBool(), false);
        // No folder is shared yet: the file tools say why they cannot run.
        QVERIFY(!toolEntry(tools, "read_file").value("unavailableReason").toString().isEmpty());
        QVERIFY(toolEntry(tools, "calculator").value("unavailableReason").toString().isEmpty());
    }

    void approveOnceRunsTheCall() {
        App app;
        app.chat->newConversation();
        const QString id = app.chat->currentConversationId();
        app.source->add_output(call("calculator", R"({"expression": "2 + 3"})"));
        app.source->add_output(answer("2 + 3 = 5"));
        QSignalSpy done(app.chat.get(), &ChatController::turnCompleted);
        app.chat->send("What is 2 + 3?");

        // The request lands on the answer row (row 1, below the question) of this conversation.
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->waitingForApproval(), kTurnTimeoutMs);
        QTRY_COMPARE(app.firstCall(1).value("status").toString(), QString("waiting"));
        const QVariantMap waiting = app.firstCall(1);
        QCOMPARE(waiting.value("awaitingApproval").toBool(), true);
        QCOMPARE(waiting.value("tool").toString(), QString("calculator"));
        QCOMPARE(waiting.value("arguments").toString(),
                 QString("{\n  \"expression\": \"2 + 3\"\n}"));
        QVERIFY(waiting.value("description").toString().contains("arithmetic"));
        // Its id is the stored call's.
        const auto record = app.stored(id);
        QCOMPARE(record.tool_calls.size(), size_t{1});
        QCOMPARE(waiting.value("id").toString(), QString::number(record.tool_calls[0].id));

        // A stale or unknown id does not answer it.
        app.chat->answerToolCall(QString::number(record.tool_calls[0].id + 100), "once");
        app.chat->answerToolCall(waiting.value("id").toString(), "maybe");
        QTest::qWait(200);
        QVERIFY(app.chat->waitingForApproval());
        QCOMPARE(done.count(), 0);

        app.chat->answerToolCall(waiting.value("id").toString(), "once");
        QVERIFY(!app.chat->waitingForApproval());
        QVERIFY(!app.firstCall(1).value("awaitingApproval").toBool());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kTurnTimeoutMs);
        QCOMPARE(done.first().at(1).toString(), QString("complete"));

        const QVariantMap finished = app.firstCall(1);
        QCOMPARE(finished.value("status").toString(), QString("done"));
        QCOMPARE(finished.value("result").toString(), QString(R"({"result": 5})"));
        const auto after = app.stored(id);
        QCOMPARE(after.tool_calls[0].approval, core::ToolApproval::approved_once);
        QCOMPARE(after.tool_calls[0].result.value_or(""), std::string(R"({"result": 5})"));
        QVERIFY(app.source->prompt_text(1).find(resultInPrompt("calculator", R"({"result": 5})")) !=
                std::string::npos);
    }

    void denyTellsTheModel() {
        App app;
        app.chat->newConversation();
        const QString id = app.chat->currentConversationId();
        app.source->add_output(call("calculator", R"({"expression": "1 / 7"})"));
        app.source->add_output(answer("I was not allowed to calculate."));
        QSignalSpy done(app.chat.get(), &ChatController::turnCompleted);
        app.chat->send("What is 1/7?");
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->waitingForApproval(), kTurnTimeoutMs);
        QTRY_COMPARE(app.firstCall(1).value("status").toString(), QString("waiting"));
        app.chat->answerToolCall(app.firstCall(1).value("id").toString(), "deny");
        QCOMPARE(app.firstCall(1).value("status").toString(), QString("denied"));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kTurnTimeoutMs);

        QCOMPARE(app.firstCall(1).value("status").toString(), QString("denied"));
        const auto record = app.stored(id);
        QCOMPARE(record.tool_calls[0].approval, core::ToolApproval::denied);
        QVERIFY(!record.tool_calls[0].result.has_value());
        QVERIFY(app.source->prompt_text(1).find(
                    resultInPrompt("calculator", "Error: the user denied")) != std::string::npos);
    }

    void alwaysAllowsLaterCallsInThatConversationOnly() {
        App app;
        app.chat->newConversation();
        const QString first = app.chat->currentConversationId();
        app.source->add_output(call("calculator", R"({"expression": "6 * 7"})"));
        app.source->add_output(answer("42"));
        QSignalSpy approvals(app.chat.get(), &ChatController::approvalChanged);
        QSignalSpy done(app.chat.get(), &ChatController::turnCompleted);
        app.chat->send("6 times 7?");
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->waitingForApproval(), kTurnTimeoutMs);
        QTRY_COMPARE(app.firstCall(1).value("status").toString(), QString("waiting"));
        app.chat->answerToolCall(app.firstCall(1).value("id").toString(), "always");
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kTurnTimeoutMs);

        // The next call of the same tool runs without asking, even after a restart.
        app.restart();
        app.chat->openConversation(first);
        QSignalSpy approvalsAfter(app.chat.get(), &ChatController::approvalChanged);
        app.source->add_output(call("calculator", R"({"expression": "6 * 8"})"));
        app.source->add_output(answer("48"));
        QCOMPARE(app.sendAndWait("And 6 times 8?"), QString("complete"));
        QCOMPARE(approvalsAfter.count(), 0);
        const auto record = app.stored(first);
        QCOMPARE(record.tool_calls.size(), size_t{2});
        QCOMPARE(record.tool_calls[1].approval, core::ToolApproval::approved_always);
        QCOMPARE(app.firstCall(3).value("status").toString(), QString("done"));

        // Another conversation asks again.
        app.chat->newConversation();
        app.source->add_output(call("calculator", R"({"expression": "1 + 1"})"));
        app.source->add_output(answer("2"));
        QSignalSpy doneThere(app.chat.get(), &ChatController::turnCompleted);
        app.chat->send("1 + 1?");
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->waitingForApproval(), kTurnTimeoutMs);
        app.chat->answerToolCall(app.firstCall(1).value("id").toString(), "deny");
        QTRY_COMPARE_WITH_TIMEOUT(doneThere.count(), 1, kTurnTimeoutMs);
    }

    void stopCancelsAWaitingApproval() {
        App app;
        app.chat->newConversation();
        const QString id = app.chat->currentConversationId();
        app.source->add_output(call("calculator", R"({"expression": "2 ^ 10"})"));
        app.source->add_output(answer("unused"));
        QSignalSpy done(app.chat.get(), &ChatController::turnCompleted);
        app.chat->send("2 to the 10th?");
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->waitingForApproval(), kTurnTimeoutMs);
        QTRY_COMPARE(app.firstCall(1).value("status").toString(), QString("waiting"));
        const QString callId = app.firstCall(1).value("id").toString();

        app.chat->stop();
        QVERIFY(!app.chat->waitingForApproval());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kTurnTimeoutMs);
        QCOMPARE(done.first().at(1).toString(), QString("stopped"));
        // A click that comes too late changes nothing.
        app.chat->answerToolCall(callId, "once");
        QVERIFY(!app.chat->waitingForApproval());

        const auto record = app.stored(id);
        QCOMPARE(record.tool_calls[0].approval, core::ToolApproval::denied);
        QCOMPARE(record.tool_calls[0].error.value_or(""), std::string("stopped by the user"));
        QCOMPARE(app.firstCall(1).value("status").toString(), QString("denied"));
        QCOMPARE(app.source->remaining_outputs(), size_t{1});  // the model was not asked again
    }

    void approvalCardFollowsItsConversation() {
        App app;
        app.chat->newConversation();
        const QString asking = app.chat->currentConversationId();
        app.source->add_output(call("current_time", "{}"));
        app.source->add_output(answer("It is now."));
        QSignalSpy done(app.chat.get(), &ChatController::turnCompleted);
        app.chat->send("What time is it?");
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->waitingForApproval(), kTurnTimeoutMs);
        QTRY_COMPARE(app.firstCall(1).value("status").toString(), QString("waiting"));
        const QString callId = app.firstCall(1).value("id").toString();

        // Looking at another conversation shows no prompt; coming back shows it again.
        app.chat->newConversation();
        QCOMPARE(app.chat->messages()->rowCount(), 0);
        app.chat->openConversation(asking);
        QCOMPARE(app.firstCall(1).value("status").toString(), QString("waiting"));
        QCOMPARE(app.firstCall(1).value("id").toString(), callId);
        app.chat->answerToolCall(callId, "once");
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kTurnTimeoutMs);
        QCOMPARE(app.stored(asking).tool_calls[0].approval, core::ToolApproval::approved_once);
    }

    void toolTogglesAndFolderPersist() {
        App app;
        app.chat->newConversation();
        const QString id = app.chat->currentConversationId();
        gui::ConversationOptions* options = app.chat->options();
        QSignalSpy changed(options, &gui::ConversationOptions::changed);

        // The file tools cannot be turned on before a folder is shared.
        QVERIFY(!options->setToolEnabled("read_file", true));
        QVERIFY(app.chat->notice().contains("no folder"));
        QVERIFY(!contains(app.stored(id).conversation.settings.enabled_tools, "read_file"));
        QVERIFY(!options->setToolEnabled("no_such_tool", true));

        // python: on where its sandbox works here, refused with the reason elsewhere.
        const QString pythonReason =
            toolEntry(options->tools(), "python").value("unavailableReason").toString();
        QCOMPARE(options->setToolEnabled("python", true), pythonReason.isEmpty());
        QCOMPARE(contains(app.stored(id).conversation.settings.enabled_tools, "python"),
                 pythonReason.isEmpty());

        QVERIFY(options->setToolEnabled("calculator", false));
        QVERIFY(!options->setToolFolder(app.dir.filePath("missing")));
        QVERIFY(QDir(app.dir.path()).mkdir("notes"));
        const QString notes = QFileInfo(app.dir.filePath("notes")).canonicalFilePath();
        const int before = changed.count();
        QVERIFY(options->setToolFolder(QUrl::fromLocalFile(app.dir.filePath("notes")).toString()));
        QVERIFY(changed.count() > before);
        QCOMPARE(options->toolFolder(), notes);
        QVERIFY(toolEntry(options->tools(), "read_file")
                    .value("unavailableReason")
                    .toString()
                    .isEmpty());

        // In the file, as another program reads it, and after a restart.
        auto settings = app.stored(id).conversation.settings;
        QCOMPARE(QString::fromStdString(settings.tool_folder), notes);
        QVERIFY(!contains(settings.enabled_tools, "calculator"));
        QVERIFY(contains(settings.enabled_tools, "current_time"));
        QVERIFY(contains(settings.enabled_tools, "read_file"));
        QVERIFY(contains(settings.enabled_tools, "search_files"));
        app.restart();
        app.chat->openConversation(id);
        options = app.chat->options();
        QCOMPARE(options->toolFolder(), notes);
        QCOMPARE(toolEntry(options->tools(), "calculator").value("enabled").toBool(), false);
        QCOMPARE(toolEntry(options->tools(), "search_files").value("enabled").toBool(), true);

        // The next message offers exactly these tools.
        app.source->add_output(answer("Noted."));
        QCOMPARE(app.sendAndWait("Hello"), QString("complete"));
        const std::string prompt = app.source->prompt_text(0);
        QVERIFY(prompt.find("type read_file") != std::string::npos);
        QVERIFY(prompt.find("type search_files") != std::string::npos);
        QVERIFY(prompt.find("type current_time") != std::string::npos);
        QVERIFY(prompt.find("type calculator") == std::string::npos);

        // Unsharing turns the file tools off again.
        QVERIFY(options->setToolFolder(""));
        settings = app.stored(id).conversation.settings;
        QVERIFY(settings.tool_folder.empty());
        QVERIFY(!contains(settings.enabled_tools, "read_file"));
        QVERIFY(!contains(settings.enabled_tools, "search_files"));
    }

    void samplingAndContextPolicyPersist() {
        App app;
        app.chat->newConversation();
        const QString tuned = app.chat->currentConversationId();
        gui::ConversationOptions* options = app.chat->options();
        QCOMPARE(options->temperature(), 1.0);
        QCOMPARE(options->topP(), 1.0);
        QCOMPARE(options->contextPolicy(), QString("error"));

        QVERIFY(options->setTemperature(0.35));
        QVERIFY(options->setTopP(0.9));
        QVERIFY(options->setContextPolicy("drop_oldest"));
        // Refused values leave the stored ones alone and say why.
        QVERIFY(!options->setTemperature(-1));
        QVERIFY(app.chat->notice().contains("temperature"));
        QVERIFY(!options->setTopP(0));
        QVERIFY(!options->setTopP(1.5));
        QVERIFY(!options->setContextPolicy("shrug"));

        auto settings = app.stored(tuned).conversation.settings;
        QCOMPARE(settings.sampling.temperature, 0.35);
        QCOMPARE(settings.sampling.top_p, 0.9);
        QCOMPARE(settings.context_policy, core::ContextPolicy::drop_oldest);
        // Effort written by the controller into the same row is kept, and the other way round.
        app.chat->setEffort("high");
        QVERIFY(options->setTemperature(0.4));
        settings = app.stored(tuned).conversation.settings;
        QCOMPARE(settings.effort, core::ReasoningEffort::high);
        QCOMPARE(settings.sampling.temperature, 0.4);

        // The shown values follow the open conversation.
        app.chat->newConversation();
        const QString plain = app.chat->currentConversationId();
        QCOMPARE(options->temperature(), 1.0);
        QCOMPARE(options->contextPolicy(), QString("error"));
        QSignalSpy changed(options, &gui::ConversationOptions::changed);
        app.chat->openConversation(tuned);
        QVERIFY(changed.count() >= 1);
        QCOMPARE(options->temperature(), 0.4);
        QCOMPARE(options->topP(), 0.9);
        QCOMPARE(options->contextPolicy(), QString("drop_oldest"));

        // The next answer is sampled with them.
        app.source->add_output(answer("Sampled."));
        QCOMPARE(app.sendAndWait("Hi"), QString("complete"));
        QCOMPARE(app.source->samplings().back().temperature, 0.4);
        QCOMPARE(app.source->samplings().back().top_p, 0.9);
        app.chat->openConversation(plain);
        app.source->add_output(answer("Plain."));
        QCOMPARE(app.sendAndWait("Hi"), QString("complete"));
        QCOMPARE(app.source->samplings().back().temperature, 1.0);

        app.restart();
        app.chat->openConversation(tuned);
        QCOMPARE(app.chat->options()->temperature(), 0.4);
        QCOMPARE(app.chat->options()->contextPolicy(), QString("drop_oldest"));
    }

    void contextPolicyDecidesWhatAFullContextDoes() {
        App app(1000);
        app.chat->newConversation();
        const QString id = app.chat->currentConversationId();
        app.source->add_output(answer("ok"));
        QCOMPARE(app.sendAndWait("opening-ping"), QString("complete"));
        // Messages sized so that two fit the 1000-token window (with its 250-token reserve for
        // the answer) and three do not; " word" is one token.
        const qsizetype base = static_cast<qsizetype>(app.source->prompts()[0].size());
        const qsizetype words = (1000 - 250 - base) * 2 / 3;
        QVERIFY2(words > 100, "the prompt without messages is unexpectedly long");
        const QString longMessage = QString("word ").repeated(words) + "second";

        app.source->add_output(answer("ok"));
        QCOMPARE(app.sendAndWait(longMessage), QString("complete"));
        // Full: the default policy refuses and says so.
        QCOMPARE(app.sendAndWait(QString("word ").repeated(words) + "third"), QString("error"));
        QVERIFY(app.chat->notice().contains("context window"));
        QCOMPARE(app.source->prompts().size(), size_t{2});

        QVERIFY(app.chat->options()->setContextPolicy("drop_oldest"));
        app.source->add_output(answer("ok"));
        QCOMPARE(app.sendAndWait(QString("word ").repeated(words) + "fourth"), QString("complete"));
        QVERIFY(app.chat->notice().contains("oldest messages were left out"));
        const std::string prompt = app.source->prompt_text(2);
        QVERIFY(prompt.find("fourth") != std::string::npos);
        QVERIFY(prompt.find("opening-ping") == std::string::npos);
        QVERIFY(!app.stored(id).messages.empty());  // dropped from the prompt, not the history
    }

    void approveInTheWindowWithTheKeyboard() {
        App app;
        QQuickStyle::setStyle(QStringLiteral("Fusion"));
        QQmlApplicationEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/"));
        engine.setInitialProperties({{"settings", QVariant::fromValue(app.settings.get())},
                                     {"chat", QVariant::fromValue(app.chat.get())}});
        engine.load(QUrl(QStringLiteral("qrc:/Ponder/Main.qml")));
        QVERIFY(!engine.rootObjects().isEmpty());
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
        QVERIFY(window != nullptr);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        // The window starts the model it knows (a demo model, where one is installed): let it
        // finish, then answer from the script again.
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->modelState() != QLatin1String("loading"), 120000);
        app.chat->useTokenSource(*app.source, *app.tokenizer, QStringLiteral("scripted"));

        app.chat->newConversation();
        const QString id = app.chat->currentConversationId();
        app.source->add_output(call("calculator", R"({"expression": "19 + 23"})"));
        app.source->add_output(answer("42"));
        QSignalSpy done(app.chat.get(), &ChatController::turnCompleted);
        app.chat->send("What is 19 + 23?");
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->waitingForApproval(), kTurnTimeoutMs);

        // The card's prompt is on screen and has the focus; Space answers "Allow once".
        QQuickItem* allow = nullptr;
        QTRY_VERIFY((allow = findItem(window->contentItem(), "allowOnceButton")) != nullptr);
        QTRY_VERIFY(allow->hasActiveFocus());
        QVERIFY(findItem(window->contentItem(), "denyButton") != nullptr);
        QTest::keyClick(window, Qt::Key_Space);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kTurnTimeoutMs);
        QCOMPARE(done.first().at(1).toString(), QString("complete"));
        QCOMPARE(app.stored(id).tool_calls.at(0).approval, core::ToolApproval::approved_once);
        // The prompt is gone and the composer has the keyboard again.
        QTRY_VERIFY(findItem(window->contentItem(), "allowOnceButton") == nullptr);
        QTRY_VERIFY(window->activeFocusItem() != nullptr &&
                    window->activeFocusItem()->objectName() == QLatin1String("composerInput"));
    }
};

QTEST_MAIN(TestGuiTools)
#include "test_gui_tools.moc"
