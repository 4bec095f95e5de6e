#pragma once
// A configuration error a person can act on: where it is (file, line, column,
// key path such as `pairs.dmz-prod.services.haproxy.files[1]`) and what is wrong.

#include <string>
#include <vector>

namespace lbdeploy::config {

struct Diagnostic {
    std::string file;
    int line = 0;    // 1-based
    int column = 0;  // 1-based
    std::string key_path;  // empty for errors about the document as a whole
    std::string message;

    // "FILE:LINE:COL: KEY_PATH: MESSAGE" (the key path part only when set).
    std::string to_string() const;
    bool operator==(const Diagnostic&) const = default;
};

using Diagnostics = std::vector<Diagnostic>;

}  // namespace lbdeploy::config
