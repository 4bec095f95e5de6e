#include "server/event_stream.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>

#include "server/json_views.hpp"
#include "storage/job_store.hpp"
#include "storage/log_store.hpp"

namespace lbdeploy::server {

namespace asio = boost::asio;

namespace {

constexpr int batch = 1000;
constexpr auto write_timeout = std::chrono::seconds(10);
constexpr const char* stream_header =
    "HTTP/1.1 200 OK\r\nServer: lbdeploy\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
    "X-Accel-Buffering: no\r\nConnection: close\r\n\r\nretry: 1000\n\n";

std::string event_text(const storage::LogLine& line) {
    bool step = line.stream == "step";
    auto data = step ? nlohmann::json::parse(line.text, nullptr, false) : to_json(line);
    if (step && data.is_object()) {
        data["seq"] = line.seq;
        data["time"] = line.time;
    }
    return fmt::format("id: {}\nevent: {}\ndata: {}\n\n", line.seq, step ? "step" : "log",
                       data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

EventStreamer::EventStreamer(storage::Database& db, std::chrono::milliseconds poll_interval,
                             std::chrono::milliseconds heartbeat)
    : db_(db), poll_interval_(poll_interval), heartbeat_(heartbeat) {}

bool EventStreamer::refresh(Feed& feed) {
    storage::LogStore logs(db_);
    bool changed = false;
    for (;;) {
        auto lines = logs.read(feed.job, static_cast<std::int64_t>(feed.events.size()), batch);
        for (const auto& line : lines) feed.events.push_back(event_text(line));
        changed = changed || !lines.empty();
        if (static_cast<int>(lines.size()) < batch) break;
    }
    if (!feed.final) {
        auto job = storage::JobStore(db_).find(feed.job);
        // Final and no line after it: the log is complete (lines are written before the state).
        if (!job || (storage::is_final(job->state) && logs.last_seq(feed.job) <= static_cast<std::int64_t>(feed.events.size()))) {
            nlohmann::json end = job ? nlohmann::json{{"state", storage::to_string(job->state)}, {"error", job->error}}
                                     : nlohmann::json{{"error", "the job is gone"}};
            feed.final = true;
            feed.end_event = fmt::format("id: {}\nevent: end\ndata: {}\n\n", feed.events.size(),
                                          end.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            changed = true;
        }
    }
    return changed;
}

std::shared_ptr<EventStreamer::Feed> EventStreamer::subscribe(storage::JobId job, const asio::any_io_executor& executor) {
    auto& feed = feeds_[job];
    if (!feed) {
        feed = std::make_shared<Feed>();
        feed->job = job;
        refresh(*feed);
        if (!feed->final) asio::co_spawn(executor, poll(feed), asio::detached);
    }
    ++feed->viewers;
    return feed;
}

void EventStreamer::unsubscribe(const std::shared_ptr<Feed>& feed) {
    if (--feed->viewers == 0) feeds_.erase(feed->job);  // the poller sees viewers == 0 and ends
}

// One reader per watched job; wakes every waiting viewer when lines arrive.
asio::awaitable<void> EventStreamer::poll(std::shared_ptr<Feed> feed) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (feed->viewers > 0 && !feed->final) {
        timer.expires_after(poll_interval_);
        boost::system::error_code ignored;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        if (feed->viewers > 0 && refresh(*feed)) {
            for (auto* waiting : feed->waiting) waiting->cancel();
        }
    }
}

asio::awaitable<void> EventStreamer::run(boost::beast::tcp_stream& stream, const Request& /*request*/,
                                         EventStreamReply reply) {
    auto executor = co_await asio::this_coro::executor;
    auto send = [&](const std::string& text) -> asio::awaitable<bool> {
        stream.expires_after(write_timeout);  // a viewer that stops reading is dropped
        boost::system::error_code ec;
        co_await asio::async_write(stream, asio::buffer(text), asio::redirect_error(asio::use_awaitable, ec));
        co_return !ec;
    };
    if (!co_await send(stream_header)) co_return;
    auto feed = subscribe(reply.job, executor);
    asio::steady_timer wake(executor);
    auto cursor = static_cast<std::size_t>(std::max<std::int64_t>(0, reply.after));
    bool open = true;
    while (open) {
        std::string text;
        for (; cursor < feed->events.size(); ++cursor) text += feed->events[cursor];
        if (feed->final) text += feed->end_event;
        if (!text.empty()) open = co_await send(text);
        if (!open || feed->final) break;
        wake.expires_after(heartbeat_);
        feed->waiting.insert(&wake);
        boost::system::error_code woken;
        co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, woken));
        feed->waiting.erase(&wake);
        if (!woken && cursor == feed->events.size()) open = co_await send(": heartbeat\n\n");
    }
    unsubscribe(feed);
}

}  // namespace lbdeploy::server
