#pragma once
// The subcommands of the `lbdeploy` binary. Each takes its arguments (after the
// subcommand name) and the streams to write to, and returns the exit code.
// They throw UsageError for bad arguments; main() prints the usage.

#include <iosfwd>
#include <string>
#include <vector>

namespace lbdeploy::cli {

struct Streams {
    std::ostream& out;
    std::ostream& err;
};

int check_config_command(const std::vector<std::string>& args, Streams streams);
int jobs_command(const std::vector<std::string>& args, Streams streams);
int deploy_command(const std::vector<std::string>& args, Streams streams);
int serve_command(const std::vector<std::string>& args, Streams streams);
int recover_command(const std::vector<std::string>& args, Streams streams);

extern const char* const check_config_usage;
extern const char* const jobs_usage;
extern const char* const deploy_usage;
extern const char* const serve_usage;
extern const char* const recover_usage;

}  // namespace lbdeploy::cli
