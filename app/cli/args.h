// Command-line arguments of one ponder-cli subcommand: "--name value" options and "--flag"
// switches, with clear errors for unknown or malformed ones. The one way the CLI parses flags.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/status.h"

namespace ponder::cli {

class Args {
  public:
    // `options` take a value ("--model DIR"); `switches` take none ("--special").
    // Bare words go to positional(). Fails on an unknown name or a missing value.
    static Result<Args> parse(const std::vector<std::string>& argv,
                              const std::set<std::string>& options,
                              const std::set<std::string>& switches);

    bool has(const std::string& name) const;
    std::optional<std::string> get(const std::string& name) const;
    std::string get_or(const std::string& name, const std::string& fallback) const;
    Result<std::string> require(const std::string& name) const;
    Result<long long> get_int(const std::string& name, long long fallback) const;
    Result<double> get_double(const std::string& name, double fallback) const;
    const std::vector<std::string>& positional() const { return positional_; }

  private:
    std::map<std::string, std::string> values_;
    std::set<std::string> switches_;
    std::vector<std::string> positional_;
};

}  // namespace ponder::cli
