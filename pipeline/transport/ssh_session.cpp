#include "pipeline/transport/ssh_session.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "pipeline/transport/ssh_session_impl.hpp"

namespace lbdeploy::transport {

using detail::KeyPtr;

SshLibrary::SshLibrary() {
    if (ssh_init() != SSH_OK) {
        throw SshError("libssh could not be initialised");
    }
}

SshLibrary::~SshLibrary() {
    ssh_finalize();
}

void SshSession::Impl::verify_host_key() {
    ssh_key raw_key = nullptr;
    if (ssh_get_server_publickey(session.get(), &raw_key) != SSH_OK) fail("no host key received");
    KeyPtr key(raw_key);
    unsigned char* hash = nullptr;
    std::size_t hash_length = 0;
    if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_length) != 0) {
        fail("cannot hash the host key");
    }
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_length);
    ssh_clean_pubkey_hash(&hash);
    fingerprint = text ? text : "?";
    ssh_string_free_char(text);

    auto known = ssh_session_is_known_server(session.get());
    auto where = target.settings.known_hosts.string();
    switch (known) {
    case SSH_KNOWN_HOSTS_OK:
        return;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        throw HostKeyError(fmt::format("{}: host key {} does not match {} (possible man-in-the-middle, or the "
                                       "node was reinstalled: verify, then update known_hosts)",
                                       target.host, fingerprint, where));
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        if (target.settings.trust_unknown_hosts) {
            if (ssh_session_update_known_hosts(session.get()) != SSH_OK) fail("cannot add the host key to " + where);
            return;
        }
        throw HostKeyError(fmt::format("{}: host key {} is not in {} (add it after verifying the fingerprint)",
                                       target.host, fingerprint, where));
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    fail("cannot check the host key against " + where);
}

void SshSession::Impl::authenticate() {
    std::string attempts;
    if (!target.settings.identity_file.empty()) {
        ssh_key raw_key = nullptr;
        if (ssh_pki_import_privkey_file(target.settings.identity_file.c_str(), nullptr, nullptr, nullptr, &raw_key) !=
            SSH_OK) {
            throw SshError(fmt::format("{}: cannot read the private key {}", target.host,
                                       target.settings.identity_file.string()));
        }
        KeyPtr key(raw_key);
        if (ssh_userauth_publickey(session.get(), nullptr, key.get()) == SSH_AUTH_SUCCESS) return;
        attempts = "key " + target.settings.identity_file.string();
    }
    if (target.settings.use_agent) {
        if (ssh_userauth_agent(session.get(), nullptr) == SSH_AUTH_SUCCESS) return;
        attempts += attempts.empty() ? "ssh-agent" : " and ssh-agent";
    }
    throw SshError(fmt::format("{}: authentication as {} refused ({})", target.host, target.settings.user,
                               attempts.empty() ? "no key configured" : attempts));
}

SshSession SshSession::connect(const SshTarget& target) {
    auto impl = std::make_unique<Impl>();
    impl->target = target;
    impl->session.reset(ssh_new());
    if (!impl->session) throw SshError("libssh could not allocate a session");
    ssh_session s = impl->session.get();
    bool no = false;
    long timeout_s = std::max<long>(1, static_cast<long>(target.settings.connect_timeout.count() / 1000));
    int port = target.settings.port;
    const char* null_file = "/dev/null";
    if (ssh_options_set(s, SSH_OPTIONS_HOST, target.host.c_str()) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_PORT, &port) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_USER, target.settings.user.c_str()) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, target.settings.known_hosts.c_str()) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, null_file) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout_s) != SSH_OK) {
        impl->fail("invalid SSH options");
    }
    if (ssh_connect(s) != SSH_OK) {
        throw SshError(fmt::format("{}:{}: cannot connect: {}", target.host, target.settings.port, impl->error_text()));
    }
    impl->verify_host_key();
    impl->authenticate();
    return SshSession(std::move(impl));
}

SshSession::SshSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SshSession::SshSession(SshSession&&) noexcept = default;
SshSession& SshSession::operator=(SshSession&&) noexcept = default;
SshSession::~SshSession() {
    if (impl_) impl_->sftp.reset();  // before the session it lives on
}

bool SshSession::is_connected() const {
    return ssh_is_connected(impl_->session.get()) != 0;
}

const std::string& SshSession::host() const {
    return impl_->target.host;
}

std::string SshSession::host_key_fingerprint() const {
    return impl_->fingerprint;
}

}  // namespace lbdeploy::transport
