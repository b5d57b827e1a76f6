#include "app/cli/args.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace ponder::cli {

namespace {

std::string number_text(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

// Ok when `text` is a value `range` allows; otherwise the usage error every command gives.
Status check_number(const std::string& name, const std::string& text, const NumberRange& range) {
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (const auto* integers = std::get_if<IntRange>(&range)) {
        long long value = 0;
        auto [stop, error] = std::from_chars(begin, end, value);
        if (error == std::errc() && stop == end && value >= integers->min &&
            value <= integers->max) {
            return Status::success();
        }
        return Status(StatusCode::invalid_argument, "--" + name + " must be a whole number " +
                                                        integers->describe() + ", got '" + text +
                                                        "'");
    }
    const auto& reals = std::get<RealRange>(range);
    double value = 0.0;
    auto [stop, error] = std::from_chars(begin, end, value);
    // NaN fails every comparison and so every range; infinity is refused even without an upper
    // end, since no setting means "infinitely".
    const bool above_min = reals.min_excluded ? value > reals.min : value >= reals.min;
    if (error == std::errc() && stop == end && std::isfinite(value) && above_min &&
        value <= reals.max) {
        return Status::success();
    }
    return Status(StatusCode::invalid_argument,
                  "--" + name + " must be a number " + reals.describe() + ", got '" + text + "'");
}

}  // namespace

std::string IntRange::describe() const {
    if (max == std::numeric_limits<long long>::max()) return ">= " + std::to_string(min);
    return "in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
}

std::string RealRange::describe() const {
    if (std::isinf(max)) return (min_excluded ? "> " : ">= ") + number_text(min);
    return std::string("in ") + (min_excluded ? "(" : "[") + number_text(min) + ", " +
           number_text(max) + "]";
}

const std::map<std::string, NumberRange>& numeric_option_ranges() {
    static const std::map<std::string, NumberRange> ranges = {
        // Sampling (chat, generate): the ranges the sampler and the history accept.
        {"temperature", RealRange{0.0}},         // 0: always the most likely token
        {"top-p", RealRange{0.0, 1.0, true}},    // 1: off
        {"top-k", IntRange{0}},                  // 0: off
        {"min-p", RealRange{0.0, 1.0}},          // 0: off
        {"seed", IntRange{0}},                   // stored as a signed 64-bit number
        {"max-tokens", IntRange{0}},             // chat: 0 = until the context is full
        {"context", IntRange{256, 131072}},      // tokens; gpt-oss's longest is 131,072
        {"threads", IntRange{0, 1024}},          // 0: every hardware thread
        {"timeout-ms", IntRange{1, 3'600'000}},  // tool: at most an hour
        // history list/search.
        {"limit", IntRange{1}},
        {"offset", IntRange{0}},
        // bench.
        {"prompt-tokens", IntRange{1}},
        {"gen-tokens", IntRange{1}},
        {"context-depth", IntRange{0}},
        {"prefill-chunk", IntRange{0, 65536}},  // 0: the backend's choice
        // history bench.
        {"conversations", IntRange{2}},
        {"messages", IntRange{1}},
        {"long", IntRange{3}},
        {"seconds", RealRange{0.0, 3600.0, true}},
        {"rate", RealRange{0.0, 100000.0, true}},  // tokens per second
    };
    return ranges;
}

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::set<std::string>& options,
                         const std::set<std::string>& switches) {
    Args args;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& word = argv[i];
        if (word.rfind("--", 0) != 0 || word.size() == 2) {
            args.positional_.push_back(word);
            continue;
        }
        std::string name = word.substr(2);
        std::optional<std::string> inline_value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (switches.count(name)) {
            if (inline_value)
                return Status(StatusCode::invalid_argument, "--" + name + " takes no value");
            args.switches_.insert(name);
        } else if (options.count(name)) {
            if (inline_value) {
                args.values_[name] = *inline_value;
            } else if (i + 1 < argv.size()) {
                args.values_[name] = argv[++i];
            } else {
                return Status(StatusCode::invalid_argument, "--" + name + " needs a value");
            }
            const auto& ranges = numeric_option_ranges();
            if (auto range = ranges.find(name); range != ranges.end()) {
                Status checked = check_number(name, args.values_[name], range->second);
                if (!checked.ok()) return checked;
            }
        } else {
            return Status(StatusCode::invalid_argument, "unknown option --" + name);
        }
    }
    return args;
}

bool Args::has(const std::string& name) const {
    return switches_.count(name) > 0 || values_.count(name) > 0;
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::string Args::get_or(const std::string& name, const std::string& fallback) const {
    return get(name).value_or(fallback);
}

Result<std::string> Args::require(const std::string& name) const {
    if (auto value = get(name)) return *value;
    return Status(StatusCode::invalid_argument, "missing required option --" + name);
}

Result<long long> Args::get_int(const std::string& name, long long fallback) const {
    const auto& ranges = numeric_option_ranges();
    auto range = ranges.find(name);
    if (range == ranges.end() || !std::holds_alternative<IntRange>(range->second)) {
        return Status(StatusCode::internal, "--" + name + " has no whole-number range");
    }
    auto text = get(name);
    if (!text) return fallback;
    long long value = 0;
    std::from_chars(text->data(), text->data() + text->size(), value);  // checked by parse()
    return value;
}

Result<double> Args::get_double(const std::string& name, double fallback) const {
    const auto& ranges = numeric_option_ranges();
    auto range = ranges.find(name);
    if (range == ranges.end() || !std::holds_alternative<RealRange>(range->second)) {
        return Status(StatusCode::internal, "--" + name + " has no number range");
    }
    auto text = get(name);
    if (!text) return fallback;
    double value = 0.0;
    std::from_chars(text->data(), text->data() + text->size(), value);  // checked by parse()
    return value;
}

}  // namespace ponder::cli
