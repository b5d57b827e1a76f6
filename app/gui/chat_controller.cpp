#include "app/gui/chat_controller.h"

#include <unistd.h>

#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QRegularExpression>
#include <QStandardPaths>

#include "app/core/model_discovery.h"
#include "app/core/storage/history_types.h"
#include "app/core/tools/builtin_tools.h"
#include "app/gui/local_path.h"
#include "engine/backend/backend_info.h"

namespace ponder::gui {
namespace {

QString gibibytes(double bytes) {
    return QString::number(bytes / (1024.0 * 1024.0 * 1024.0), 'f', 1) + " GiB";
}

}  // namespace

ChatController::ChatController(AppSettings* settings, QString databasePath, QObject* parent)
    : QObject(parent), settings_(settings), databasePath_(std::move(databasePath)) {
    // The UI thread's connection opens first and recovers answers a crash left unfinished.
    auto store = core::HistoryStore::open(databasePath_.toStdString());
    if (!store) {
        historyError_ =
            tr("Your history could not be opened, so nothing will be saved. "
               "Check that the history file's folder exists and can be written.");
        noticeDetails_ = QString::fromStdString(store.status().message());
    } else {
        store_ = std::move(*store);
        // Conversations deleted but not purged (e.g. the app was killed before quitting).
        const auto day_ago = QDateTime::currentMSecsSinceEpoch() - 24 * 3600 * 1000;
        (void)store_->purge_trash(day_ago);
    }

    worker_ = new EngineWorker(databasePath_);
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(this, &ChatController::workerOpenHistory, worker_, &EngineWorker::openHistory);
    connect(this, &ChatController::workerLoadModel, worker_, &EngineWorker::loadModel);
    connect(this, &ChatController::workerRunTurn, worker_, &EngineWorker::runTurn);
    connect(this, &ChatController::workerExport, worker_, &EngineWorker::exportConversations);
    connect(this, &ChatController::workerImport, worker_, &EngineWorker::importFile);
    connect(this, &ChatController::workerSalvage, worker_, &EngineWorker::salvageHistory);
    connect(worker_, &EngineWorker::historyDamaged, this, &ChatController::markHistoryDamaged);
    connect(worker_, &EngineWorker::salvageFinished, this,
            [this](const QString& out, int copied, const QStringList& lost, const QString& error) {
                salvaging_ = false;
                emit historyErrorChanged();
                if (!error.isEmpty()) {
                    setNotice(tr("The conversations could not be copied: %1").arg(error));
                    return;
                }
                useSalvagedHistory(out, copied, lost);
            });

    connect(worker_, &EngineWorker::historyFailed, this, [this](const QString& error) {
        historyError_ =
            tr("Your history could not be opened, so nothing will be saved. "
               "Check that the history file's folder exists and can be written.");
        noticeDetails_ = error;
        emit historyErrorChanged();
        emit noticeChanged();
    });
    connect(worker_, &EngineWorker::loadProgress, this,
            [this](double fraction, const QString& stage) {
                loadProgress_ = fraction;
                loadStage_ = stage;
                emit loadProgressChanged();
            });
    connect(worker_, &EngineWorker::modelLoaded, this, [this](const LoadedModelInfo& info) {
        model_ = info;
        keptModel_.reset();
        modelError_.clear();
        settings_->setModelFolder(info.folder);
        setModelState(QStringLiteral("ready"));
    });
    connect(worker_, &EngineWorker::modelLoadFailed, this,
            [this](const QString& folder, const QString& error, bool modelKept) {
                modelError_ = error;
                if (modelKept && keptModel_) {
                    // The folder was refused before the working model was let go: it stays.
                    model_ = *keptModel_;
                    keptModel_.reset();
                    setModelState(QStringLiteral("ready"));
                    setNotice(tr("%1 could not be loaded, so %2 stays loaded. %3")
                                  .arg(QFileInfo(folder).fileName(), model_.displayName, error));
                    return;
                }
                keptModel_.reset();
                model_ = LoadedModelInfo{};
                model_.folder = folder;
                setModelState(QStringLiteral("error"));
            });
    connect(worker_, &EngineWorker::turnEvents, this, [this](const QList<core::TurnEvent>& events) {
        if (generatingId_ == currentId_) messages_.applyEvents(events);
        // Problems the turn goes on after (e.g. the oldest messages were dropped to fit).
        for (const core::TurnEvent& event : events)
            if (event.kind == core::TurnEvent::Kind::error && !event.text.empty())
                setNotice(QString::fromStdString(event.text));
    });
    connect(worker_, &EngineWorker::approvalRequested, this,
            [this](const core::ApprovalRequest& request) {
                approval_ = request;
                if (QString::fromStdString(request.conversation_id) == currentId_)
                    messages_.showApproval(request);
                emit approvalChanged();
            });
    connect(worker_, &EngineWorker::turnFinished, this,
            [this](const QString& conversationId, const QString& state, const QString& detail) {
                if (approval_) {
                    approval_.reset();
                    emit approvalChanged();
                }
                generatingId_.clear();
                emit generatingChanged();
                emit composerChanged();
                if (state == QLatin1String("error") && !detail.isEmpty() && !historyDamaged_)
                    setNotice(detail);
                // A first turn that failed before storing anything leaves no empty conversation.
                if (state == QLatin1String("error") && store_) {
                    auto discarded = store_->discard_if_empty(conversationId.toStdString());
                    if (discarded && *discarded && conversationId == currentId_) {
                        currentId_.clear();
                        messages_.load({});
                        emit composerChanged();
                    }
                }
                refreshList();
                if (conversationId == currentId_) reloadCurrent();
                emit currentConversationChanged();  // the title may have been set
                emit turnCompleted(conversationId, state);
            });
    connect(worker_, &EngineWorker::exportFinished, this,
            [this](const QString& path, const QString& error) {
                if (error.isEmpty()) {
                    setNotice(tr("Exported to %1").arg(path));
                } else if (error.contains(QLatin1String("nothing was written"))) {
                    // A refused destination (a database, a folder, a pipe): the reason is
                    // already in plain words and names what to do.
                    setNotice(tr("Export failed: %1").arg(error));
                } else {
                    setNotice(tr("The export could not be saved to %1. Check that the folder "
                                 "exists and that you may write there.")
                                  .arg(path),
                              error);
                }
            });
    connect(worker_, &EngineWorker::importFinished, this,
            [this](int count, const QString& firstId, const QString& error) {
                if (!error.isEmpty()) {
                    setNotice(tr("Nothing was imported: the file is not a Ponder JSON export, "
                                 "or it is damaged. Your history is unchanged."),
                              error);
                    return;
                }
                setNotice(tr("Imported %n conversation(s)", nullptr, count));
                refreshList();
                if (!firstId.isEmpty()) openConversation(firstId);
            });
    connect(&options_, &ConversationOptions::failed, this,
            [this](const QString& error) { setNotice(error); });
    connect(this, &ChatController::currentConversationChanged, this,
            [this] { options_.setConversation(store_.get(), currentId_); });
    thread_.setObjectName(QStringLiteral("engine"));
    thread_.start();
    emit workerOpenHistory();
    refreshList();
}

ChatController::~ChatController() {
    worker_->stopFlag().store(true);
    thread_.quit();
    thread_.wait();
    // Deleted this session and not undone: now gone for good (secure delete).
    if (store_) {
        for (const QString& id : deletedThisSession_)
            (void)store_->purge_conversation(id.toStdString());
    }
}

void ChatController::start() {
    QString folder = settings_->modelFolder();
    if (folder.isEmpty() || !QFileInfo::exists(folder)) folder = demoModelFolder();
    if (!folder.isEmpty()) loadModel(folder);
    const QString last = settings_->lastConversationId();
    if (!last.isEmpty() && store_ && store_->conversation(last.toStdString()))
        openConversation(last);
}

// --- conversations ------------------------------------------------------------------------

void ChatController::refreshList() {
    if (!store_) return;
    const QString error = conversations_.refresh(*store_, searchText_);
    if (!error.isEmpty()) setNotice(error);
}

void ChatController::setSearchText(const QString& text) {
    if (text == searchText_) return;
    searchText_ = text;
    emit searchTextChanged();
    refreshList();
}

std::optional<core::Conversation> ChatController::current() const {
    if (!store_ || currentId_.isEmpty()) return std::nullopt;
    auto conversation = store_->conversation(currentId_.toStdString());
    if (!conversation) return std::nullopt;
    return *conversation;
}

QString ChatController::currentTitle() const {
    auto conversation = current();
    return conversation ? QString::fromStdString(conversation->title) : QString();
}

QString ChatController::currentEffort() const {
    auto conversation = current();
    return QString::fromUtf8(core::to_string(conversation ? conversation->settings.effort
                                                          : core::ReasoningEffort::medium)
                                 .data());
}

QString ChatController::currentInstructions() const {
    auto conversation = current();
    return conversation ? QString::fromStdString(conversation->settings.developer_instructions)
                        : QString();
}

void ChatController::newConversation() {
    if (!store_) return;
    core::ConversationSettings settings;
    // A new conversation starts with the effort the user chose last time.
    if (auto previous = current()) settings.effort = previous->settings.effort;
    settings.model = model_.displayName.toStdString();
    settings.sampling = model_.recommendedSampling;
    settings.enabled_tools = core::default_enabled_tools();
    auto created = store_->create_conversation("", settings);
    if (!created) {
        historyProblem(tr("A new conversation could not be started."), created.status());
        return;
    }
    refreshList();
    openConversation(QString::fromStdString(created->id));
}

void ChatController::openConversation(const QString& id) {
    if (!store_) return;
    auto record = store_->load_conversation(id.toStdString());
    if (!record) {
        historyProblem(tr("This conversation could not be opened."), record.status());
        return;
    }
    currentId_ = id;
    settings_->setLastConversationId(id);
    messages_.load(std::move(*record));
    if (approval_ && QString::fromStdString(approval_->conversation_id) == id)
        messages_.showApproval(*approval_);
    emit currentConversationChanged();
    emit composerChanged();
}

void ChatController::reloadCurrent() {
    if (currentId_.isEmpty() || !store_) return;
    auto record = store_->load_conversation(currentId_.toStdString());
    if (record) messages_.load(std::move(*record));
}

void ChatController::renameConversation(const QString& id, const QString& title) {
    if (!store_) return;
    const Status status =
        store_->rename_conversation(id.toStdString(), title.trimmed().toStdString());
    if (!status.ok()) historyProblem(tr("The conversation could not be renamed."), status);
    refreshList();
    emit currentConversationChanged();
}

void ChatController::setPinned(const QString& id, bool pinned) {
    if (!store_) return;
    const Status status = store_->set_pinned(id.toStdString(), pinned);
    if (!status.ok()) historyProblem(tr("The conversation could not be pinned."), status);
    refreshList();
}

void ChatController::deleteConversation(const QString& id) {
    if (!store_ || id == generatingId_) return;
    auto conversation = store_->conversation(id.toStdString());
    const Status status = store_->delete_conversation(id.toStdString());
    if (!status.ok()) {
        historyProblem(tr("The conversation could not be deleted."), status);
        return;
    }
    deletedThisSession_.append(id);
    setNotice(tr("Deleted “%1”")
                  .arg(conversation ? QString::fromStdString(conversation->title) : QString()));
    deletedId_ = id;  // after setNotice, which forgets the previous undo
    emit noticeChanged();
    if (id == currentId_) {
        currentId_.clear();
        messages_.load({});
        emit currentConversationChanged();
        emit composerChanged();
    }
    refreshList();
}

void ChatController::undoDelete() {
    if (!store_ || deletedId_.isEmpty()) return;
    const QString id = deletedId_;
    const Status status = store_->restore_conversation(id.toStdString());
    deletedThisSession_.removeAll(id);
    deletedId_.clear();
    if (status.ok())
        setNotice({});
    else
        historyProblem(tr("The conversation could not be restored."), status);
    refreshList();
    if (status.ok()) openConversation(id);
}

void ChatController::dismissNotice() {
    deletedId_.clear();
    setNotice({});
}

void ChatController::setNotice(const QString& text, const QString& details) {
    // A write of the UI thread's refused because the file is damaged: the banner says so in
    // plain words instead of SQLite's (core's refusals all say "history file is damaged").
    if (store_) {
        if (auto damage = store_->damage()) {
            markHistoryDamaged(QString::fromStdString(*damage));
            if (text.contains(QLatin1String("history file is damaged"))) return;
        }
    }
    notice_ = text;
    // A history error keeps its details until a new notice brings its own.
    if (historyError_.isEmpty() || !text.isEmpty()) noticeDetails_ = details;
    deletedId_.clear();
    emit noticeChanged();
}

void ChatController::historyProblem(const QString& what, const Status& status) {
    setNotice(what + QLatin1Char(' ') +
                  tr("Your history file may be read-only, on a full disk, or damaged; "
                     "nothing else was changed."),
              QString::fromStdString(status.message()));
}

bool ChatController::ensureConversation() {
    if (currentId_.isEmpty()) newConversation();
    return !currentId_.isEmpty();
}

void ChatController::setEffort(const QString& effort) {
    const auto parsed = core::parse_reasoning_effort(effort.toStdString());
    if (!parsed || !ensureConversation()) return;
    auto conversation = current();
    if (!conversation || conversation->settings.effort == *parsed) return;
    core::ConversationSettings settings = conversation->settings;
    settings.effort = *parsed;
    const Status status = store_->update_settings(currentId_.toStdString(), settings);
    if (!status.ok()) historyProblem(tr("The effort could not be saved."), status);
    emit currentConversationChanged();
}

void ChatController::setInstructions(const QString& instructions) {
    auto conversation = current();
    if (!conversation) return;
    core::ConversationSettings settings = conversation->settings;
    settings.developer_instructions = instructions.toStdString();
    const Status status = store_->update_settings(currentId_.toStdString(), settings);
    if (!status.ok()) historyProblem(tr("The instructions could not be saved."), status);
    emit currentConversationChanged();
}

// --- a damaged history --------------------------------------------------------------------

void ChatController::markHistoryDamaged(const QString& detail) {
    if (historyDamaged_) return;
    historyDamaged_ = true;
    noticeDetails_ = detail;
    historyError_ =
        tr("Your history file is damaged. Ponder no longer saves anything to it, so nothing more "
           "is lost. Ponder can copy every conversation that can still be read into a new "
           "history and go on with that; the damaged file is kept.");
    emit historyErrorChanged();
    emit noticeChanged();
    emit composerChanged();
}

void ChatController::salvageHistory() {
    if (!historyDamaged_ || salvaging_ || generating()) return;
    salvaging_ = true;
    emit historyErrorChanged();
    emit workerSalvage(databasePath_ + QStringLiteral(".salvaged-") +
                       QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
}

void ChatController::useSalvagedHistory(const QString& out, int copied, const QStringList& lost) {
    // The worker has closed its connection; with this one closed too, the files can move.
    options_.setConversation(nullptr, {});
    store_.reset();
    const QString kept = databasePath_ + QStringLiteral(".damaged-") +
                         QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QLatin1String sidecars[] = {QLatin1String("-wal"), QLatin1String("-shm")};
    bool moved = QFile::rename(databasePath_, kept);
    for (const QLatin1String& suffix : sidecars) {
        if (moved && QFile::exists(databasePath_ + suffix))
            moved = QFile::rename(databasePath_ + suffix, kept + suffix);
    }
    if (moved && !QFile::rename(out, databasePath_)) {
        // Put the damaged history back rather than leave no history where it was.
        moved = false;
        (void)QFile::rename(kept, databasePath_);
        for (const QLatin1String& suffix : sidecars)
            if (QFile::exists(kept + suffix))
                (void)QFile::rename(kept + suffix, databasePath_ + suffix);
    }
    auto store = core::HistoryStore::open(databasePath_.toStdString());
    emit workerOpenHistory();
    if (!moved || !store) {
        if (store) store_ = std::move(*store);
        historyError_ = tr("The conversations that could be read were copied to %1, but Ponder "
                           "could not put that file in place of the damaged one.")
                            .arg(out);
        if (!store) noticeDetails_ = QString::fromStdString(store.status().message());
        emit historyErrorChanged();
        emit noticeChanged();
        return;
    }
    store_ = std::move(*store);
    historyDamaged_ = false;
    historyError_.clear();
    noticeDetails_.clear();
    emit historyErrorChanged();
    emit noticeChanged();
    emit composerChanged();
    refreshList();
    if (!currentId_.isEmpty() && !store_->conversation(currentId_.toStdString())) {
        currentId_.clear();
        messages_.load({});
    }
    reloadCurrent();
    emit currentConversationChanged();
    QString text = tr("Copied %n conversation(s) into a new history.", nullptr, copied);
    if (!lost.isEmpty()) {
        text += QLatin1Char(' ') +
                tr("%n conversation(s) could not be read: %1.", nullptr, int(lost.size()))
                    .arg(lost.join(QStringLiteral(", ")));
    }
    setNotice(text + QLatin1Char(' ') + tr("The damaged file was kept as %1.").arg(kept));
}

// --- the turn -----------------------------------------------------------------------------

QString ChatController::composerDisabledReason() const {
    if (historyDamaged_) return tr("The history is damaged, so nothing new can be saved");
    if (!historyError_.isEmpty()) return tr("The history cannot be opened");
    if (modelState_ == QLatin1String("loading")) return tr("The model is loading…");
    if (modelState_ != QLatin1String("ready")) return tr("Choose a model to start chatting");
    return {};
}

void ChatController::startTurn(core::TurnRequest::Kind kind, const QString& text, qint64 target) {
    if (generating() || !composerDisabledReason().isEmpty()) return;
    if (currentId_.isEmpty()) newConversation();
    if (currentId_.isEmpty()) return;
    generatingId_ = currentId_;
    emit generatingChanged();
    emit composerChanged();
    emit workerRunTurn(static_cast<int>(kind), currentId_, text, target);
}

void ChatController::send(const QString& text) {
    if (text.trimmed().isEmpty()) return;
    startTurn(core::TurnRequest::Kind::send, text, 0);
}

void ChatController::stop() {
    worker_->stopFlag().store(true);
    // The gate sees the flag and denies the waiting call; the card shows it at once.
    if (approval_) endApproval(core::ApprovalDecision::deny);
}

void ChatController::answerToolCall(const QString& callId, const QString& decision) {
    if (!approval_ || callId.toLongLong() != approval_->call_id) return;
    std::optional<core::ApprovalDecision> parsed;
    if (decision == QLatin1String("once")) parsed = core::ApprovalDecision::approve_once;
    if (decision == QLatin1String("always")) parsed = core::ApprovalDecision::approve_always;
    if (decision == QLatin1String("deny")) parsed = core::ApprovalDecision::deny;
    if (!parsed) return;
    worker_->approvals().answer(approval_->call_id, *parsed);
    endApproval(*parsed);
}

void ChatController::endApproval(core::ApprovalDecision decision) {
    messages_.resolveApproval(approval_->call_id, decision);
    approval_.reset();
    emit approvalChanged();
}

void ChatController::regenerate(int row) {
    const core::TranscriptRow* r = messages_.row(row);
    if (r == nullptr || r->kind != core::TranscriptRow::Kind::answer) return;
    startTurn(core::TurnRequest::Kind::regenerate, {}, r->first_message);
}

void ChatController::beginEdit(int row) {
    const core::TranscriptRow* r = messages_.row(row);
    if (r == nullptr || r->kind != core::TranscriptRow::Kind::user) return;
    emit editRequested(row, QString::fromStdString(r->text));
}

void ChatController::submitEdit(int row, const QString& text) {
    const core::TranscriptRow* r = messages_.row(row);
    if (r == nullptr || r->kind != core::TranscriptRow::Kind::user || text.trimmed().isEmpty())
        return;
    startTurn(core::TurnRequest::Kind::edit, text, r->first_message);
}

void ChatController::showSibling(int row, int delta) {
    if (!store_ || generating()) return;
    auto target = messages_.siblingOf(row, delta);
    if (!target) return;
    auto leaf = store_->select_branch(currentId_.toStdString(), *target);
    if (!leaf) {
        historyProblem(tr("The other version could not be shown."), leaf.status());
        return;
    }
    reloadCurrent();
}

void ChatController::copyToClipboard(const QString& text) {
    if (QClipboard* clipboard = QGuiApplication::clipboard()) clipboard->setText(text);
}

// --- the model ----------------------------------------------------------------------------

void ChatController::useTokenSource(core::TokenSource& source, const Tokenizer& tokenizer,
                                    const QString& modelName) {
    core::ModelIdentity identity;
    identity.display_name = modelName.toStdString();
    QMetaObject::invokeMethod(
        worker_, [&, identity] { worker_->useTokenSource(source, tokenizer, identity); },
        Qt::BlockingQueuedConnection);
    model_ = LoadedModelInfo{};
    model_.displayName = modelName;
    model_.contextLength = static_cast<int>(source.context_limit());
    setModelState(QStringLiteral("ready"));
}

void ChatController::setModelState(const QString& state) {
    modelState_ = state;
    options_.setRecommendedSampling(model_.recommendedSampling);
    emit modelChanged();
    emit composerChanged();
}

void ChatController::loadModel(const QString& folderOrUrl) {
    if (generating()) return;
    const QString folder = localPath(folderOrUrl);
    loadProgress_ = 0;
    loadStage_.clear();
    emit loadProgressChanged();
    if (modelState_ == QLatin1String("ready")) keptModel_ = model_;
    model_ = LoadedModelInfo{};
    model_.folder = folder;
    modelError_.clear();
    setModelState(QStringLiteral("loading"));
    emit workerLoadModel(folder, settings_->contextLength());
}

void ChatController::loadModelFromDialog(const QString& shownFolder,
                                         const QString& highlightedFolder) {
    auto holdsModel = [](const QString& folder) {
        const QDir dir(folder);
        return !folder.isEmpty() && (dir.exists(QStringLiteral("config.json")) ||
                                     dir.exists(QStringLiteral("original/config.json")));
    };
    const QString shown = localPath(shownFolder);
    const QString highlighted = localPath(highlightedFolder);
    loadModel(!holdsModel(shown) && holdsModel(highlighted) ? highlighted : shown);
}

void ChatController::cancelLoad() {
    if (modelState_ == QLatin1String("loading")) worker_->stopFlag().store(true);
}

bool ChatController::isDemoModel() const {
    const QString demo = demoModelFolder();
    return !demo.isEmpty() &&
           QFileInfo(model_.folder).canonicalFilePath() == QFileInfo(demo).canonicalFilePath();
}

QString ChatController::demoModelFolder() const {
    auto folder = core::demo_model_folder();
    return folder ? QString::fromStdString(folder->string()) : QString();
}

QStringList ChatController::foundModels() const {
    QStringList found;
    for (const core::FoundModel& model : core::find_huggingface_models()) {
        found.append(QString::fromStdString(model.folder.string()));
    }
    for (const core::FoundGguf& model : core::find_gguf_models()) {
        found.append(QString::fromStdString(model.file.string()));
    }
    return found;
}

QString ChatController::modelNeeds() const {
    if (modelState_ != QLatin1String("ready")) return {};
    return tr("%1 of weights, %2 tokens of context")
        .arg(gibibytes(static_cast<double>(model_.weightBytes)))
        .arg(model_.contextLength);
}

QString ChatController::machineHas() const {
    const double memory =
        static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
    QString text =
        tr("%1 of memory, %2 CPU threads").arg(gibibytes(memory)).arg(QThread::idealThreadCount());
    const BackendInfo backend = select_backend(BackendPreference::automatic);
    if (backend.kind == BackendKind::cuda) {
        text += tr("; %1 with %2")
                    .arg(QString::fromStdString(backend.gpu.name),
                         gibibytes(static_cast<double>(backend.gpu.total_memory)));
    } else {
        text += tr("; no usable NVIDIA GPU");
    }
    return text;
}

// --- files --------------------------------------------------------------------------------

void ChatController::exportCurrent(const QString& format, const QString& pathOrUrl) {
    if (currentId_.isEmpty()) return;
    emit workerExport({currentId_}, false, format, localPath(pathOrUrl));
}

void ChatController::exportAll(const QString& format, const QString& pathOrUrl) {
    emit workerExport({}, true, format, localPath(pathOrUrl));
}

void ChatController::importFile(const QString& pathOrUrl) {
    emit workerImport(localPath(pathOrUrl));
}

QString ChatController::suggestedExportPath(const QString& format, bool all) const {
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QFileInfo(folder).isDir()) folder = QDir::homePath();
    QString name = all ? tr("Ponder conversations") : currentTitle();
    // Characters file systems or shells trip on become spaces; the name stays readable.
    static const QRegularExpression unsafe(QStringLiteral(R"([/\\:*?"<>|\x00-\x1f]+)"));
    name = name.replace(unsafe, QStringLiteral(" ")).simplified().left(80);
    if (name.isEmpty()) name = tr("Conversation");
    const QString extension = format == QLatin1String("md") ? QStringLiteral("md") : format;
    QString path = QDir(folder).filePath(name + QLatin1Char('.') + extension);
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = QDir(folder).filePath(QStringLiteral("%1 (%2).%3").arg(name).arg(n).arg(extension));
    return path;
}

bool ChatController::fileExists(const QString& pathOrUrl) const {
    const QString path = localPath(pathOrUrl.trimmed());
    return !path.isEmpty() && QFileInfo(path).isFile();
}

QString ChatController::localFolder(const QString& url) const {
    return localPath(url);
}

}  // namespace ponder::gui
