#include "app/gui/engine_worker.h"

#include <QDir>
#include <QFileInfo>

#include "app/core/chat/model_identity.h"
#include "app/core/export/export_files.h"
#include "app/core/export/html_export.h"
#include "app/core/storage/history_salvage.h"
#include "app/gui/pdf_export.h"
#include "engine/harmony/chat_tokenizer.h"
#include "engine/tokenizer/o200k_harmony.h"

namespace ponder::gui {
namespace {

// Why `folder` cannot hold a gpt-oss checkpoint, in plain words ("" when it may): the files a
// checkpoint needs (see engine/model/checkpoint.cpp), checked without reading the weights.
QString notAModelFolder(const QString& folder) {
    const QDir dir(folder);
    if (!dir.exists()) return EngineWorker::tr("The folder %1 does not exist.").arg(folder);
    auto hasCheckpoint = [](const QDir& d) {
        return d.exists(QStringLiteral("config.json")) &&
               (d.exists(QStringLiteral("model.safetensors")) ||
                d.exists(QStringLiteral("model.safetensors.index.json")));
    };
    if (hasCheckpoint(dir) || hasCheckpoint(QDir(dir.filePath(QStringLiteral("original")))))
        return {};
    return EngineWorker::tr(
               "%1 is not a gpt-oss model folder: it has no config.json with model.safetensors. "
               "Choose the folder you downloaded the model into (for example gpt-oss-20b).")
        .arg(QDir::toNativeSeparators(folder));
}

}  // namespace

EngineWorker::EngineWorker(QString databasePath)
    : databasePath_(std::move(databasePath)),
      gate_([this](const core::ApprovalRequest& request) { emit approvalRequested(request); }) {
    qRegisterMetaType<QList<core::TurnEvent>>();
    qRegisterMetaType<LoadedModelInfo>();
    qRegisterMetaType<core::ApprovalRequest>();
}

EngineWorker::~EngineWorker() = default;

void EngineWorker::openHistory() {
    // The UI thread's connection recovered interrupted answers at start; this one must not
    // touch rows it does not own.
    auto store =
        core::HistoryStore::open(databasePath_.toStdString(), {.recover_interrupted = false});
    if (!store) {
        emit historyFailed(QString::fromStdString(store.status().message()));
        return;
    }
    store_ = std::move(*store);
    // The runner reads standing "always" approvals from, and times calls in, the turn's own
    // store; every other call waits for the user at the gate.
    core::LocalToolRunnerOptions options;
    options.store = store_.get();
    options.approve = gate_.prompt();
    tools_ = std::make_unique<core::LocalToolRunner>(std::move(options));
    if (sessionSource_) startSession(*sessionSource_, *sessionTokenizer_, *sessionIdentity_);
    // Damage in the middle of the file shows only when the whole file is read: do it here, off
    // the UI thread, before the first answer is written (file_health.h has the cost).
    if (!store_->check_for_damage().ok()) reportDamage();
}

void EngineWorker::reportDamage() {
    if (!store_) return;
    if (auto detail = store_->damage()) emit historyDamaged(QString::fromStdString(*detail));
}

void EngineWorker::salvageHistory(const QString& out) {
    auto report = core::salvage_history(databasePath_.toStdString(), out.toStdString());
    if (!report) {
        emit salvageFinished(out, 0, {}, QString::fromStdString(report.status().message()));
        return;
    }
    QStringList lost;
    for (const core::LostConversation& conversation : report->lost)
        lost << QString::fromStdString(conversation.id);
    session_.reset();
    tools_.reset();
    store_.reset();
    emit salvageFinished(out, static_cast<int>(report->copied.size()), lost, {});
}

void EngineWorker::startSession(core::TokenSource& source, const Tokenizer& tokenizer,
                                const core::ModelIdentity& identity) {
    session_.reset();
    sessionSource_ = &source;
    sessionTokenizer_ = &tokenizer;
    sessionIdentity_ = identity;
    if (!store_) return;
    session_ = std::make_unique<core::ChatSession>(*store_, source, tokenizer, identity);
    session_->set_tool_runner(tools_.get());
}

void EngineWorker::useTokenSource(core::TokenSource& source, const Tokenizer& tokenizer,
                                  const core::ModelIdentity& identity) {
    startSession(source, tokenizer, identity);
}

void EngineWorker::loadModel(const QString& folder, int contextLength) {
    stop_.store(false);
    const std::string dir = folder.toStdString();
    // What can be checked without the weights is checked while the current model stays.
    const bool hasModel = session_ != nullptr;
    if (const QString problem = notAModelFolder(folder); !problem.isEmpty()) {
        emit modelLoadFailed(folder, problem, hasModel);
        return;
    }
    // Cancel and Quit set stop_; it is checked between the files as well as inside Model::load,
    // so neither waits for the rest of the folder to be read.
    const auto cancelled = [&] {
        if (!stop_.load()) return false;
        emit modelLoadFailed(folder, tr("Loading %1 was cancelled").arg(folder), hasModel);
        return true;
    };
    auto identity = core::read_model_identity(dir);
    if (!identity) {
        emit modelLoadFailed(folder, QString::fromStdString(identity.status().message()), hasModel);
        return;
    }
    if (cancelled()) return;
    emit loadProgress(0.0, tr("Reading the tokenizer"));
    auto tokenizer = load_model_tokenizer(dir);
    if (!tokenizer) {
        emit modelLoadFailed(folder, QString::fromStdString(tokenizer.status().message()),
                             hasModel);
        return;
    }
    if (cancelled()) return;
    // Two models rarely fit in memory together: the current one goes before the weights load.
    session_.reset();
    sessionSource_ = nullptr;  // about to be freed: a reopened history must not restart on it
    sessionTokenizer_ = nullptr;
    source_.reset();
    model_.reset();
    tokenizer_.reset();
    ModelOptions options;
    options.progress = [this](double fraction, const std::string& stage) {
        emit loadProgress(fraction, QString::fromStdString(stage));
        return !stop_.load();
    };
    auto model = Model::load(dir, options);
    if (!model) {
        emit modelLoadFailed(folder, QString::fromStdString(model.status().message()), false);
        return;
    }
    // A tokenizer that does not fit the model would fail at the first message: say so now.
    if (Status fits = harmony::check_chat_tokenizer(*tokenizer, (*model)->config().vocab_size);
        !fits.ok()) {
        emit modelLoadFailed(folder, QString::fromStdString(fits.message()), false);
        return;
    }
    auto source = core::EngineTokenSource::create(**model, contextLength);
    if (!source) {
        emit modelLoadFailed(folder, QString::fromStdString(source.status().message()), false);
        return;
    }
    model_ = std::move(*model);
    tokenizer_.emplace(std::move(*tokenizer));
    source_ = std::move(*source);
    startSession(*source_, *tokenizer_, *identity);

    LoadedModelInfo info;
    info.folder = folder;
    info.displayName = QString::fromStdString(identity->display_name);
    info.description = QString::fromStdString(identity->description);
    info.recommendedSampling = identity->recommended_sampling;
    info.backend = QString::fromStdString(model_->backend().description());
    info.weightBytes = static_cast<qint64>(model_->weight_bytes());
    info.contextLength = static_cast<int>(source_->context_limit());
    emit modelLoaded(info);
}

void EngineWorker::runTurn(int kind, const QString& conversationId, const QString& text,
                           qint64 target) {
    stop_.store(false);
    if (!session_) {
        emit turnFinished(conversationId, QStringLiteral("error"), tr("No model is loaded"));
        return;
    }
    core::TurnRequest request;
    request.kind = static_cast<core::TurnRequest::Kind>(kind);
    request.conversation_id = conversationId.toStdString();
    request.text = text.toStdString();
    if (target > 0) request.target = target;

    EventCoalescer coalescer;
    auto summary = session_->run_turn(
        request,
        [&](const core::TurnEvent& event) {
            coalescer.push(event);
            if (coalescer.due()) emit turnEvents(coalescer.take());
        },
        &stop_);
    if (!coalescer.empty()) emit turnEvents(coalescer.take());
    if (!summary) {
        reportDamage();
        emit turnFinished(conversationId, QStringLiteral("error"),
                          QString::fromStdString(summary.status().message()));
        return;
    }
    if (summary->state == core::MessageState::error) reportDamage();
    emit turnFinished(conversationId, QString::fromUtf8(core::to_string(summary->state).data()),
                      QString::fromStdString(summary->detail));
}

void EngineWorker::exportConversations(const QStringList& ids, bool all, const QString& format,
                                       const QString& path) {
    if (!store_) {
        emit exportFinished(path, tr("The history is not open"));
        return;
    }
    const bool pdf = format == QLatin1String("pdf");
    const auto parsed = pdf ? std::optional(core::ExportFormat::html)
                            : core::parse_export_format(format.toStdString());
    if (!parsed) {
        emit exportFinished(path, tr("Unknown export format %1").arg(format));
        return;
    }
    // The same refusal as ponder-cli's: never write an export over the history or a database.
    if (const Status allowed = core::check_export_destination(path.toStdString(), *store_);
        !allowed.ok()) {
        emit exportFinished(path, QString::fromStdString(allowed.message()));
        return;
    }
    std::vector<core::ConversationRecord> records;
    if (all) {
        auto loaded = core::load_all_conversations(*store_);
        if (!loaded) {
            reportDamage();
            emit exportFinished(path, QString::fromStdString(loaded.status().message()));
            return;
        }
        records = std::move(*loaded);
    } else {
        for (const QString& id : ids) {
            auto record = store_->load_conversation(id.toStdString());
            if (!record) {
                reportDamage();
                emit exportFinished(path, QString::fromStdString(record.status().message()));
                return;
            }
            records.push_back(std::move(*record));
        }
    }
    const std::string text = core::render_export(records, all, *parsed);
    if (pdf) {
        // writePdf writes PATH.part first: that name must not be a database either.
        const Status part = core::check_export_destination(path.toStdString() + ".part", *store_);
        if (!part.ok()) {
            emit exportFinished(path, QString::fromStdString(part.message()));
            return;
        }
        emit exportFinished(path, writePdf(QString::fromStdString(text), path));
        return;
    }
    const Status written = core::write_export_file(path.toStdString(), text, *store_);
    emit exportFinished(path, written.ok() ? QString() : QString::fromStdString(written.message()));
}

void EngineWorker::importFile(const QString& path) {
    if (!store_) {
        emit importFinished(0, {}, tr("The history is not open"));
        return;
    }
    auto imported = core::import_json_file(*store_, path.toStdString());
    if (!imported) {
        reportDamage();
        emit importFinished(0, {}, QString::fromStdString(imported.status().message()));
        return;
    }
    emit importFinished(
        static_cast<int>(imported->size()),
        imported->empty() ? QString() : QString::fromStdString(imported->front().id), {});
}

}  // namespace ponder::gui
