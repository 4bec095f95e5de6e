#pragma once
// Server-Sent Events for one job: every log line (steps are log lines of
// stream "step") as `event: log` / `event: step` with the line's sequence
// number as its id, so a client that reconnects with Last-Event-ID gets
// exactly the lines it missed; a heartbeat comment while nothing happens; an
// `end` event once the job is final and everything was sent.
//
// However many viewers watch a job, one feed per job reads the store (every
// poll_interval while someone watches) and wakes the viewers when lines
// arrive, so the cost of a viewer is its socket writes, not queries.
// Everything here runs on the I/O thread (one thread: no locks).

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "server/http.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::server {

class EventStreamer {
public:
    // `db` is used on the I/O thread only.
    explicit EventStreamer(storage::Database& db,
                           std::chrono::milliseconds poll_interval = std::chrono::milliseconds(25),
                           std::chrono::milliseconds heartbeat = std::chrono::seconds(15));

    boost::asio::awaitable<void> run(boost::beast::tcp_stream& stream, const Request& request,
                                     EventStreamReply reply);

private:
    struct Feed {
        storage::JobId job = 0;
        std::vector<std::string> events;  // events[i] is the text of the line with seq i + 1
        bool final = false;
        std::string end_event;            // set once final and complete
        std::set<boost::asio::steady_timer*> waiting;
        int viewers = 0;
    };

    std::shared_ptr<Feed> subscribe(storage::JobId job, const boost::asio::any_io_executor& executor);
    void unsubscribe(const std::shared_ptr<Feed>& feed);
    boost::asio::awaitable<void> poll(std::shared_ptr<Feed> feed);
    bool refresh(Feed& feed);  // reads new lines; true when something changed

    storage::Database& db_;
    std::chrono::milliseconds poll_interval_;
    std::chrono::milliseconds heartbeat_;
    std::map<storage::JobId, std::shared_ptr<Feed>> feeds_;
};

}  // namespace lbdeploy::server
