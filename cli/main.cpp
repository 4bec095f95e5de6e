// The binary's edge: picks the subcommand and turns exceptions that reach it
// into a message and an exit code. Each subcommand composes what it needs;
// serve_command.cpp is the composition root of the service.

#include <iostream>
#include <string_view>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/version.hpp"
#include "config/config_loader.hpp"
#include "storage/sqlite.hpp"

namespace {

constexpr const char* usage =
    "usage: lbdeploy COMMAND [OPTIONS]\n"
    "\n"
    "Deploys load-balancer configuration from git to HA pairs, one node at a time.\n"
    "\n"
    "commands:\n"
    "  check-config FILE   validate a configuration file (exit 0 valid, 1 invalid)\n"
    "  deploy              run one deployment of a pair now (or a dry run)\n"
    "  jobs                list jobs from the job store\n"
    "  recover             recover a pair a dead job left half-done, now\n"
    "  serve               run the service: webhooks, worker, REST API, live logs\n"
    "\n"
    "  lbdeploy COMMAND --help   shows a command's options\n"
    "  lbdeploy --version        shows the version\n";

struct Command {
    std::string_view name;
    int (*run)(const std::vector<std::string>&, lbdeploy::cli::Streams);
    const char* usage;
};

const Command commands[] = {
    {"check-config", lbdeploy::cli::check_config_command, lbdeploy::cli::check_config_usage},
    {"deploy", lbdeploy::cli::deploy_command, lbdeploy::cli::deploy_usage},
    {"jobs", lbdeploy::cli::jobs_command, lbdeploy::cli::jobs_usage},
    {"recover", lbdeploy::cli::recover_command, lbdeploy::cli::recover_usage},
    {"serve", lbdeploy::cli::serve_command, lbdeploy::cli::serve_usage},
};

int run_command(const Command& command, const std::vector<std::string>& args) {
    lbdeploy::cli::Streams streams{std::cout, std::cerr};
    for (const auto& arg : args) {
        if (arg == "--help" || arg == "-h") {
            std::cout << command.usage;
            return 0;
        }
    }
    try {
        return command.run(args, streams);
    } catch (const lbdeploy::cli::UsageError& error) {
        std::cerr << "lbdeploy " << command.name << ": " << error.what() << "\n\n" << command.usage;
        return 2;
    } catch (const lbdeploy::config::ConfigInvalid& error) {
        for (const auto& diagnostic : error.diagnostics()) std::cerr << diagnostic.to_string() << '\n';
        return 1;
    } catch (const lbdeploy::storage::StorageError& error) {
        std::cerr << "lbdeploy " << command.name << ": job store: " << error.what() << '\n';
        return 1;
    } catch (const std::exception& error) {
        std::cerr << "lbdeploy " << command.name << ": " << error.what() << '\n';
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << usage;
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::cout << "lbdeploy " << lbdeploy::cli::version << " (" << lbdeploy::cli::git_describe << ")\n";
        return 0;
    }
    for (const auto& command : commands) {
        if (command.name == args[0]) {
            return run_command(command, std::vector<std::string>(args.begin() + 1, args.end()));
        }
    }
    std::cerr << "lbdeploy: unknown command \"" << args[0] << "\"\n\n" << usage;
    return 2;
}
