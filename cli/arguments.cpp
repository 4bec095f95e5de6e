#include "cli/arguments.hpp"

#include <algorithm>

namespace lbdeploy::cli {

namespace {

const OptionSpec* find_spec(const std::vector<OptionSpec>& specs, const std::string& arg) {
    auto it = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& spec) {
        return arg == "--" + spec.long_name || (spec.short_name != '\0' && arg == std::string{'-', spec.short_name});
    });
    return it == specs.end() ? nullptr : &*it;
}

}  // namespace

Arguments::Arguments(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::optional<std::string> inline_value;
        if (auto equals = arg.find('='); arg.starts_with("--") && equals != std::string::npos) {
            inline_value = arg.substr(equals + 1);
            arg = arg.substr(0, equals);
        }
        if (arg.size() < 2 || arg[0] != '-') {
            positionals_.push_back(arg);
            continue;
        }
        const auto* spec = find_spec(specs, arg);
        if (spec == nullptr) {
            throw UsageError("unknown option " + arg);
        }
        if (!spec->takes_value) {
            if (inline_value) throw UsageError("option " + arg + " takes no value");
            flags_.insert(spec->long_name);
        } else if (inline_value) {
            values_[spec->long_name] = *inline_value;
        } else if (i + 1 < args.size()) {
            values_[spec->long_name] = args[++i];
        } else {
            throw UsageError("option " + arg + " needs a value");
        }
    }
}

std::optional<std::string> Arguments::value(const std::string& long_name) const {
    auto it = values_.find(long_name);
    return it == values_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

bool Arguments::flag(const std::string& long_name) const { return flags_.contains(long_name); }

}  // namespace lbdeploy::cli
