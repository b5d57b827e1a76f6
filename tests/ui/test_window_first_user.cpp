// Issue 18's first-user bugs, each in the real window (Main.qml on the real controller, worker
// thread, SQLite history and demo model), driven with the keyboard and mouse as a person would.
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QQuickItem>
#include <QtTest>

#include "tests/support/ui_audit.h"
#include "tests/support/window_harness.h"

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(PonderGuiPlugin)

using namespace ponder;
using ponder::test::WindowApp;

namespace {

QObject* named(WindowApp& app, const char* name) {
    return app.engine->rootObjects().constFirst()->findChild<QObject*>(QString::fromLatin1(name));
}

// Clicks the centre of `item` once it has stopped moving: a banner that has just appeared may
// still be laid out on a loaded machine, and a click at its first position would miss.
void click(WindowApp& app, QQuickItem* item) {
    const auto centre = [item] {
        return item->mapToScene(QPointF(item->width() / 2, item->height() / 2)).toPoint();
    };
    for (int i = 0; i < 50; ++i) {
        const QPoint before = centre();
        QTest::qWait(20);
        if (centre() == before && item->width() > 0) break;
    }
    QTest::mouseClick(app.window, Qt::LeftButton, {}, centre());
}

// Every visible text item below `item`.
void texts(QQuickItem* item, QList<QQuickItem*>& found) {
    if (!item->isVisible()) return;
    if (item->inherits("QQuickText") || item->inherits("QQuickTextEdit")) found.append(item);
    for (QQuickItem* child : item->childItems())
        texts(child, found);
}

double pointSize(QQuickItem* item) {
    return item->property("font").value<QFont>().pointSizeF();
}

}  // namespace

class TestWindowFirstUser : public QObject {
    Q_OBJECT

  private slots:
    // 9: typing right after launch lands in the message box.
    void messageBoxHasTheKeyboardAtStart() {
        WindowApp app;
        QVERIFY(app.open());
        QQuickItem* input = app.find("composerInput");
        QVERIFY(input != nullptr);
        QTRY_VERIFY(input->hasActiveFocus());
        test::typeText(app.window, "What is 2 + 2?");
        QCOMPARE(input->property("text").toString(), QString("What is 2 + 2?"));
        QTest::keyClick(app.window, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(app.chat->messages()->rowCount(), 2, test::kWindowTurnTimeoutMs);
    }

    // 4: effort, tools and sampling work before the first message, on the new conversation.
    void effortToolsAndSamplingBeforeTheFirstMessage() {
        WindowApp app;
        QVERIFY(app.open());
        app.useScript();
        QVERIFY(app.chat->currentConversationId().isEmpty());
        QTest::keyClick(app.window, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(app.chat->currentEffort(), QString("high"));
        QVERIFY(!app.chat->currentConversationId().isEmpty());
        QTRY_COMPARE(app.find("effortLabel")->property("text").toString(), QString("High"));

        click(app, app.find("toolsButton"));
        QTRY_VERIFY(app.find("toolSwitch_calculator") != nullptr);
        QTest::keyClick(app.window, Qt::Key_Escape);
        click(app, app.find("samplingButton"));
        QTRY_VERIFY(app.find("temperatureSlider") != nullptr);
        QTest::keyClick(app.window, Qt::Key_Escape);

        // The first message is sent at the effort chosen: the model reads it.
        app.source->add_output(test::finalAnswer("4"));
        QCOMPARE(app.sendAndWait("What is 2 + 2?"), QString("complete"));
        QVERIFY(app.source->prompt_text(0).find("Reasoning: high") != std::string::npos);
    }

    // 3: the text-size setting sizes message text, and message text is the largest body text.
    void textSizeSettingSizesMessages() {
        WindowApp app;
        QVERIFY(app.open());
        app.useScript();
        app.source->add_output(test::reasonedAnswer("Add.", "The sum is 42."));
        QCOMPARE(app.sendAndWait("What is 23 + 19?"), QString("complete"));
        app.settle();
        QQuickItem* list = app.find("messageList");
        QList<QQuickItem*> found;
        texts(list, found);
        QQuickItem* answer = nullptr;
        for (QQuickItem* t : found)
            if (t->property("text").toString().contains("42")) answer = t;
        QVERIFY(answer != nullptr);
        QCOMPARE(pointSize(answer), 11.0);
        // Nothing else on screen but headings is larger than the messages.
        QList<QQuickItem*> all;
        texts(app.window->contentItem(), all);
        for (QQuickItem* t : all) {
            if (t->property("font").value<QFont>().bold()) continue;  // headings, titles
            QVERIFY2(pointSize(t) <= pointSize(answer),
                     qPrintable(t->property("text").toString() + " is larger than messages"));
        }
        app.settings->setFontSize(16);
        app.settle();
        QCOMPARE(pointSize(answer), 16.0);
        QVERIFY(answer->property("font").value<QFont>().pointSizeF() >
                pointSize(app.find("effortLabel")) - 0.01);
    }

    // 1 and 2: the export menu shows whole names; the save dialog offers a name, says Save, and
    // Enter writes the file.
    void exportMenuAndSaveDialog() {
        WindowApp app;
        QVERIFY(app.open());
        app.useScript();
        app.source->add_output(test::finalAnswer("Exported answer text."));
        QCOMPARE(app.sendAndWait("Export me"), QString("complete"));
        app.chat->renameConversation(app.chat->currentConversationId(), "Sums: for export?");

        QTest::keyClick(app.window, Qt::Key_E, Qt::ControlModifier);
        QObject* menu = named(app, "exportMenu");
        QTRY_VERIFY(menu->property("opened").toBool());
        app.settle();
        const QStringList problems = test::UiAudit(app.window, app.window->grabWindow()).run();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QTest::keyClick(app.window, Qt::Key_Down);
        QTest::keyClick(app.window, Qt::Key_Down);  // "This conversation as Markdown…"
        QTest::keyClick(app.window, Qt::Key_Return);

        QObject* dialog = named(app, "exportDialog");
        QTRY_VERIFY(dialog->property("opened").toBool());
        QQuickItem* field = app.find("exportPathField");
        QVERIFY(field != nullptr);
        const QString path = field->property("text").toString();
        QCOMPARE(QFileInfo(path).fileName(), QString("Sums for export.md"));
        QVERIFY(!QFileInfo::exists(path));
        QQuickItem* save = app.find("exportSaveButton");
        QVERIFY(save != nullptr);
        QCOMPARE(save->property("text").toString(), QString("Save"));
        QTRY_VERIFY(field->hasActiveFocus());
        QTest::keyClick(app.window, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path), 10000);
        auto written = [&] {
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(written().contains("Exported answer text."), 10000);
        QTRY_VERIFY(app.chat->notice().contains("Exported"));

        // A second export suggests a new name rather than replacing the first.
        const QString next = app.chat->suggestedExportPath("md", false);
        QVERIFY(next != path);
        QVERIFY(!QFileInfo::exists(next));
    }

    // 5: Settings follows a theme switched while it is open: its labels and buttons go dark.
    void settingsFollowsTheThemeWhileOpen() {
        WindowApp app;
        QVERIFY(app.open());
        QTest::keyClick(app.window, Qt::Key_Comma, Qt::ControlModifier);
        QObject* dialog = named(app, "settingsDialog");
        QTRY_VERIFY(dialog->property("opened").toBool());
        app.settings->setTheme("dark");
        app.settle();
        auto* content = dialog->property("contentItem").value<QQuickItem*>();
        auto* footer = dialog->property("footer").value<QQuickItem*>();
        QList<QQuickItem*> found;
        texts(content, found);
        texts(footer, found);
        QVERIFY(found.size() > 5);
        const QImage frame = app.window->grabWindow();
        const QStringList problems = test::UiAudit(app.window, frame).run();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        // The button bar is dark too (it stayed white).
        const QPointF corner = footer->mapToScene(QPointF(4, footer->height() / 2));
        QVERIFY(test::relativeLuminance(frame.pixelColor(corner.toPoint())) < 0.1);
    }

    // 6: a folder that is not a model keeps the working model, says why in plain words.
    void failedLoadKeepsTheModel() {
        WindowApp app;
        QVERIFY(app.open());
        if (app.chat->modelState() != QLatin1String("ready") || !app.chat->isDemoModel())
            QSKIP("the demo model is not installed here");
        const QString name = app.chat->modelName();
        QTemporaryDir notAModel;
        app.chat->loadModel(notAModel.path());
        QTRY_COMPARE_WITH_TIMEOUT(app.chat->modelState(), QString("ready"), 20000);
        QCOMPARE(app.chat->modelName(), name);
        QVERIFY(app.chat->composerDisabledReason().isEmpty());
        QVERIFY(app.chat->notice().contains("not a gpt-oss model folder"));
        QVERIFY(app.chat->notice().contains("stays loaded"));
        QVERIFY(!app.chat->notice().contains("layout"));  // 15: no file-format jargon
        // ...and it still answers.
        QCOMPARE(app.sendAndWait("What is 23 + 19?"), QString("complete"));
    }

    // 14: the folder dialog loads the folder it shows, or the highlighted one only when the
    // shown folder holds no model.
    void folderDialogLoadsTheShownFolder() {
        WindowApp app;
        QVERIFY(app.open());
        const QString demo = app.chat->demoModelFolder();
        if (demo.isEmpty()) QSKIP("the demo model is not installed here");
        QTemporaryDir other;
        app.chat->loadModelFromDialog(QUrl::fromLocalFile(demo).toString(),
                                      QUrl::fromLocalFile(other.path()).toString());
        QTRY_COMPARE_WITH_TIMEOUT(app.chat->modelState(), QString("ready"), 60000);
        QVERIFY(app.chat->isDemoModel());
        QVERIFY(app.chat->notice().isEmpty());
        app.chat->loadModelFromDialog(
            QUrl::fromLocalFile(QFileInfo(demo).absolutePath()).toString(),
            QUrl::fromLocalFile(demo).toString());
        QTRY_COMPARE_WITH_TIMEOUT(app.chat->modelState(), QString("ready"), 60000);
        QVERIFY(app.chat->isDemoModel());
        QVERIFY(app.chat->notice().isEmpty());
    }

    // 13 (and 11's "0 tokens"): an answer waiting for approval offers no Regenerate or Copy and
    // no footer; they come when it is done.
    void noActionsOnAnAnswerThatWaits() {
        WindowApp app;
        QVERIFY(app.open());
        app.useScript();
        app.chat->newConversation();
        app.source->add_output(test::toolCall("calculator", R"({"expression": "6 * 7"})"));
        app.source->add_output(test::finalAnswer("42"));
        QSignalSpy done(app.chat.get(), &gui::ChatController::turnCompleted);
        app.chat->send("What is 6 * 7?");
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->waitingForApproval(), test::kWindowTurnTimeoutMs);
        QTRY_VERIFY(app.find("allowOnceButton") != nullptr);
        app.settle();
        QVERIFY(app.find("regenerateButton") == nullptr);
        QVERIFY(app.find("copyButton") == nullptr);
        QVERIFY(app.find("answerFooter") == nullptr);
        QQuickItem* header = app.find("reasoningHeader");
        QVERIFY(header == nullptr || !header->property("text").toString().contains("0 tokens"));
        app.chat->answerToolCall(app.chat->waitingCallId(), "once");
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, test::kWindowTurnTimeoutMs);
        QTRY_VERIFY(app.find("regenerateButton") != nullptr);
        QTRY_VERIFY(app.find("copyButton") != nullptr);
        // Copy says it copied.
        click(app, app.find("copyButton"));
        QTRY_VERIFY(app.find("copyButton")->property("copied").toBool());
        QCOMPARE(app.find("copyButton")->property("text").toString(), QString("Copied"));
        QCOMPARE(QGuiApplication::clipboard()->text(), QString("42"));
    }

    // 15: a failed export says what happened and what to do; the raw message is in Details.
    void errorsInPlainWords() {
        WindowApp app;
        QVERIFY(app.open());
        app.useScript();
        app.source->add_output(test::finalAnswer("ok"));
        QCOMPARE(app.sendAndWait("hi"), QString("complete"));
        app.chat->exportCurrent("md", "/proc/no-such-folder/out.md");
        QTRY_VERIFY_WITH_TIMEOUT(!app.chat->notice().isEmpty(), 10000);
        QVERIFY(app.chat->notice().contains("could not be saved"));
        QVERIFY(!app.chat->noticeDetails().isEmpty());
        QTRY_VERIFY(app.find("noticeDetailsButton") != nullptr);
        QVERIFY(app.find("noticeDetails") == nullptr);
        click(app, app.find("noticeDetailsButton"));
        QTRY_COMPARE(app.find("noticeDetailsButton")->property("text").toString(),
                     QString("Hide details"));
        QTRY_VERIFY(app.find("noticeDetails") != nullptr);
    }

    // 7 and 8: Tab leaves the message box; at 640 px nothing falls off the toolbar.
    void tabLeavesTheMessageBoxAndToolbarFitsAt640() {
        WindowApp app;
        QVERIFY(app.open(QSize(640, 480)));
        QQuickItem* input = app.find("composerInput");
        QTRY_VERIFY(input->hasActiveFocus());
        test::typeText(app.window, "a");
        QTest::keyClick(app.window, Qt::Key_Tab);
        QCOMPARE(input->property("text").toString(), QString("a"));
        QVERIFY(!input->hasActiveFocus());
        app.settle();
        const QRectF window(0, 0, app.window->width(), app.window->height());
        for (const char* name : {"menuButton", "exportButton", "modelButton", "samplingButton",
                                 "toolsButton", "effortSlider", "composerButton"}) {
            QQuickItem* item = app.find(name);
            QVERIFY2(item != nullptr, name);
            QVERIFY2(
                window.contains(item->mapRectToScene(QRectF(0, 0, item->width(), item->height()))),
                name);
        }
    }

    // 10: the Rename field stays inside its dialog.
    void renameFieldFitsItsDialog() {
        WindowApp app;
        QVERIFY(app.open(QSize(640, 480)));
        app.chat->newConversation();
        QObject* dialog = named(app, "renameDialog");
        QVERIFY(QMetaObject::invokeMethod(dialog, "open"));
        QTRY_VERIFY(dialog->property("opened").toBool());
        app.settle();
        const QStringList problems = test::UiAudit(app.window, app.window->grabWindow()).run();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    }
};

QTEST_MAIN(TestWindowFirstUser)
#include "test_window_first_user.moc"
