#include "app/cli/args.h"

#include <charconv>
#include <cstdlib>

namespace ponder::cli {

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
    auto text = get(name);
    if (!text) return fallback;
    long long value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size()) {
        return Status(StatusCode::invalid_argument,
                      "--" + name + " expects an integer, got '" + *text + "'");
    }
    return value;
}

Result<double> Args::get_double(const std::string& name, double fallback) const {
    auto text = get(name);
    if (!text) return fallback;
    char* end = nullptr;
    double value = std::strtod(text->c_str(), &end);
    if (text->empty() || end != text->c_str() + text->size()) {
        return Status(StatusCode::invalid_argument,
                      "--" + name + " expects a number, got '" + *text + "'");
    }
    return value;
}

}  // namespace ponder::cli
