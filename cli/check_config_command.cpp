#include "cli/commands.hpp"

#include <ostream>

#include "cli/arguments.hpp"
#include "config/config_loader.hpp"
#include "config/config_summary.hpp"
#include "config/config_writer.hpp"

namespace lbdeploy::cli {

const char* const check_config_usage =
    "usage: lbdeploy check-config [--print] FILE\n"
    "\n"
    "Validates a configuration file without side effects. Prints \"ok\" and one\n"
    "line per pair, or every error with file:line:column and the key path.\n"
    "Exit code 0 when valid, 1 when not.\n"
    "\n"
    "  --print   also print the effective configuration, defaults filled in\n";

int check_config_command(const std::vector<std::string>& args, Streams streams) {
    Arguments arguments(args, {{"print", '\0', false}});
    if (arguments.positionals().size() != 1) {
        throw UsageError("check-config takes exactly one FILE");
    }
    auto result = config::load_config_file(arguments.positionals().front());
    if (!result.ok()) {
        for (const auto& diagnostic : result.diagnostics) {
            streams.err << diagnostic.to_string() << '\n';
        }
        streams.err << result.diagnostics.size() << (result.diagnostics.size() == 1 ? " error" : " errors")
                    << " in " << arguments.positionals().front() << '\n';
        return 1;
    }
    streams.out << "ok\n";
    for (const auto& pair : result.config.pairs) {
        streams.out << config::summarize(result.config, pair) << '\n';
    }
    if (arguments.flag("print")) {
        streams.out << "---\n" << config::to_yaml(result.config);
    }
    return 0;
}

}  // namespace lbdeploy::cli
