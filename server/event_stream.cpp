#include "server/event_stream.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>

#include "server/json_views.hpp"
#include "storage/job_store.hpp"
#include "storage/log_store.hpp"

namespace lbdeploy::server {

namespace asio = boost::asio;

namespace {

constexpr int batch = 500;
constexpr auto write_timeout = std::chrono::seconds(10);

std::string event_text(const storage::LogLine& line) {
    bool step = line.stream == "step";
    auto data = step ? nlohmann::json::parse(line.text, nullptr, false) : to_json(line);
    if (step && data.is_object()) data["seq"] = line.seq;
    return fmt::format("id: {}\nevent: {}\ndata: {}\n\n", line.seq, step ? "step" : "log", data.dump());
}

}  // namespace

EventStreamer::EventStreamer(storage::Database& db, std::chrono::milliseconds poll_interval,
                             std::chrono::milliseconds heartbeat)
    : db_(db), poll_interval_(poll_interval), heartbeat_(heartbeat) {}

asio::awaitable<void> EventStreamer::run(boost::beast::tcp_stream& stream, const Request& request,
                                         EventStreamReply reply) {
    auto header = fmt::format(
        "HTTP/1.1 200 OK\r\nServer: lbdeploy\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
        "X-Accel-Buffering: no\r\nConnection: close\r\n\r\nretry: 1000\n\n");
    (void)request;
    auto send = [&](const std::string& text) -> asio::awaitable<bool> {
        stream.expires_after(write_timeout);  // a viewer that stops reading is dropped
        boost::system::error_code ec;
        co_await asio::async_write(stream, asio::buffer(text), asio::redirect_error(asio::use_awaitable, ec));
        co_return !ec;
    };
    if (!co_await send(header)) co_return;
    storage::LogStore logs(db_);
    storage::JobStore jobs(db_);
    auto cursor = reply.after;
    auto last_write = std::chrono::steady_clock::now();
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        auto lines = logs.read(reply.job, cursor, batch);
        if (!lines.empty()) {
            std::string text;
            for (const auto& line : lines) text += event_text(line);
            if (!co_await send(text)) co_return;
            cursor = lines.back().seq;
            last_write = std::chrono::steady_clock::now();
            if (static_cast<int>(lines.size()) == batch) continue;
        }
        auto job = jobs.find(reply.job);
        if (!job || (storage::is_final(job->state) && logs.last_seq(reply.job) <= cursor)) {
            nlohmann::json end = job ? nlohmann::json{{"state", storage::to_string(job->state)}, {"error", job->error}}
                                     : nlohmann::json{{"error", "the job is gone"}};
            co_await send(fmt::format("id: {}\nevent: end\ndata: {}\n\n", cursor, end.dump()));
            co_return;
        }
        if (std::chrono::steady_clock::now() - last_write >= heartbeat_) {
            if (!co_await send(": heartbeat\n\n")) co_return;
            last_write = std::chrono::steady_clock::now();
        }
        timer.expires_after(poll_interval_);
        boost::system::error_code ignored;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
}

}  // namespace lbdeploy::server
