#include "app/core/storage/conversation_tree.h"

#include <algorithm>

namespace ponder::core {

ConversationTree::ConversationTree(const std::vector<Message>& messages) {
    nodes_.reserve(messages.size());
    for (const Message& message : messages) {
        nodes_[message.id].parent = message.parent_id;
        newest_ = std::max(newest_, message.id);
    }
    // Ids grow with creation, so sorting gives "oldest first" whatever order the input had.
    std::vector<MessageId> ids;
    ids.reserve(messages.size());
    for (const Message& message : messages)
        ids.push_back(message.id);
    std::sort(ids.begin(), ids.end());
    for (MessageId id : ids) {
        Node& node = nodes_[id];
        if (node.parent && nodes_.count(*node.parent) && *node.parent != id) {
            nodes_[*node.parent].children.push_back(id);
        } else {
            node.parent.reset();
            roots_.push_back(id);
        }
    }
}

std::optional<MessageId> ConversationTree::parent(MessageId id) const {
    auto found = nodes_.find(id);
    return found == nodes_.end() ? std::nullopt : found->second.parent;
}

const std::vector<MessageId>& ConversationTree::children(std::optional<MessageId> id) const {
    static const std::vector<MessageId> none;
    if (!id) return roots_;
    auto found = nodes_.find(*id);
    return found == nodes_.end() ? none : found->second.children;
}

std::optional<Siblings> ConversationTree::siblings(MessageId id) const {
    if (!contains(id)) return std::nullopt;
    Siblings result;
    result.ids = children(parent(id));
    result.index = static_cast<size_t>(std::find(result.ids.begin(), result.ids.end(), id) -
                                       result.ids.begin());
    return result;
}

std::vector<MessageId> ConversationTree::path_to(MessageId leaf) const {
    std::vector<MessageId> path;
    std::optional<MessageId> at = leaf;
    // Bounded by the node count: a cycle in damaged data ends the walk instead of hanging.
    while (at && contains(*at) && path.size() <= nodes_.size()) {
        path.push_back(*at);
        at = parent(*at);
    }
    std::reverse(path.begin(), path.end());
    return path;
}

MessageId ConversationTree::newest_leaf(MessageId id) const {
    MessageId at = id;
    for (size_t steps = 0; steps <= nodes_.size(); ++steps) {
        const auto& kids = children(at);
        if (kids.empty()) break;
        at = kids.back();
    }
    return at;
}

std::vector<MessageId> ConversationTree::active_path(std::optional<MessageId> active_leaf) const {
    if (active_leaf && contains(*active_leaf)) return path_to(*active_leaf);
    if (nodes_.empty()) return {};
    return path_to(newest_leaf(newest_));
}

}  // namespace ponder::core
