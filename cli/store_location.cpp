#include "cli/store_location.hpp"

#include <ostream>

#include "config/config_loader.hpp"

namespace lbdeploy::cli {

std::optional<std::filesystem::path> store_path(const Arguments& arguments, Streams streams) {
    if (auto db = arguments.value("db")) {
        return std::filesystem::path(*db);
    }
    auto config_file = arguments.value("config").value_or(default_config_path);
    auto result = config::load_config_file(config_file);
    if (!result.ok()) {
        for (const auto& diagnostic : result.diagnostics) streams.err << diagnostic.to_string() << '\n';
        return std::nullopt;
    }
    return result.config.server.data_dir / store_file_name;
}

}  // namespace lbdeploy::cli
