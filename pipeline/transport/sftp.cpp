#include "pipeline/transport/ssh_session.hpp"

#include <fcntl.h>

#include <array>

#include "pipeline/transport/ssh_session_impl.hpp"

// File operations over the session's SFTP subsystem (opened on first use).
namespace lbdeploy::transport {

using detail::AttributesPtr;
using detail::SftpFilePtr;
using detail::transfer_chunk;

std::optional<RemoteStat> SshSession::stat(const std::string& path) {
    AttributesPtr attributes(sftp_stat(impl_->sftp_handle(), path.c_str()));
    if (!attributes) {
        if (impl_->sftp_missing()) return std::nullopt;
        impl_->fail_sftp("cannot stat", path);
    }
    return RemoteStat{attributes->permissions & 07777u, attributes->uid, attributes->gid,
                      attributes->type == SSH_FILEXFER_TYPE_DIRECTORY};
}

std::optional<RemoteFile> SshSession::read_file(const std::string& path) {
    SftpFilePtr file(sftp_open(impl_->sftp_handle(), path.c_str(), O_RDONLY, 0));
    if (!file) {
        if (impl_->sftp_missing()) return std::nullopt;
        impl_->fail_sftp("cannot open", path);
    }
    AttributesPtr attributes(sftp_fstat(file.get()));
    if (!attributes) impl_->fail_sftp("cannot stat", path);
    RemoteFile result;
    result.stat = {attributes->permissions & 07777u, attributes->uid, attributes->gid,
                   attributes->type == SSH_FILEXFER_TYPE_DIRECTORY};
    if (result.stat.is_directory) throw SshError(fmt::format("{}: {} is a directory", impl_->target.host, path));
    std::array<char, transfer_chunk> buffer{};
    for (;;) {
        auto n = sftp_read(file.get(), buffer.data(), buffer.size());
        if (n < 0) impl_->fail_sftp("cannot read", path);
        if (n == 0) break;
        result.content.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return result;
}

std::optional<RemoteStat> SshSession::link_stat(const std::string& path) {
    AttributesPtr attributes(sftp_lstat(impl_->sftp_handle(), path.c_str()));
    if (!attributes) {
        if (impl_->sftp_missing()) return std::nullopt;
        impl_->fail_sftp("cannot stat", path);
    }
    return RemoteStat{attributes->permissions & 07777u, attributes->uid, attributes->gid,
                      attributes->type == SSH_FILEXFER_TYPE_DIRECTORY,
                      attributes->type == SSH_FILEXFER_TYPE_SYMLINK};
}

void SshSession::Impl::write_whole_file(const std::string& path, std::string_view content, unsigned mode, int flags) {
    auto handle = sftp_handle();
    SftpFilePtr file(sftp_open(handle, path.c_str(), O_WRONLY | O_CREAT | flags, static_cast<mode_t>(mode)));
    if (!file) fail_sftp((flags & O_EXCL) != 0 ? "cannot create (it exists, or is a link)" : "cannot create", path);
    while (!content.empty()) {
        auto chunk = content.substr(0, transfer_chunk);
        auto n = sftp_write(file.get(), chunk.data(), chunk.size());
        if (n <= 0) fail_sftp("cannot write", path);
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    if (sftp_extension_supported(handle, "fsync@openssh.com", "1") != 0 && sftp_fsync(file.get()) != 0) {
        fail_sftp("cannot fsync", path);
    }
    if (sftp_close(file.release()) != 0) fail_sftp("cannot close", path);
}

void SshSession::write_file(const std::string& path, std::string_view content, unsigned mode) {
    impl_->write_whole_file(path, content, mode, O_TRUNC);
    if (sftp_chmod(impl_->sftp_handle(), path.c_str(), static_cast<mode_t>(mode)) != 0) impl_->fail_sftp("cannot chmod", path);
}

void SshSession::write_new_file(const std::string& path, std::string_view content, unsigned mode) {
    impl_->write_whole_file(path, content, mode, O_EXCL);
    auto written = link_stat(path);
    if (!written || written->is_symlink || written->is_directory) {
        throw SshError(fmt::format("{}: {} was replaced while it was written; refusing to use it", impl_->target.host, path));
    }
    if (sftp_chmod(impl_->sftp_handle(), path.c_str(), static_cast<mode_t>(mode)) != 0) impl_->fail_sftp("cannot chmod", path);
}

void SshSession::set_owner(const std::string& path, unsigned uid, unsigned gid) {
    if (sftp_chown(impl_->sftp_handle(), path.c_str(), uid, gid) != 0) impl_->fail_sftp("cannot chown", path);
}

void SshSession::make_directory(const std::string& path, unsigned mode) {
    if (sftp_mkdir(impl_->sftp_handle(), path.c_str(), static_cast<mode_t>(mode)) == 0) return;
    auto existing = stat(path);
    if (!existing || !existing->is_directory) impl_->fail_sftp("cannot create the directory", path);
}

void SshSession::remove_file(const std::string& path) {
    if (sftp_unlink(impl_->sftp_handle(), path.c_str()) != 0 && !impl_->sftp_missing()) {
        impl_->fail_sftp("cannot remove", path);
    }
}

}  // namespace lbdeploy::transport
