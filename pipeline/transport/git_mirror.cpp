#include "pipeline/transport/git_mirror.hpp"

#include "config/secret_file.hpp"

#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include "common/unique_fd.hpp"
#include "pipeline/transport/git_check.hpp"

namespace lbdeploy::transport {

namespace {

struct RepositoryDeleter {
    void operator()(git_repository* r) const noexcept { git_repository_free(r); }
};
struct RemoteDeleter {
    void operator()(git_remote* r) const noexcept { git_remote_free(r); }
};
struct ObjectDeleter {
    void operator()(git_object* o) const noexcept { git_object_free(o); }
};
struct CommitDeleter {
    void operator()(git_commit* c) const noexcept { git_commit_free(c); }
};
struct TreeDeleter {
    void operator()(git_tree* t) const noexcept { git_tree_free(t); }
};
struct TreeEntryDeleter {
    void operator()(git_tree_entry* e) const noexcept { git_tree_entry_free(e); }
};
struct BlobDeleter {
    void operator()(git_blob* b) const noexcept { git_blob_free(b); }
};
struct OdbDeleter {
    void operator()(git_odb* o) const noexcept { git_odb_free(o); }
};
using RepositoryPtr = std::unique_ptr<git_repository, RepositoryDeleter>;
using RemotePtr = std::unique_ptr<git_remote, RemoteDeleter>;
using ObjectPtr = std::unique_ptr<git_object, ObjectDeleter>;
using CommitPtr = std::unique_ptr<git_commit, CommitDeleter>;
using TreePtr = std::unique_ptr<git_tree, TreeDeleter>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, TreeEntryDeleter>;
using BlobPtr = std::unique_ptr<git_blob, BlobDeleter>;
using OdbPtr = std::unique_ptr<git_odb, OdbDeleter>;

std::string mebibytes(std::size_t bytes) {
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

using detail::check_git;

// Serialises fetches of one mirror across threads and processes; released on close.
class FileLock {
public:
    explicit FileLock(const std::filesystem::path& file)
        : fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        if (!fd_ || ::flock(fd_.get(), LOCK_EX) != 0) {
            throw GitError(fmt::format("cannot lock {}", file.string()));
        }
    }

private:
    common::UniqueFd fd_;
};

}  // namespace

void detail::check_git(int rc, std::string_view what) {
    if (rc < 0) {
        const git_error* error = git_error_last();
        throw GitError(fmt::format("{}: {}", what, error && error->message ? error->message : "unknown error"));
    }
}

GitLibrary::GitLibrary() {
    check_git(git_libgit2_init(), "libgit2 could not be initialised");
}

GitLibrary::~GitLibrary() {
    git_libgit2_shutdown();
}

struct Mirror::Impl {
    std::filesystem::path directory;
    config::Repository repository;
    RepositoryPtr repo;

    TreePtr tree_of(const std::string& commit) const {
        git_oid oid;
        check_git(git_oid_fromstr(&oid, commit.c_str()), "not a commit SHA: " + commit);
        git_commit* raw_commit = nullptr;
        check_git(git_commit_lookup(&raw_commit, repo.get(), &oid), "commit " + commit);
        CommitPtr owned_commit(raw_commit);
        git_tree* raw_tree = nullptr;
        check_git(git_commit_tree(&raw_tree, owned_commit.get()), "tree of " + commit);
        return TreePtr(raw_tree);
    }

    // The id of a commit the mirror holds, named by its full SHA; nullopt for
    // anything else, so that outside input never reaches revparse's syntax.
    std::optional<git_oid> commit_id(const std::string& sha) const {
        git_oid oid;
        if (sha.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, sha.c_str()) != 0) return std::nullopt;
        git_commit* raw_commit = nullptr;
        int rc = git_commit_lookup(&raw_commit, repo.get(), &oid);
        if (rc == GIT_ENOTFOUND) return std::nullopt;  // unknown, or an object that is not a commit
        check_git(rc, "commit " + sha);
        CommitPtr found(raw_commit);
        return oid;
    }

    // The id of what `path` names in `tree` ("" = the tree itself); nullopt when nothing is there.
    std::optional<git_oid> id_at(const git_tree* tree, const std::string& path) const {
        if (path.empty()) return *git_tree_id(tree);
        git_tree_entry* raw_entry = nullptr;
        int rc = git_tree_entry_bypath(&raw_entry, tree, path.c_str());
        if (rc == GIT_ENOTFOUND) return std::nullopt;
        check_git(rc, fmt::format("{}: {}", repository.name, path));
        TreeEntryPtr entry(raw_entry);
        return *git_tree_entry_id(entry.get());
    }

    // The blob's size from its header: a huge blob is refused before it is inflated.
    std::size_t blob_size(const git_oid* id, const std::string& path) const {
        git_odb* raw_odb = nullptr;
        check_git(git_repository_odb(&raw_odb, repo.get()), "object database");
        OdbPtr odb(raw_odb);
        std::size_t size = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        check_git(git_odb_read_header(&size, &type, odb.get(), id), "blob " + path);
        return size;
    }

    TreeFile read_blob(const git_tree_entry* entry, std::string path, TreeBudget& budget) const {
        auto mode = git_tree_entry_filemode(entry);
        if (mode == GIT_FILEMODE_LINK || mode == GIT_FILEMODE_COMMIT) {
            throw GitError(fmt::format("{}: {} is a symlink or submodule; only regular files are deployed",
                                       repository.name, path));
        }
        const auto& limits = budget.limits;
        if (++budget.files > limits.max_files_per_pair) {
            throw GitError(fmt::format("{}: the pair's sources hold more than limits.max_files_per_pair ({}) files",
                                       repository.name, limits.max_files_per_pair));
        }
        auto size = blob_size(git_tree_entry_id(entry), path);
        if (size > limits.max_file_size) {
            throw GitError(fmt::format("{}: {} is {}, over limits.max_file_size ({})", repository.name, path,
                                       mebibytes(size), mebibytes(limits.max_file_size)));
        }
        budget.bytes += size;
        if (budget.bytes > limits.max_bytes_per_pair) {
            throw GitError(fmt::format("{}: the pair's sources are over limits.max_bytes_per_pair ({}) at {}",
                                       repository.name, mebibytes(limits.max_bytes_per_pair), path));
        }
        git_blob* raw_blob = nullptr;
        check_git(git_blob_lookup(&raw_blob, repo.get(), git_tree_entry_id(entry)), "blob " + path);
        BlobPtr blob(raw_blob);
        const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
        return TreeFile{std::move(path), std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get()))),
                        mode == GIT_FILEMODE_BLOB_EXECUTABLE};
    }
};

namespace {

struct CredentialContext {
    const config::Repository& repository;
    int attempts = 0;
};

int provide_credentials(git_credential** out, const char* /*url*/, const char* username_from_url,
                        unsigned int allowed_types, void* payload) {
    auto& context = *static_cast<CredentialContext*>(payload);
    // libgit2 asks again after a refusal; asking forever would hang the job.
    if (++context.attempts > 1) {
        git_error_set_str(GIT_ERROR_NET, "the configured credentials were refused");
        return GIT_EUSER;
    }
    const auto& repository = context.repository;
    if ((allowed_types & GIT_CREDENTIAL_SSH_KEY) != 0 && !repository.ssh_key_file.empty()) {
        return git_credential_ssh_key_new(out, username_from_url ? username_from_url : "git", nullptr,
                                          repository.ssh_key_file.c_str(), nullptr);
    }
    if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0 && !repository.token_file.empty()) {
        std::string secret;
        try {
            secret = config::read_secret_lines(repository.token_file).front();
        } catch (const std::exception& e) {
            // Nothing may be thrown through libgit2's C frames.
            git_error_set_str(GIT_ERROR_NET, e.what());
            return GIT_EUSER;
        }
        auto colon = secret.find(':');
        // GitLab accepts any user name with a personal/project access token.
        std::string user = colon == std::string::npos ? "oauth2" : secret.substr(0, colon);
        std::string token = colon == std::string::npos ? secret : secret.substr(colon + 1);
        return git_credential_userpass_plaintext_new(out, user.c_str(), token.c_str());
    }
    return GIT_PASSTHROUGH;
}

}  // namespace

Mirror Mirror::open(const std::filesystem::path& directory, const config::Repository& repository) {
    auto impl = std::make_unique<Impl>();
    impl->directory = directory;
    impl->repository = repository;
    git_repository* raw = nullptr;
    if (std::filesystem::exists(directory / "HEAD")) {
        check_git(git_repository_open_bare(&raw, directory.c_str()), "open mirror " + directory.string());
    } else {
        std::filesystem::create_directories(directory);
        check_git(git_repository_init(&raw, directory.c_str(), 1), "create mirror " + directory.string());
    }
    impl->repo.reset(raw);
    return Mirror(std::move(impl));
}

Mirror::Mirror(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Mirror::Mirror(Mirror&&) noexcept = default;
Mirror& Mirror::operator=(Mirror&&) noexcept = default;
Mirror::~Mirror() = default;

void Mirror::fetch() {
    FileLock lock(impl_->directory / "lbdeploy-fetch.lock");
    git_remote* raw = nullptr;
    check_git(git_remote_create_anonymous(&raw, impl_->repo.get(), impl_->repository.url.c_str()),
              "remote " + impl_->repository.name);
    RemotePtr remote(raw);
    char heads[] = "+refs/heads/*:refs/heads/*";
    char tags[] = "+refs/tags/*:refs/tags/*";
    char* specs[] = {heads, tags};
    git_strarray refspecs{specs, 2};
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    options.prune = GIT_FETCH_PRUNE;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    options.callbacks.credentials = provide_credentials;
    CredentialContext credentials{impl_->repository};
    options.callbacks.payload = &credentials;
    check_git(git_remote_fetch(remote.get(), &refspecs, &options, "lbdeploy fetch"),
              fmt::format("fetch {} from {}", impl_->repository.name, impl_->repository.url));
}

std::string Mirror::resolve(const std::string& ref) const {
    git_object* raw = nullptr;
    check_git(git_revparse_single(&raw, impl_->repo.get(), ref.c_str()),
              fmt::format("{}: unknown ref \"{}\"", impl_->repository.name, ref));
    ObjectPtr object(raw);
    git_object* peeled = nullptr;
    check_git(git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT),
              fmt::format("{}: \"{}\" is not a commit", impl_->repository.name, ref));
    ObjectPtr commit(peeled);
    return git_oid_tostr_s(git_object_id(commit.get()));
}

std::string Mirror::branch_head(const std::string& branch) const {
    return resolve("refs/heads/" + branch);
}

bool Mirror::is_ancestor(const std::string& ancestor, const std::string& descendant) const {
    auto older = impl_->commit_id(ancestor);
    auto newer = impl_->commit_id(descendant);
    if (!older || !newer) return false;
    if (git_oid_equal(&*older, &*newer)) return true;  // libgit2 does not count a commit as its own descendant
    int rc = git_graph_descendant_of(impl_->repo.get(), &*newer, &*older);
    check_git(rc, fmt::format("is {} an ancestor of {}", ancestor, descendant));
    return rc == 1;
}

std::vector<TreeFile> Mirror::read_tree(const std::string& commit, const std::string& path, TreeBudget& budget) const {
    auto root = impl_->tree_of(commit);
    std::vector<TreeFile> files;
    TreePtr subtree;
    const git_tree* start = root.get();
    if (!path.empty()) {
        git_tree_entry* raw_entry = nullptr;
        int rc = git_tree_entry_bypath(&raw_entry, root.get(), path.c_str());
        if (rc == GIT_ENOTFOUND) return files;
        check_git(rc, fmt::format("{}: {}", impl_->repository.name, path));
        TreeEntryPtr entry(raw_entry);
        if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) {
            auto name = std::filesystem::path(path).filename().string();
            files.push_back(impl_->read_blob(entry.get(), name, budget));
            return files;
        }
        git_tree* raw_tree = nullptr;
        check_git(git_tree_lookup(&raw_tree, impl_->repo.get(), git_tree_entry_id(entry.get())), "tree " + path);
        subtree.reset(raw_tree);
        start = subtree.get();
    }
    struct Walk {
        const Impl* impl;
        std::vector<TreeFile>* files;
        TreeBudget* budget;
        std::string error;
    } walk{impl_.get(), &files, &budget, {}};
    auto visit = [](const char* root_path, const git_tree_entry* entry, void* payload) -> int {
        auto& w = *static_cast<Walk*>(payload);
        try {
            if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
                auto depth = std::count(root_path, root_path + std::strlen(root_path), '/') + 1;
                if (depth > w.budget->limits.max_tree_depth) {
                    throw GitError(fmt::format("{}: {}{} is nested deeper than limits.max_tree_depth ({})",
                                               w.impl->repository.name, root_path, git_tree_entry_name(entry),
                                               w.budget->limits.max_tree_depth));
                }
                return 0;
            }
            w.files->push_back(w.impl->read_blob(entry, std::string(root_path) + git_tree_entry_name(entry), *w.budget));
        } catch (const GitError& e) {
            w.error = e.what();
            return -1;
        }
        return 0;
    };
    if (git_tree_walk(start, GIT_TREEWALK_PRE, visit, &walk) != 0) {
        throw GitError(walk.error.empty() ? "cannot walk the tree of " + commit : walk.error);
    }
    return files;
}

std::vector<std::string> Mirror::changed_below(const std::string& from, const std::string& to,
                                               const std::vector<std::string>& directories) const {
    auto new_tree = impl_->tree_of(to);
    TreePtr old_tree = from.empty() ? nullptr : impl_->tree_of(from);
    std::vector<std::string> changed;
    for (const auto& directory : directories) {
        auto after = impl_->id_at(new_tree.get(), directory);
        auto before = old_tree ? impl_->id_at(old_tree.get(), directory) : std::nullopt;
        bool same = before.has_value() == after.has_value() && (!after || git_oid_equal(&*before, &*after));
        if (!same) changed.push_back(directory);
    }
    return changed;
}

std::filesystem::path mirror_directory(const std::filesystem::path& data_dir, const std::string& repository) {
    return data_dir / "mirrors" / (repository + ".git");
}

}  // namespace lbdeploy::transport
