#include "cli/commands.hpp"

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <ostream>
#include <thread>

#include "cli/arguments.hpp"
#include "cli/store_location.hpp"
#include "cli/systemd_notify.hpp"
#include "common/process_identity.hpp"
#include "config/config_loader.hpp"
#include "pipeline/jobs/commit_status.hpp"
#include "pipeline/jobs/deployment_notifier.hpp"
#include "pipeline/jobs/recovery_jobs.hpp"
#include "pipeline/jobs/worker.hpp"
#include "pipeline/transport/git_mirror.hpp"
#include "pipeline/transport/ssh_session.hpp"
#include "server/http_server.hpp"
#include "server/server_context.hpp"
#include "storage/checkpointer.hpp"
#include "storage/job_store.hpp"
#include "storage/schema.hpp"

namespace lbdeploy::cli {

const char* const serve_usage =
    "usage: lbdeploy serve [-c CONFIG] [--listen HOST:PORT] [--log-format text|json]\n"
    "\n"
    "Runs the service: GitLab webhooks, the job worker, the REST API, live logs\n"
    "and metrics, until a signal stops it.\n"
    "\n"
    "  -c, --config  the configuration file (default /etc/lbdeploy/lbdeploy.yaml)\n"
    "  --listen      HOST:PORT, overrides server.listen (port 0: any free port;\n"
    "                stdout then says `lbdeploy: listening on URL`)\n"
    "  --log-format  events (webhooks, jobs, shutdown) go to stderr, one line each:\n"
    "                text (logfmt, the default) or json (one object per line)\n"
    "\n"
    "SIGTERM or SIGINT: stop accepting, stop claiming jobs, let running rollouts\n"
    "reach a safe point within server.shutdown_grace, then exit. A second signal\n"
    "exits at once (running jobs become `interrupted` at the next start).\n";

namespace {

server::HttpLimits limits_of(const config::ServerSettings& settings) {
    server::HttpLimits limits;
    limits.max_body_size = settings.max_body_size;
    limits.header_timeout = settings.header_timeout;
    limits.body_timeout = settings.body_timeout;
    return limits;
}

// Where people find job pages: server.public_url, else the listen address.
std::string public_url(const config::ServerSettings& settings, const std::string& listen) {
    auto url = settings.public_url.empty() ? "http://" + listen : settings.public_url;
    while (url.ends_with('/')) url.pop_back();
    return url;
}

// Jobs that were running when lbdeploy died are interrupted; their pairs are
// marked and, under `recovery: auto`, get a recovery job, whose pre-check
// heals the nodes from their journals.
void recover(const config::Config& config, storage::Database& db, common::EventLog& log) {
    storage::JobStore store(db);
    auto interrupted = store.recover_interrupted();
    for (auto id : interrupted) {
        log.write("job.interrupted", {{"job", std::to_string(id)}, {"reason", "running when lbdeploy stopped"}});
    }
    // Also those interrupted earlier (by `lbdeploy jobs`, or before a crash
    // right here) that nothing has recovered since.
    for (auto id : jobs::queue_recovery_jobs(config, db, store.interrupted_without_successor())) {
        log.write("job.recovery_queued", {{"job", std::to_string(id)}});
    }
}

common::LogFormat log_format(const Arguments& arguments) {
    auto format = arguments.value("log-format").value_or("text");
    if (format == "text") return common::LogFormat::text;
    if (format == "json") return common::LogFormat::json;
    throw UsageError("--log-format is text or json");
}

// What the first SIGINT/SIGTERM stops, in order.
struct Draining {
    common::EventLog& log;
    server::HttpServer& http;
    jobs::Worker& worker;
    boost::asio::io_context& io;
    config::Duration grace;
    std::function<void(const std::string&)> tell_systemd;
    std::thread& stopper;
};

// The first signal stops accepting, asks the running rollouts to stop at a
// safe point within the grace, then ends the I/O loop; a second one exits now.
void drain_on_signal(boost::asio::signal_set& signals, Draining draining) {
    signals.async_wait([&signals, draining](const boost::system::error_code& error, int signal) {
        if (error) return;
        draining.log.write("server.draining", {{"signal", std::to_string(signal)},
                                               {"grace_s", std::to_string(draining.grace.count() / 1000)}});
        draining.http.stop_accepting();
        draining.tell_systemd("STOPPING=1\nSTATUS=draining: running rollouts are stopping at a safe point");
        signals.async_wait([](const boost::system::error_code& again, int) {
            if (!again) ::_exit(130);  // a second signal: now, whatever runs
        });
        draining.stopper = std::thread([draining] {
            auto left = draining.worker.stop(draining.grace);
            if (!left.empty()) {
                // Their threads still use the store, the config and the
                // worker: nothing may be destroyed under them. The next start
                // marks the jobs interrupted and recovers their pairs.
                for (auto id : left) draining.log.write("job.left_running", {{"job", std::to_string(id)}});
                draining.log.write("server.stopped", {{"jobs_left_running", std::to_string(left.size())}});
                std::fflush(nullptr);
                ::_exit(1);
            }
            draining.io.stop();
        });
    });
}

}  // namespace

int serve_command(const std::vector<std::string>& args, Streams streams) {
    Arguments arguments(args, {{"config", 'c', true}, {"listen", '\0', true}, {"log-format", '\0', true}});
    if (!arguments.positionals().empty()) throw UsageError("serve takes no positional arguments");
    common::EventLog log(streams.err, log_format(arguments));
    auto config = config::load_config_or_throw(arguments.value("config").value_or(default_config_path));
    auto credentials = server::Credentials::load(config.gitlab.webhook_token_file, config.auth.api_tokens_file,
                                                 config.auth.anonymous_reads);
    transport::SshLibrary ssh_library;
    transport::GitLibrary git_library;
    auto store = config.server.data_dir / store_file_name;
    auto db = storage::open_store(store);
    recover(config, db, log);
    // The I/O thread never runs a WAL checkpoint (an fsync of the database
    // inside a webhook's reply); the checkpointer thread does, every second.
    db.execute("PRAGMA wal_autocheckpoint=0");
    storage::Checkpointer checkpointer(store, std::chrono::seconds(1));

    boost::asio::io_context io(1);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);  // before any thread starts: all inherit the mask
    auto listen = arguments.value("listen").value_or(config.server.listen);
    jobs::CommitStatusNotifier statuses(config, public_url(config.server, listen));
    jobs::DeploymentNotifier deployments(config, store);  // after recover(): ends what interrupted jobs left running
    auto job_changed = [&statuses, &deployments](const storage::Job& job) {
        statuses.notify(job);
        deployments.notify(job);
    };
    jobs::Worker worker(config, store, job_changed, &log);
    boost::asio::thread_pool blocking(2);
    server::ServerContext context{config, db, worker, blocking, std::move(credentials), {}, {}};
    context.job_changed = job_changed;
    context.log = &log;
    server::Router router;
    server::add_routes(router, context);
    server::EventStreamer events(db);
    server::HttpServer http(io, router, events, limits_of(config.server), &log);
    auto endpoint = http.listen(listen);
    worker.start();
    // The nodes' own records, for pairs no job is deploying: SSH to every
    // node, so on a thread of its own, never in the way of the first webhook.
    std::jthread journal_scan([&config, &store, &log] { jobs::recover_half_done_pairs(config, store, log); });
    auto url = fmt::format("http://{}:{}", endpoint.address().to_string(), endpoint.port());
    streams.out << "lbdeploy: listening on " << url << '\n' << std::flush;  // scripts wait for this line
    log.write("server.listening", {{"url", url}, {"pairs", std::to_string(config.pairs.size())}});
    // Under systemd (Type=notify) the unit is "started" only now: the store is
    // open, interrupted jobs are marked, the socket accepts.
    SystemdNotifier systemd;
    auto tell_systemd = [&](const std::string& state) {
        if (!systemd.notify(state)) log.write("systemd.notify_failed", {{"state", state.substr(0, state.find('\n'))}});
    };
    tell_systemd(fmt::format("READY=1\nSTATUS=listening on {}, {} pair(s)", url, config.pairs.size()));

    std::thread stopper;
    drain_on_signal(signals, {log, http, worker, io, config.server.shutdown_grace, tell_systemd, stopper});
    io.run();
    if (stopper.joinable()) stopper.join();
    journal_scan.join();  // its SSH connects time out within ssh.connect_timeout
    blocking.join();
    log.write("server.stopped", {});
    streams.out << "lbdeploy: stopped\n";
    return 0;
}

}  // namespace lbdeploy::cli
