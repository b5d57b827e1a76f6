#include "app/gui/message_list_model.h"

#include <QDateTime>
#include <QVariantMap>
#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/core/storage/conversation_tree.h"
#include "app/core/text/markdown_blocks.h"
#include "app/core/tools/local_tool_runner.h"

namespace ponder::gui {
namespace {

QVariantList blocksOf(const std::string& markdown) {
    QVariantList blocks;
    for (const core::MarkdownBlock& block : core::split_markdown_blocks(markdown)) {
        QVariantMap item;
        item["kind"] = block.kind == core::MarkdownBlock::Kind::code ? "code" : "prose";
        item["text"] = QString::fromStdString(block.text);
        item["language"] = QString::fromStdString(block.language);
        item["closed"] = block.closed;
        blocks.append(item);
    }
    return blocks;
}

// Arguments as the card shows them: python's code as code (a JSON string of a program is
// unreadable), other JSON pretty-printed as the approval prompt prints it, anything else as the
// model wrote it.
QString displayArguments(const std::string& tool, const std::string& arguments) {
    const auto json = nlohmann::json::parse(arguments, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return QString::fromStdString(arguments);
    if (core::tool_name_from_recipient(tool) == "python" && json.is_object() && json.size() == 1 &&
        json.contains("code") && json["code"].is_string()) {
        return QString::fromStdString(json["code"].get<std::string>());
    }
    return QString::fromStdString(
        json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

bool sameCalls(const std::vector<core::TranscriptToolCall>& a,
               const std::vector<core::TranscriptToolCall>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.row == y.row && x.status == y.status && x.result == y.result &&
               x.error == y.error && x.duration_ms == y.duration_ms;
    });
}

qint64 now() {
    return QDateTime::currentMSecsSinceEpoch();
}

bool sameRow(const core::TranscriptRow& a, const core::TranscriptRow& b) {
    return a.kind == b.kind && a.first_message == b.first_message &&
           a.last_message == b.last_message && a.text == b.text && a.reasoning == b.reasoning &&
           a.state == b.state && sameCalls(a.tool_calls, b.tool_calls) &&
           a.sibling_count == b.sibling_count && a.metrics == b.metrics;
}

}  // namespace

void MessageListModel::load(core::ConversationRecord record) {
    const bool sameConversation =
        !rows_.empty() && record.conversation.id == record_.conversation.id;
    // What data() shows beyond the rows (generating, an approval prompt) ends with the reload.
    const bool liveStateEnds = streaming_.has_value() || waiting_.has_value() || turnLive_;
    record_ = std::move(record);
    index_.clear();
    for (size_t i = 0; i < record_.messages.size(); ++i)
        index_[record_.messages[i].id] = i;
    const core::ConversationTree tree(record_.messages);
    path_ = tree.active_path(record_.conversation.active_leaf);
    streaming_.reset();
    turnLive_ = false;
    waiting_.reset();
    waitingDescription_.clear();
    // The same conversation reloaded (an answer finished, another branch shown): update the
    // rows that changed. A reset would make the view rebuild every row on screen (Markdown
    // parse and layout of whole answers: ~100 ms for one long answer on a slow CPU) and lose
    // the reader's place.
    if (sameConversation) {
        rebuild();
        // The live state is on the last row (the answer that was running).
        if (liveStateEnds && !rows_.empty())
            emit dataChanged(index(rowCount() - 1), index(rowCount() - 1));
        return;
    }
    beginResetModel();
    rows_ = core::build_transcript(record_, path_);
    endResetModel();
}

core::Message* MessageListModel::message(core::MessageId id) {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &record_.messages[it->second];
}

void MessageListModel::applyEvents(const QList<core::TurnEvent>& events) {
    using Kind = core::TurnEvent::Kind;
    if (!events.isEmpty()) turnLive_ = true;
    for (const core::TurnEvent& event : events) {
        switch (event.kind) {
            case Kind::message_started:
            case Kind::tool_result: {
                if (event.kind == Kind::tool_result) {
                    if (core::ToolCall* call = toolCallOf(event.parent_id)) {
                        call->finished_at = now();
                        call->duration_ms = now() - call->started_at.value_or(now());
                        // The model reads "Error: why"; the card shows why.
                        if (event.state == "error") {
                            constexpr std::string_view kPrefix = "Error: ";
                            call->error = event.text.starts_with(kPrefix)
                                              ? event.text.substr(kPrefix.size())
                                              : event.text;
                        }
                    }
                }
                core::Message added;
                added.id = event.message_id;
                if (event.parent_id != 0) added.parent_id = event.parent_id;
                if (event.kind == Kind::tool_result) {
                    added.role = core::MessageRole::tool;
                    added.author_name = event.recipient;
                    added.recipient = "assistant";
                    added.channel = "commentary";
                    added.text = event.text;
                } else if (event.role == "user") {
                    added.role = core::MessageRole::user;
                    added.text = event.text;
                } else {
                    added.role = core::MessageRole::assistant;
                    added.channel = event.channel;
                    added.recipient = event.recipient;
                    added.content_type = event.content_type;
                    added.state = core::MessageState::generating;
                    streaming_ = event.message_id;
                    if (event.channel == "analysis") reasoningClock_.start();
                }
                // A new message hangs below its parent: the branch shown ends there now
                // (regenerate and edit start a sibling).
                auto parent = std::find(path_.begin(), path_.end(), event.parent_id);
                path_.erase(parent == path_.end() ? path_.begin() : parent + 1, path_.end());
                index_[added.id] = record_.messages.size();
                record_.messages.push_back(std::move(added));
                path_.push_back(event.message_id);
                break;
            }
            case Kind::text_delta:
                if (core::Message* m = message(event.message_id)) m->text += event.text;
                break;
            case Kind::message_finished:
                if (core::Message* m = message(event.message_id)) {
                    m->state = core::parse_message_state(event.state)
                                   .value_or(core::MessageState::complete);
                }
                if (streaming_ == event.message_id) streaming_.reset();
                break;
            case Kind::tool_call: {
                core::ToolCall call;
                call.message_id = event.message_id;
                call.tool_name = event.recipient;
                call.arguments = event.text;
                call.started_at = now();
                record_.tool_calls.push_back(std::move(call));
                break;
            }
            case Kind::turn_finished:
            case Kind::error:
                break;
        }
    }
    rebuild();
}

void MessageListModel::rebuild() {
    std::vector<core::TranscriptRow> rows = core::build_transcript(record_, path_);
    // Streaming changes the tail: keep the unchanged head, replace the rest.
    size_t same = 0;
    while (same < rows.size() && same < rows_.size() && sameRow(rows[same], rows_[same]))
        ++same;
    const int oldCount = static_cast<int>(rows_.size());
    const int newCount = static_cast<int>(rows.size());
    const int first = static_cast<int>(same);
    if (newCount < oldCount) {
        beginRemoveRows({}, newCount, oldCount - 1);
        rows_.resize(rows.size());
        endRemoveRows();
    }
    const int common = std::min(oldCount, newCount);
    for (int i = first; i < common; ++i)
        rows_[static_cast<size_t>(i)] = rows[static_cast<size_t>(i)];
    if (first < common) emit dataChanged(index(first), index(common - 1));
    if (newCount > oldCount) {
        beginInsertRows({}, oldCount, newCount - 1);
        for (int i = oldCount; i < newCount; ++i)
            rows_.push_back(rows[static_cast<size_t>(i)]);
        endInsertRows();
    }
}

core::ToolCall* MessageListModel::toolCallOf(core::MessageId callMessage) {
    for (auto it = record_.tool_calls.rbegin(); it != record_.tool_calls.rend(); ++it)
        if (it->message_id == callMessage) return &*it;
    return nullptr;
}

void MessageListModel::showApproval(const core::ApprovalRequest& request) {
    // A live call knows its message but not yet its stored row id: the request ties the two.
    core::ToolCall* call = request.message_id ? toolCallOf(*request.message_id) : nullptr;
    if (call == nullptr) {
        for (core::ToolCall& c : record_.tool_calls)
            if (c.id == request.call_id) call = &c;
    }
    if (call == nullptr) return;  // not on show (another branch or conversation)
    call->id = request.call_id;
    waiting_ = request.call_id;
    waitingDescription_ = QString::fromStdString(request.description);
    rebuild();
    toolCallChanged(request.call_id);
}

void MessageListModel::resolveApproval(core::ToolCallId callId, core::ApprovalDecision decision) {
    if (waiting_ != callId) return;
    waiting_.reset();
    waitingDescription_.clear();
    for (core::ToolCall& call : record_.tool_calls) {
        if (call.id != callId) continue;
        if (decision == core::ApprovalDecision::deny) {
            call.approval = core::ToolApproval::denied;
        } else {
            call.approval = decision == core::ApprovalDecision::approve_always
                                ? core::ToolApproval::approved_always
                                : core::ToolApproval::approved_once;
            call.started_at = now();  // the tool's clock starts now, as the runner's does
        }
    }
    rebuild();
    toolCallChanged(callId);
}

// The waiting state is not part of the transcript rows, so rebuild() cannot see it change.
void MessageListModel::toolCallChanged(core::ToolCallId callId) {
    for (size_t i = 0; i < rows_.size(); ++i) {
        for (const core::TranscriptToolCall& call : rows_[i].tool_calls) {
            if (call.row == callId) {
                const QModelIndex at = index(static_cast<int>(i));
                emit dataChanged(at, at, {ToolCallsRole});
                return;
            }
        }
    }
}

QVariantList MessageListModel::toolCallsOf(const core::TranscriptRow& row) const {
    QVariantList calls;
    for (const core::TranscriptToolCall& call : row.tool_calls) {
        const bool waiting = call.row && call.row == waiting_;
        QVariantMap item;
        item["id"] = QString::number(call.row.value_or(0));
        item["tool"] = QString::fromStdString(core::tool_name_from_recipient(call.tool));
        item["arguments"] = displayArguments(call.tool, call.arguments);
        // "waiting" | "running" | "done" | "failed" | "denied" | "pending" (never run)
        item["status"] = waiting ? QStringLiteral("waiting") : QString::fromStdString(call.status);
        item["awaitingApproval"] = waiting;
        item["description"] = waiting ? waitingDescription_ : QString();
        item["result"] = QString::fromStdString(call.result);
        item["error"] = QString::fromStdString(call.error);
        item["durationMs"] = static_cast<qint64>(call.duration_ms);
        calls.append(item);
    }
    return calls;
}

const core::TranscriptRow* MessageListModel::row(int index) const {
    if (index < 0 || index >= static_cast<int>(rows_.size())) return nullptr;
    return &rows_[static_cast<size_t>(index)];
}

std::optional<core::MessageId> MessageListModel::siblingOf(int index, int delta) const {
    const core::TranscriptRow* r = row(index);
    if (r == nullptr) return std::nullopt;
    const core::ConversationTree tree(record_.messages);
    auto siblings = tree.siblings(r->first_message);
    if (!siblings) return std::nullopt;
    const long target = static_cast<long>(siblings->index) + delta;
    if (target < 0 || target >= static_cast<long>(siblings->ids.size())) return std::nullopt;
    return siblings->ids[static_cast<size_t>(target)];
}

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    const core::TranscriptRow* r = row(index.row());
    if (r == nullptr) return {};
    const bool last = index.row() == static_cast<int>(rows_.size()) - 1;
    // Until the turn's final reload the answer is not finished, even between its messages:
    // no Regenerate or Copy on an answer that waits for approval, and no footer of zeros.
    const bool generating = last && (streaming_.has_value() || turnLive_) &&
                            r->kind == core::TranscriptRow::Kind::answer;
    bool thinking = false;
    if (generating) {
        auto it = index_.find(*streaming_);
        thinking = it != index_.end() && record_.messages[it->second].channel == "analysis";
    }
    switch (role) {
        case KindRole:
            return r->kind == core::TranscriptRow::Kind::user ? QStringLiteral("user")
                                                              : QStringLiteral("assistant");
        case TextRole:
            return QString::fromStdString(r->text);
        case BlocksRole:
            return blocksOf(r->text);
        case ReasoningRole:
            return QString::fromStdString(r->reasoning);
        case ThinkingRole:
            return thinking;
        case ReasoningSecondsRole:
            if (thinking) return reasoningClock_.elapsed() / 1000.0;
            return static_cast<double>(r->reasoning_ms) / 1000.0;
        case ReasoningTokensRole:
            return static_cast<int>(r->reasoning_tokens);
        case ToolCallsRole:
            return toolCallsOf(*r);
        case StateRole:
            return generating
                       ? QStringLiteral("generating")
                       : QString::fromUtf8(core::to_string(r->state).data(),
                                           static_cast<int>(core::to_string(r->state).size()));
        case FooterRole:
            return r->kind == core::TranscriptRow::Kind::answer && !generating
                       ? QString::fromStdString(core::answer_footer(*r))
                       : QString();
        case SiblingIndexRole:
            return static_cast<int>(r->sibling_index);
        case SiblingCountRole:
            return static_cast<int>(r->sibling_count);
        default:
            return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{KindRole, "kind"},
            {TextRole, "text"},
            {BlocksRole, "blocks"},
            {ReasoningRole, "reasoning"},
            {ThinkingRole, "thinking"},
            {ReasoningSecondsRole, "reasoningSeconds"},
            {ReasoningTokensRole, "reasoningTokens"},
            {ToolCallsRole, "toolCalls"},
            {StateRole, "state"},
            {FooterRole, "footer"},
            {SiblingIndexRole, "siblingIndex"},
            {SiblingCountRole, "siblingCount"}};
}

}  // namespace ponder::gui
