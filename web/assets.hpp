#pragma once
// The web UI's files, compiled into the binary (cmake/EmbedAssets.cmake): the
// machines that run lbdeploy often have no internet, and nothing is fetched
// or built at run time.

#include <string_view>

namespace lbdeploy::web {

struct Asset {
    std::string_view name;          // "app.js"
    std::string_view content_type;
    std::string_view body;
    std::string_view etag;          // quoted, from the file's SHA-256
};

// nullptr when there is no such file.
const Asset* find_asset(std::string_view name);

}  // namespace lbdeploy::web
