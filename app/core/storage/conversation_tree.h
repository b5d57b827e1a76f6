// The branch structure of one conversation's messages: which messages are siblings (regenerated
// or edited alternatives under the same parent), and which path from a root to a leaf is shown.
// Pure functions over loaded messages; the GUI's message model navigates with it without asking
// the database, and HistoryStore::select_branch() remembers the choice.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include "app/core/storage/history_types.h"

namespace ponder::core {

struct Siblings {
    std::vector<MessageId> ids;  // all messages with the same parent, oldest first (incl. itself)
    size_t index = 0;            // position of the asked-for message in `ids` ("2 of 3" is index 1)
};

class ConversationTree {
  public:
    // `messages` in any order; parent ids that are not among them are treated as roots.
    explicit ConversationTree(const std::vector<Message>& messages);

    bool contains(MessageId id) const { return nodes_.count(id) > 0; }
    std::optional<MessageId> parent(MessageId id) const;
    // Children of `id` oldest first; the roots for nullopt.
    const std::vector<MessageId>& children(std::optional<MessageId> id) const;
    // nullopt when `id` is not in the tree.
    std::optional<Siblings> siblings(MessageId id) const;

    // The messages from the root down to `leaf`, root first; empty when `leaf` is unknown.
    std::vector<MessageId> path_to(MessageId leaf) const;
    // The leaf reached from `id` by always taking the newest child (where a branch switch lands).
    MessageId newest_leaf(MessageId id) const;
    // The visible branch: root to `active_leaf` when it is known, else to the newest message's
    // branch (what a conversation without a remembered leaf shows). Empty for no messages.
    std::vector<MessageId> active_path(std::optional<MessageId> active_leaf) const;

  private:
    struct Node {
        std::optional<MessageId> parent;
        std::vector<MessageId> children;
    };
    std::unordered_map<MessageId, Node> nodes_;
    std::vector<MessageId> roots_;
    MessageId newest_ = 0;  // highest id, 0 when empty
};

}  // namespace ponder::core
