// Command-line arguments of one ponder-cli subcommand: "--name value" options and "--flag"
// switches, with clear errors for unknown or malformed ones. The one way the CLI parses flags.
//
// Numeric options are checked here, for every command alike: each numeric option name has one
// range (numeric_option_ranges()), and a value that is not a number of that kind, is NaN or
// infinite, or lies outside the range is refused when the arguments are parsed, before the
// command does anything, with a message naming the option and its range (exit status 2).
#pragma once

#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "engine/status.h"

namespace ponder::cli {

// Whole numbers from `min` to `max`, both included.
struct IntRange {
    long long min = 0;
    long long max = std::numeric_limits<long long>::max();
    std::string describe() const;  // "[0, 1024]", or ">= 0" without an upper end
};

// Finite numbers from `min` (excluded when `min_excluded`) to `max` (included).
struct RealRange {
    double min = 0.0;
    double max = std::numeric_limits<double>::infinity();  // infinity: no upper end
    bool min_excluded = false;
    std::string describe() const;  // "(0, 1]", "[0, 1]", "> 0" or ">= 0"
};

using NumberRange = std::variant<IntRange, RealRange>;

// Every numeric option of every ponder-cli command, by name, with the values it accepts. An
// option means the same thing in every command that takes it, so one name has one range.
const std::map<std::string, NumberRange>& numeric_option_ranges();

class Args {
  public:
    // `options` take a value ("--model DIR"); `switches` take none ("--special").
    // Bare words go to positional(). Fails on an unknown name, a missing value, or a numeric
    // option (numeric_option_ranges()) whose value is not in its range.
    static Result<Args> parse(const std::vector<std::string>& argv,
                              const std::set<std::string>& options,
                              const std::set<std::string>& switches);

    bool has(const std::string& name) const;
    std::optional<std::string> get(const std::string& name) const;
    std::string get_or(const std::string& name, const std::string& fallback) const;
    Result<std::string> require(const std::string& name) const;
    // A numeric option's value (already checked by parse), or `fallback` when it was not given.
    // internal error for a name without an IntRange/RealRange: every numeric option has one.
    Result<long long> get_int(const std::string& name, long long fallback) const;
    Result<double> get_double(const std::string& name, double fallback) const;
    const std::vector<std::string>& positional() const { return positional_; }

  private:
    std::map<std::string, std::string> values_;
    std::set<std::string> switches_;
    std::vector<std::string> positional_;
};

}  // namespace ponder::cli
