// ponder.conversation / ponder.history JSON -> records, with every field checked. A file is
// input from anywhere (a backup, another machine, a hand edit), so each error names the JSON
// path and says what was expected and what was found.
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "app/core/export/conversation_json.h"
#include "app/core/storage/timestamps.h"

namespace ponder::core {
namespace {

using Json = nlohmann::json;

std::string type_name(const Json& value) {
    if (value.is_number_integer()) return "an integer";
    if (value.is_number()) return "a number";
    if (value.is_string()) return "a string";
    if (value.is_boolean()) return "a boolean";
    if (value.is_null()) return "null";
    if (value.is_array()) return "an array";
    return "an object";
}

Status bad(const std::string& path, const std::string& expected, const Json& got) {
    std::string shown =
        got.is_string() || got.is_number() || got.is_boolean()
            ? type_name(got) + " " + got.dump(-1, ' ', false, Json::error_handler_t::replace)
            : type_name(got);
    if (shown.size() > 120) shown = shown.substr(0, 117) + "...";
    return Status(StatusCode::invalid_argument, path + ": expected " + expected + ", got " + shown);
}

Status missing(const std::string& path) {
    return Status(StatusCode::invalid_argument, path + ": required field is missing");
}

// Field readers. Each writes `out` only when the field is present and valid; an absent field
// (or null where null is allowed) leaves the default in place.
class Fields {
  public:
    Fields(const Json& object, std::string path) : object_(object), path_(std::move(path)) {}

    std::string path(const std::string& key) const { return path_ + "." + key; }
    const Json* find(const std::string& key) const {
        auto it = object_.find(key);
        return it == object_.end() ? nullptr : &*it;
    }
    bool has(const std::string& key) const { return find(key) != nullptr; }

    Status string(const std::string& key, std::string& out, bool required = false,
                  bool nullable = false) const {
        const Json* v = find(key);
        if (!v) return required ? missing(path(key)) : Status::success();
        if (nullable && v->is_null()) return Status::success();
        if (!v->is_string()) return bad(path(key), nullable ? "a string or null" : "a string", *v);
        out = v->get<std::string>();
        return Status::success();
    }
    Status optional_string(const std::string& key, std::optional<std::string>& out) const {
        const Json* v = find(key);
        if (!v || v->is_null()) return Status::success();
        if (!v->is_string()) return bad(path(key), "a string or null", *v);
        out = v->get<std::string>();
        return Status::success();
    }
    Status integer(const std::string& key, std::int64_t& out, bool required = false) const {
        std::optional<std::int64_t> value;
        Status status = optional_integer(key, value);
        if (!status.ok()) return status;
        if (!value) {
            return required ? missing(path(key)) : Status::success();
        }
        out = *value;
        return Status::success();
    }
    Status optional_integer(const std::string& key, std::optional<std::int64_t>& out) const {
        const Json* v = find(key);
        if (!v || v->is_null()) return Status::success();
        if (!v->is_number_integer() ||
            (v->is_number_unsigned() &&
             v->get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))) {
            return bad(path(key), "an integer", *v);
        }
        out = v->get<std::int64_t>();
        return Status::success();
    }
    Status number(const std::string& key, double& out) const {
        const Json* v = find(key);
        if (!v) return Status::success();
        if (!v->is_number()) return bad(path(key), "a number", *v);
        out = v->get<double>();
        return Status::success();
    }
    Status optional_number(const std::string& key, std::optional<double>& out) const {
        const Json* v = find(key);
        if (!v || v->is_null()) return Status::success();
        if (!v->is_number()) return bad(path(key), "a number or null", *v);
        out = v->get<double>();
        return Status::success();
    }
    Status boolean(const std::string& key, bool& out) const {
        const Json* v = find(key);
        if (!v) return Status::success();
        if (!v->is_boolean()) return bad(path(key), "true or false", *v);
        out = v->get<bool>();
        return Status::success();
    }
    Status time(const std::string& key, Timestamp& out) const {
        std::optional<Timestamp> value;
        Status status = optional_time(key, value);
        if (status.ok() && value) out = *value;
        return status;
    }
    Status optional_time(const std::string& key, std::optional<Timestamp>& out) const {
        const Json* v = find(key);
        if (!v || v->is_null()) return Status::success();
        const auto parsed = v->is_string() ? parse_iso8601(v->get<std::string>()) : std::nullopt;
        if (!parsed)
            return bad(path(key), "an ISO-8601 UTC time like \"2026-11-28T09:00:00Z\"", *v);
        out = parsed;
        return Status::success();
    }
    // A name from a fixed set, parsed by `parse` (e.g. parse_message_role).
    template <typename Enum>
    Status choice(const std::string& key, std::optional<Enum>& out,
                  std::optional<Enum> (*parse)(std::string_view), const char* names) const {
        const Json* v = find(key);
        if (!v || v->is_null()) return Status::success();
        const auto parsed = v->is_string() ? parse(v->get<std::string>()) : std::nullopt;
        if (!parsed) return bad(path(key), std::string("one of ") + names, *v);
        out = parsed;
        return Status::success();
    }
    Status string_list(const std::string& key, std::vector<std::string>& out) const {
        const Json* v = find(key);
        if (!v || v->is_null()) return Status::success();
        if (!v->is_array()) return bad(path(key), "an array of strings", *v);
        out.clear();
        for (size_t i = 0; i < v->size(); ++i) {
            if (!(*v)[i].is_string()) {
                return bad(path(key) + "[" + std::to_string(i) + "]", "a string", (*v)[i]);
            }
            out.push_back((*v)[i].get<std::string>());
        }
        return Status::success();
    }

  private:
    const Json& object_;
    std::string path_;
};

// Runs the listed reads in order and stops at the first failure.
#define PONDER_READ(expression)                      \
    do {                                             \
        Status read_status_ = (expression);          \
        if (!read_status_.ok()) return read_status_; \
    } while (false)

Status read_sampling(const Json& value, const std::string& path, SamplingSettings& out) {
    if (value.is_null()) return Status::success();
    if (!value.is_object()) return bad(path, "an object", value);
    const Fields f(value, path);
    PONDER_READ(f.number("temperature", out.temperature));
    PONDER_READ(f.number("top_p", out.top_p));
    PONDER_READ(f.integer("top_k", out.top_k));
    PONDER_READ(f.number("min_p", out.min_p));
    PONDER_READ(f.optional_integer("seed", out.seed));
    PONDER_READ(f.integer("max_output_tokens", out.max_output_tokens));
    return Status::success();
}

Status read_metrics(const Json& value, const std::string& path, MessageMetrics& out) {
    if (value.is_null()) return Status::success();
    if (!value.is_object()) return bad(path, "an object or null", value);
    const Fields f(value, path);
    PONDER_READ(f.optional_integer("prompt_tokens", out.prompt_tokens));
    PONDER_READ(f.optional_integer("completion_tokens", out.completion_tokens));
    PONDER_READ(f.optional_integer("reasoning_tokens", out.reasoning_tokens));
    PONDER_READ(f.optional_integer("ttft_ms", out.ttft_ms));
    PONDER_READ(f.optional_integer("reasoning_ms", out.reasoning_ms));
    PONDER_READ(f.optional_number("tokens_per_second", out.tokens_per_second));
    return Status::success();
}

constexpr const char* kRoles = "system, developer, user, assistant, tool";
constexpr const char* kStates = "complete, stopped, error, generating";
constexpr const char* kEfforts = "low, medium, high";

// `previous` is the id of the message before this one: a message without "parent_id" follows
// it, as in files written for the renderer, where the list itself is the path.
Status read_message(const Json& value, const std::string& path, std::int64_t index,
                    std::optional<MessageId> previous, Message& out) {
    if (!value.is_object()) return bad(path, "an object", value);
    const Fields f(value, path);
    out.id = index + 1;
    PONDER_READ(f.integer("id", out.id));
    if (f.has("parent_id")) {
        PONDER_READ(f.optional_integer("parent_id", out.parent_id));
    } else {
        out.parent_id = previous;
    }
    std::optional<MessageRole> role;
    PONDER_READ(f.choice("role", role, parse_message_role, kRoles));
    if (!role) {
        return f.has("role") ? bad(f.path("role"), std::string("one of ") + kRoles, nullptr)
                             : missing(f.path("role"));
    }
    out.role = *role;
    PONDER_READ(f.string("name", out.author_name, false, true));
    PONDER_READ(f.string("recipient", out.recipient, false, true));
    PONDER_READ(f.string("channel", out.channel, false, true));
    PONDER_READ(f.string("content_type", out.content_type, false, true));
    PONDER_READ(f.string("text", out.text, /*required=*/true));
    std::optional<MessageState> state;
    PONDER_READ(f.choice("state", state, parse_message_state, kStates));
    out.state = state.value_or(MessageState::complete);
    PONDER_READ(f.string("state_detail", out.state_detail, false, true));
    PONDER_READ(f.time("created_at", out.created_at));
    PONDER_READ(f.choice("effort", out.effort, parse_reasoning_effort, kEfforts));
    if (const Json* metrics = f.find("metrics")) {
        PONDER_READ(read_metrics(*metrics, f.path("metrics"), out.metrics));
    }
    return Status::success();
}

Status read_tool_call(const Json& value, const std::string& path, std::int64_t index,
                      ToolCall& out) {
    if (!value.is_object()) return bad(path, "an object", value);
    const Fields f(value, path);
    out.id = index + 1;
    PONDER_READ(f.integer("id", out.id));
    PONDER_READ(f.integer("message_id", out.message_id, /*required=*/true));
    PONDER_READ(f.string("tool", out.tool_name, /*required=*/true));
    if (out.tool_name.empty()) return bad(f.path("tool"), "a tool name", "");
    if (const Json* arguments = f.find("arguments")) {
        // Arguments are kept as the model wrote them; a hand-written file may give an object.
        out.arguments = arguments->is_string()
                            ? arguments->get<std::string>()
                            : arguments->dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    std::optional<ToolApproval> approval;
    PONDER_READ(f.choice("approval", approval, parse_tool_approval,
                         "pending, approved_once, approved_always, denied"));
    out.approval = approval.value_or(ToolApproval::pending);
    PONDER_READ(f.optional_string("result", out.result));
    PONDER_READ(f.optional_string("error", out.error));
    PONDER_READ(f.optional_time("started_at", out.started_at));
    PONDER_READ(f.optional_time("finished_at", out.finished_at));
    PONDER_READ(f.optional_integer("duration_ms", out.duration_ms));
    if (out.duration_ms && *out.duration_ms < 0) {
        return bad(f.path("duration_ms"), "an integer >= 0", *out.duration_ms);
    }
    return Status::success();
}

Status check_format(const Fields& f, const char* expected) {
    std::string format;
    PONDER_READ(f.string("format", format, /*required=*/true));
    if (format != expected) {
        return bad(f.path("format"), std::string("\"") + expected + "\"", format);
    }
    std::int64_t version = 0;
    PONDER_READ(f.integer("version", version, /*required=*/true));
    if (version < 1) return bad(f.path("version"), "a version >= 1", version);
    if (version > kConversationJsonVersion) {
        return Status(StatusCode::unsupported,
                      f.path("version") + ": the file is version " + std::to_string(version) +
                          " but this Ponder reads up to version " +
                          std::to_string(kConversationJsonVersion) + "; update Ponder");
    }
    return Status::success();
}

Status read_conversation(const Json& value, const std::string& path, ConversationRecord& out) {
    if (!value.is_object()) return bad(path, "an object", value);
    const Fields f(value, path);
    PONDER_READ(check_format(f, kConversationFormat));
    Conversation& c = out.conversation;
    ConversationSettings& s = c.settings;
    PONDER_READ(f.string("id", c.id));
    PONDER_READ(f.string("title", c.title));
    c.created_at = now_ms();
    PONDER_READ(f.time("created_at", c.created_at));
    c.updated_at = c.created_at;
    PONDER_READ(f.time("updated_at", c.updated_at));
    PONDER_READ(f.boolean("pinned", c.pinned));
    PONDER_READ(f.string("model", s.model));
    if (const Json* sampling = f.find("sampling")) {
        PONDER_READ(read_sampling(*sampling, f.path("sampling"), s.sampling));
    }
    std::optional<ContextPolicy> policy;
    PONDER_READ(f.choice("context_policy", policy, parse_context_policy, "error, drop_oldest"));
    s.context_policy = policy.value_or(ContextPolicy::error);
    if (const Json* system = f.find("system"); system && !system->is_null()) {
        if (!system->is_object()) return bad(f.path("system"), "an object", *system);
        const Fields sf(*system, f.path("system"));
        std::optional<ReasoningEffort> effort;
        PONDER_READ(sf.choice("reasoning_effort", effort, parse_reasoning_effort, kEfforts));
        s.effort = effort.value_or(ReasoningEffort::medium);
        PONDER_READ(sf.string_list("builtin_tools", s.enabled_tools));
    }
    if (const Json* developer = f.find("developer"); developer && !developer->is_null()) {
        if (!developer->is_object()) return bad(f.path("developer"), "an object", *developer);
        const Fields df(*developer, f.path("developer"));
        PONDER_READ(df.string("instructions", s.developer_instructions));
        // Files written for the renderer declare function tools here; Ponder enables them by
        // name (their schemas come from Ponder's own tool registry).
        if (!f.has("enabled_tools")) {
            if (const Json* tools = df.find("function_tools"); tools && tools->is_array()) {
                for (const Json& tool : *tools) {
                    if (tool.is_object() && tool.contains("name") && tool["name"].is_string()) {
                        s.enabled_tools.push_back("functions." + tool["name"].get<std::string>());
                    }
                }
            }
        }
    }
    // enabled_tools (written by export) is the complete list; builtin_tools only a part of it.
    PONDER_READ(f.string_list("enabled_tools", s.enabled_tools));

    const Json* messages = f.find("messages");
    if (!messages) return missing(f.path("messages"));
    if (!messages->is_array()) return bad(f.path("messages"), "an array", *messages);
    std::set<MessageId> ids;
    std::optional<MessageId> previous;
    for (size_t i = 0; i < messages->size(); ++i) {
        const std::string at = f.path("messages") + "[" + std::to_string(i) + "]";
        Message m;
        m.created_at = c.created_at;
        PONDER_READ(read_message((*messages)[i], at, std::int64_t(i), previous, m));
        if (m.parent_id && !ids.count(*m.parent_id)) {
            return bad(at + ".parent_id", "the id of an earlier message", *m.parent_id);
        }
        if (!ids.insert(m.id).second) return bad(at + ".id", "an id not used before", m.id);
        previous = m.id;
        out.messages.push_back(std::move(m));
    }
    if (const Json* calls = f.find("tool_calls"); calls && !calls->is_null()) {
        if (!calls->is_array()) return bad(f.path("tool_calls"), "an array", *calls);
        for (size_t i = 0; i < calls->size(); ++i) {
            const std::string at = f.path("tool_calls") + "[" + std::to_string(i) + "]";
            ToolCall call;
            PONDER_READ(read_tool_call((*calls)[i], at, std::int64_t(i), call));
            if (!ids.count(call.message_id)) {
                return bad(at + ".message_id", "the id of a message in this conversation",
                           call.message_id);
            }
            out.tool_calls.push_back(std::move(call));
        }
    }
    PONDER_READ(f.optional_integer("active_leaf_id", c.active_leaf));
    if (c.active_leaf && !ids.count(*c.active_leaf)) {
        return bad(f.path("active_leaf_id"), "the id of a message in this conversation",
                   *c.active_leaf);
    }
    return Status::success();
}

#undef PONDER_READ

}  // namespace

Result<std::vector<ConversationRecord>> read_conversations_json(std::string_view text) {
    Json root;
    try {
        root = Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& error) {
        // nlohmann's message says where ("at line 3, column 7") and what it expected.
        return Status(StatusCode::invalid_argument, std::string("not valid JSON: ") + error.what());
    }
    if (!root.is_object()) return bad("$", "an object", root);
    std::vector<ConversationRecord> records;
    const auto format = root.find("format");
    if (format != root.end() && format->is_string() && *format == kHistoryFormat) {
        const Fields f(root, "$");
        Status status = check_format(f, kHistoryFormat);
        if (!status.ok()) return status;
        const Json* conversations = f.find("conversations");
        if (!conversations) return missing("$.conversations");
        if (!conversations->is_array()) return bad("$.conversations", "an array", *conversations);
        for (size_t i = 0; i < conversations->size(); ++i) {
            ConversationRecord record;
            status = read_conversation((*conversations)[i],
                                       "$.conversations[" + std::to_string(i) + "]", record);
            if (!status.ok()) return status;
            records.push_back(std::move(record));
        }
        return records;
    }
    ConversationRecord record;
    Status status = read_conversation(root, "$", record);
    if (!status.ok()) return status;
    records.push_back(std::move(record));
    return records;
}

}  // namespace ponder::core
