#include "app/gui/conversation_options.h"

#include <QFileInfo>
#include <QVariantMap>
#include <algorithm>

#include "app/gui/local_path.h"

namespace ponder::gui {
namespace {

constexpr const char* kFileTools[] = {"read_file", "search_files"};

void removeTool(core::ConversationSettings& settings, const std::string& name) {
    // Imported conversations may name a tool "functions.<name>": both forms count.
    std::erase_if(settings.enabled_tools, [&](const std::string& tool) {
        return core::tool_name_from_recipient(tool) == name;
    });
}

}  // namespace

void ConversationOptions::setConversation(core::HistoryStore* store, const QString& id) {
    store_ = store;
    id_ = id;
    emit changed();
}

std::optional<core::ConversationSettings> ConversationOptions::settings() const {
    if (store_ == nullptr || id_.isEmpty()) return std::nullopt;
    auto conversation = store_->conversation(id_.toStdString());
    if (!conversation) return std::nullopt;
    return conversation->settings;
}

bool ConversationOptions::update(const std::function<void(core::ConversationSettings&)>& change) {
    // Read the row again: the controller writes effort and instructions into the same row.
    auto current = settings();
    if (!current) return false;
    core::ConversationSettings next = *current;
    change(next);
    if (next == *current) return true;
    const Status status = store_->update_settings(id_.toStdString(), next);
    if (!status.ok()) {
        emit failed(QString::fromStdString(status.message()));
        emit changed();  // controls that moved snap back to the stored value
        return false;
    }
    emit changed();
    return true;
}

QVariantList ConversationOptions::tools() const {
    QVariantList list;
    auto current = settings();
    if (!current) return list;
    for (const core::ToolInfo& tool : catalog_.tools(*current)) {
        QVariantMap item;
        item["name"] = QString::fromStdString(tool.name);
        item["description"] = QString::fromStdString(tool.description);
        item["enabled"] = tool.enabled;
        item["unavailableReason"] = QString::fromStdString(tool.unavailable_reason);
        list.append(item);
    }
    return list;
}

QString ConversationOptions::toolFolder() const {
    auto current = settings();
    return current ? QString::fromStdString(current->tool_folder) : QString();
}

double ConversationOptions::temperature() const {
    auto current = settings();
    return current ? current->sampling.temperature : core::SamplingSettings{}.temperature;
}

double ConversationOptions::topP() const {
    auto current = settings();
    return current ? current->sampling.top_p : core::SamplingSettings{}.top_p;
}

QString ConversationOptions::contextPolicy() const {
    auto current = settings();
    const auto policy = current ? current->context_policy : core::ContextPolicy::error;
    return QString::fromUtf8(core::to_string(policy).data());
}

bool ConversationOptions::setToolEnabled(const QString& name, bool enabled) {
    auto current = settings();
    if (!current) return false;
    const std::string tool = name.toStdString();
    if (catalog_.find(tool) == nullptr) {
        emit failed(tr("There is no tool named %1").arg(name));
        return false;
    }
    if (enabled) {
        for (const core::ToolInfo& info : catalog_.tools(*current)) {
            if (info.name == tool && !info.unavailable_reason.empty()) {
                emit failed(tr("%1 cannot be turned on: %2")
                                .arg(name, QString::fromStdString(info.unavailable_reason)));
                emit changed();
                return false;
            }
        }
    }
    return update([&](core::ConversationSettings& s) {
        removeTool(s, tool);
        if (enabled) s.enabled_tools.push_back(tool);
    });
}

bool ConversationOptions::setToolFolder(const QString& folderOrUrl) {
    if (!available()) return false;
    const QString path = localPath(folderOrUrl);
    std::string folder;
    if (!path.isEmpty()) {
        // Stored resolved, so the folder shared is the one the user saw, even if a link in
        // its path changes later.
        const QFileInfo info(path);
        if (!info.isDir()) {
            emit failed(tr("%1 is not a folder").arg(path));
            return false;
        }
        folder = info.canonicalFilePath().toStdString();
    }
    return update([&](core::ConversationSettings& s) {
        s.tool_folder = folder;
        for (const char* tool : kFileTools) {
            removeTool(s, tool);
            if (!folder.empty()) s.enabled_tools.push_back(tool);
        }
    });
}

void ConversationOptions::setRecommendedSampling(const core::SamplingSettings& recommended) {
    recommended_ = recommended;
    emit changed();
}

bool ConversationOptions::setTemperature(double temperature) {
    return update([&](core::ConversationSettings& s) { s.sampling.temperature = temperature; });
}

bool ConversationOptions::setTopP(double topP) {
    return update([&](core::ConversationSettings& s) { s.sampling.top_p = topP; });
}

bool ConversationOptions::setContextPolicy(const QString& policy) {
    const auto parsed = core::parse_context_policy(policy.toStdString());
    if (!parsed) {
        emit failed(tr("Unknown context policy %1").arg(policy));
        return false;
    }
    return update([&](core::ConversationSettings& s) { s.context_policy = *parsed; });
}

}  // namespace ponder::gui
