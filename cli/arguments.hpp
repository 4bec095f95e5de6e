#pragma once
// A small command-line parser: `--name value`, `--name=value`, `-x value`,
// boolean flags and positionals. Unknown options are errors, reported with
// the command's usage so a person knows what to type instead.

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace lbdeploy::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string long_name;   // without "--"
    char short_name = '\0';  // '\0' = none
    bool takes_value = true;
};

class Arguments {
public:
    // Throws UsageError for unknown options or a missing value.
    Arguments(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);

    std::optional<std::string> value(const std::string& long_name) const;
    bool flag(const std::string& long_name) const;
    const std::vector<std::string>& positionals() const { return positionals_; }

private:
    std::map<std::string, std::string> values_;
    std::set<std::string> flags_;
    std::vector<std::string> positionals_;
};

}  // namespace lbdeploy::cli
