#include "app/core/storage/record_checks.h"

#include <cmath>
#include <set>
#include <string>

#include "app/core/storage/utf8.h"

namespace ponder::core {
namespace {

Status bad(const std::string& field, const std::string& rule, double value) {
    return Status(StatusCode::invalid_argument,
                  field + " must be " + rule + ", got " + std::to_string(value));
}

Status check_count(const char* field, const std::optional<std::int64_t>& value) {
    if (value && *value < 0) return bad(std::string("metrics.") + field, ">= 0", double(*value));
    return Status::success();
}

}  // namespace

Status check_settings(const ConversationSettings& settings) {
    const SamplingSettings& s = settings.sampling;
    if (!std::isfinite(s.temperature) || s.temperature < 0) {
        return bad("sampling.temperature", "a number >= 0", s.temperature);
    }
    if (!std::isfinite(s.top_p) || s.top_p <= 0 || s.top_p > 1) {
        return bad("sampling.top_p", "in (0, 1]", s.top_p);
    }
    if (s.top_k < 0) return bad("sampling.top_k", ">= 0 (0 turns it off)", double(s.top_k));
    if (!std::isfinite(s.min_p) || s.min_p < 0 || s.min_p > 1) {
        return bad("sampling.min_p", "in [0, 1]", s.min_p);
    }
    if (s.max_output_tokens < 0) {
        return bad("sampling.max_output_tokens", ">= 0 (0 means no limit)",
                   double(s.max_output_tokens));
    }
    std::set<std::string> seen;
    for (const std::string& tool : settings.enabled_tools) {
        if (tool.empty()) {
            return Status(StatusCode::invalid_argument, "enabled_tools has an empty tool name");
        }
        if (!seen.insert(tool).second) {
            return Status(StatusCode::invalid_argument, "enabled_tools lists '" + tool + "' twice");
        }
    }
    return Status::success();
}

Status check_metrics(const MessageMetrics& metrics) {
    for (auto [field, value] : {std::pair{"prompt_tokens", metrics.prompt_tokens},
                                {"completion_tokens", metrics.completion_tokens},
                                {"reasoning_tokens", metrics.reasoning_tokens},
                                {"ttft_ms", metrics.ttft_ms},
                                {"reasoning_ms", metrics.reasoning_ms}}) {
        Status status = check_count(field, value);
        if (!status.ok()) return status;
    }
    if (metrics.tokens_per_second &&
        (!std::isfinite(*metrics.tokens_per_second) || *metrics.tokens_per_second < 0)) {
        return bad("metrics.tokens_per_second", "a number >= 0", *metrics.tokens_per_second);
    }
    return Status::success();
}

ConversationSettings repaired(const ConversationSettings& settings) {
    ConversationSettings out = settings;
    out.model = repair_utf8(settings.model);
    out.developer_instructions = repair_utf8(settings.developer_instructions);
    for (std::string& tool : out.enabled_tools)
        tool = repair_utf8(tool);
    return out;
}

NewMessage repaired(const NewMessage& message) {
    NewMessage out = message;
    for (std::string* field : {&out.author_name, &out.channel, &out.recipient, &out.content_type,
                               &out.text, &out.state_detail}) {
        *field = repair_utf8(*field);
    }
    return out;
}

}  // namespace ponder::core
