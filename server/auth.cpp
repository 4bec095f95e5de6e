#include "server/auth.hpp"

#include "common/sha256.hpp"
#include "config/secret_file.hpp"

#include <openssl/crypto.h>

namespace lbdeploy::server {

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Comparing digests keeps the time independent of the lengths too: both
    // hex digests are 64 characters, whatever was presented.
    auto da = common::sha256_hex(a);
    auto db = common::sha256_hex(b);
    return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

Credentials Credentials::load(const std::filesystem::path& webhook_token_file,
                              const std::filesystem::path& api_tokens_file, bool anonymous_reads) {
    Credentials credentials;
    if (!webhook_token_file.empty()) credentials.webhook_token_ = config::read_secret_lines(webhook_token_file).front();
    if (!api_tokens_file.empty()) credentials.api_tokens_ = config::read_secret_lines(api_tokens_file);
    credentials.anonymous_reads_ = anonymous_reads;
    return credentials;
}

bool Credentials::webhook_token_ok(std::string_view presented) const {
    return webhook_token_ && constant_time_equal(presented, *webhook_token_);
}

bool Credentials::bearer_ok(const Request& request) const {
    auto header = request[http::field::authorization];
    if (!header.starts_with("Bearer ")) return false;
    std::string_view presented(header.data() + 7, header.size() - 7);
    bool ok = false;
    for (const auto& token : api_tokens_) ok = constant_time_equal(presented, token) || ok;  // no early exit
    return ok;
}

std::optional<std::string> Credentials::check_read(const Request& request) const {
    if (anonymous_reads_ || bearer_ok(request)) return std::nullopt;
    return "reading needs Authorization: Bearer <token> (auth.anonymous_reads is off)";
}

std::optional<std::string> Credentials::check_write(const Request& request) const {
    if (api_tokens_.empty()) return "write endpoints are disabled: auth.api_tokens_file is not configured";
    if (bearer_ok(request)) return std::nullopt;
    return "this endpoint needs Authorization: Bearer <token>";
}

}  // namespace lbdeploy::server
