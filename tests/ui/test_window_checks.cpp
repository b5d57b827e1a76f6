// The window as a person meets it, checked in the states they pass through: first start,
// typing right away, a streamed answer with reasoning, a tool call waiting for approval, dark
// theme with Settings open, text size 16, the export menu, the 640 px minimum width. At each
// state the visible item tree is walked (tests/support/ui_audit.h) for cut-off text, controls
// outside their window or popup, and text below 4.5:1 contrast; a screenshot of each state is
// written to <build>/ui-screenshots (or $PONDER_UI_SCREENSHOTS) for people to look at.
// The keyboard test tabs through the whole window and checks the order and the focus ring.
#include <QQuickItem>
#include <QtTest>

#include "tests/support/ui_audit.h"
#include "tests/support/window_harness.h"

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(PonderGuiPlugin)

using namespace ponder;
using ponder::test::WindowApp;

namespace {

QString screenshotFolder() {
    const QString chosen = qEnvironmentVariable("PONDER_UI_SCREENSHOTS");
    const QString folder =
        chosen.isEmpty() ? QStringLiteral(PONDER_BINARY_DIR "/ui-screenshots") : chosen;
    QDir().mkpath(folder);
    return folder;
}

// Renders the state, saves it as `name`.png and lists what the audit found.
QStringList audit(WindowApp& app, const QString& name) {
    app.settle();
    const QImage frame = app.window->grabWindow();
    if (frame.isNull()) return {QStringLiteral("%1: the window could not be grabbed").arg(name)};
    frame.save(screenshotFolder() + "/" + name + ".png");
    QStringList problems = test::UiAudit(app.window, frame).run();
    for (QString& problem : problems)
        problem.prepend(name + ": ");
    return problems;
}

QObject* popup(WindowApp& app, const char* name) {
    return app.engine->rootObjects().constFirst()->findChild<QObject*>(QString::fromLatin1(name));
}

// A conversation with an answer that reasoned, so answers, reasoning and footers are on show.
void answerWithReasoning(WindowApp& app) {
    app.source->add_output(test::reasonedAnswer(
        "The user asks for a sum. 23 + 19: units 3 + 9 = 12, carry 1; tens 2 + 1 + 1 = 4.",
        "**23 + 19 = 42.**\n\nAdd the units (3 + 9 = 12, write 2 carry 1), then the tens."));
    QCOMPARE(app.sendAndWait("What is 23 + 19?"), QString("complete"));
}

#define VERIFY_CLEAN(problems)                                                       \
    do {                                                                             \
        const QStringList found = (problems);                                        \
        QVERIFY2(found.isEmpty(), qPrintable("\n" + found.join(QLatin1Char('\n')))); \
    } while (0)

}  // namespace

class TestWindowChecks : public QObject {
    Q_OBJECT

  private slots:
    void firstStartInBothThemes() {
        for (const QString theme : {"light", "dark"}) {
            WindowApp app([&](gui::AppSettings& s) { s.setTheme(theme); });
            QVERIFY(app.open());
            VERIFY_CLEAN(audit(app, "first-start-" + theme));
            // Typing right away lands in the message box.
            test::typeText(app.window, "hello");
            QTRY_COMPARE(app.find("composerInput")->property("text").toString(), QString("hello"));
        }
    }

    void conversationWithReasoningAndToolInBothThemes() {
        for (const QString theme : {"light", "dark"}) {
            WindowApp app([&](gui::AppSettings& s) {
                s.setTheme(theme);
                s.setReasoningDisplay("expanded");
            });
            QVERIFY(app.open());
            app.useScript();
            answerWithReasoning(app);
            VERIFY_CLEAN(audit(app, "reasoning-open-" + theme));

            app.source->add_output(test::toolCall("calculator", R"({"expression": "347 * 29"})"));
            app.source->add_output(test::finalAnswer("347 × 29 = 10063."));
            QSignalSpy done(app.chat.get(), &gui::ChatController::turnCompleted);
            app.chat->send("What is 347 * 29?");
            QTRY_VERIFY_WITH_TIMEOUT(app.chat->waitingForApproval(), test::kWindowTurnTimeoutMs);
            QTRY_VERIFY(app.find("allowOnceButton") != nullptr);
            VERIFY_CLEAN(audit(app, "tool-approval-" + theme));
            app.chat->answerToolCall(app.chat->waitingCallId(), "once");
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, test::kWindowTurnTimeoutMs);
            VERIFY_CLEAN(audit(app, "tool-done-" + theme));
        }
    }

    void darkThemeWithSettingsOpen() {
        WindowApp app;
        QVERIFY(app.open());
        app.chat->newConversation();
        QVERIFY(QMetaObject::invokeMethod(popup(app, "settingsDialog"), "open"));
        QTRY_VERIFY(popup(app, "settingsDialog")->property("opened").toBool());
        VERIFY_CLEAN(audit(app, "settings-light"));
        // Switched while open, as a person trying the themes does.
        app.settings->setTheme("dark");
        VERIFY_CLEAN(audit(app, "settings-dark"));
    }

    void textSize16() {
        WindowApp app([](gui::AppSettings& s) { s.setFontSize(16); });
        QVERIFY(app.open());
        app.useScript();
        answerWithReasoning(app);
        VERIFY_CLEAN(audit(app, "text-size-16"));
        QTest::keyClick(app.window, Qt::Key_E, Qt::ControlModifier);
        QTRY_VERIFY(popup(app, "exportMenu")->property("opened").toBool());
        VERIFY_CLEAN(audit(app, "text-size-16-export-menu"));
    }

    void exportMenuAtDefaultSize() {
        WindowApp app;
        QVERIFY(app.open());
        app.useScript();
        answerWithReasoning(app);
        QTest::keyClick(app.window, Qt::Key_E, Qt::ControlModifier);
        QTRY_VERIFY(popup(app, "exportMenu")->property("opened").toBool());
        VERIFY_CLEAN(audit(app, "export-menu"));
    }

    void minimumWidth() {
        for (const QString theme : {"light", "dark"}) {
            WindowApp app([&](gui::AppSettings& s) { s.setTheme(theme); });
            QVERIFY(app.open(QSize(640, 720)));
            app.useScript();
            answerWithReasoning(app);
            QCOMPARE(app.window->width(), 640);
            VERIFY_CLEAN(audit(app, "width-640-" + theme));
            for (const char* button : {"samplingButton", "toolsButton"}) {
                QQuickItem* item = app.find(button);
                QVERIFY(item != nullptr);
                QTest::mouseClick(
                    app.window, Qt::LeftButton, {},
                    item->mapToScene(QPointF(item->width() / 2, item->height() / 2)).toPoint());
                app.settle();
                VERIFY_CLEAN(audit(app, QString("width-640-%1-%2").arg(button, theme)));
                QTest::keyClick(app.window, Qt::Key_Escape);
            }
            // The export menu is whole at this width too.
            QTest::keyClick(app.window, Qt::Key_E, Qt::ControlModifier);
            QTRY_VERIFY(popup(app, "exportMenu")->property("opened").toBool());
            VERIFY_CLEAN(audit(app, "width-640-export-menu-" + theme));
        }
    }

    // Tab goes round the whole window: toolbar, then the sidebar (search, New, the list), then
    // the conversation, then the message box and Send, and round again; every stop shows the
    // focus ring around the focused control. Shift+Tab goes back the same way.
    void keyboardGoesEverywhereInOrder() {
        WindowApp app;
        QVERIFY(app.open());
        app.useScript();
        answerWithReasoning(app);
        app.settle();
        QQuickItem* composer = app.find("composerInput");
        QTRY_VERIFY(composer->hasActiveFocus());
        test::typeText(app.window, "draft");  // so that Send is enabled and reachable

        QQuickItem* ring = app.find("focusRing");
        QStringList order;
        for (int i = 0; i < 60; ++i) {
            QTest::keyClick(app.window, Qt::Key_Tab);
            app.settle();
            QQuickItem* focused = app.window->activeFocusItem();
            QVERIFY(focused != nullptr);
            const QString name = focused->objectName().isEmpty()
                                     ? QString::fromLatin1(focused->metaObject()->className())
                                     : focused->objectName();
            order.append(name);
            if (focused == composer) {
                // The message box shows its focus with its own frame, not the ring.
                auto* border = app.find("composerFrame")->property("border").value<QObject*>();
                QVERIFY(border != nullptr);
                QCOMPARE(border->property("width").toReal(), 2.0);
                break;
            }
            // The focus is shown: the ring is up and surrounds the focused control.
            ring = app.find("focusRing");
            QVERIFY2(ring != nullptr,
                     qPrintable(QString("no focus ring on %1 (focus reason %2, visual focus %3)")
                                    .arg(name)
                                    .arg(focused->property("focusReason").toInt())
                                    .arg(focused->property("visualFocus").toBool())));
            const QRectF around = ring->mapRectToScene(QRectF(0, 0, ring->width(), ring->height()));
            const QRectF control =
                focused->mapRectToScene(QRectF(0, 0, focused->width(), focused->height()));
            QVERIFY2(around.contains(control), qPrintable("the ring is not around " + name));
        }
        QCOMPARE(order.last(), QString("composerInput"));
        const QStringList expected = {"effortSlider", "toolsButton",           "samplingButton",
                                      "modelButton",  "exportButton",          "menuButton",
                                      "searchField",  "newConversationButton", "conversationRow",
                                      "copyButton",   "composerInput"};
        qsizetype at = -1;
        for (const QString& stop : expected) {
            const qsizetype found = order.indexOf(stop, at + 1);
            QVERIFY2(found > at,
                     qPrintable(stop + " is not reached in order; order: " + order.join(", ")));
            at = found;
        }
        QVERIFY2(order.contains("composerButton"), qPrintable(order.join(", ")));
        // No tab character was typed on the way.
        QCOMPARE(composer->property("text").toString(), QString("draft"));

        QTest::keyClick(app.window, Qt::Key_Backtab, Qt::ShiftModifier);
        QVERIFY(!composer->hasActiveFocus());
        QCOMPARE(app.window->activeFocusItem()->objectName(), order.at(order.size() - 2));
    }
};

QTEST_MAIN(TestWindowChecks)
#include "test_window_checks.moc"
