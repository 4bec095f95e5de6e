#pragma once
// Secrets of the server: the webhook token and the API bearer tokens, read
// from their files at start, compared in constant time.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"

namespace lbdeploy::server {

// Equal strings, in time independent of where they differ (and of their lengths).
bool constant_time_equal(std::string_view a, std::string_view b);

class Credentials {
public:
    // Reads the files named by the configuration; throws std::runtime_error
    // naming a file that cannot be read or holds no token.
    static Credentials load(const std::filesystem::path& webhook_token_file,
                            const std::filesystem::path& api_tokens_file, bool anonymous_reads);

    bool webhooks_enabled() const { return webhook_token_.has_value(); }
    bool webhook_token_ok(std::string_view presented) const;

    // nullopt when allowed; otherwise the 401 reply's message.
    std::optional<std::string> check_read(const Request& request) const;
    std::optional<std::string> check_write(const Request& request) const;

private:
    bool bearer_ok(const Request& request) const;

    std::optional<std::string> webhook_token_;
    std::vector<std::string> api_tokens_;
    bool anonymous_reads_ = true;
};

}  // namespace lbdeploy::server
