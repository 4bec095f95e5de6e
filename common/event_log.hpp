#pragma once
// The service's event log: one line per event on a stream (stderr, which
// journald collects), as logfmt text or as JSON (`lbdeploy serve --log-format
// json`). Events are names like "job.finished" with string fields.
// Thread safety: write() may be called from any thread; lines never interleave.

#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace lbdeploy::common {

enum class LogFormat { text, json };

class EventLog {
public:
    using Field = std::pair<std::string_view, std::string>;

    EventLog(std::ostream& out, LogFormat format) : out_(out), format_(format) {}

    // text: 2026-11-24T22:41:05.123Z job.finished job=5 pair=lab state=succeeded
    // json: {"time":"2026-11-24T22:41:05.123Z","event":"job.finished","job":"5",...}
    void write(std::string_view event, std::initializer_list<Field> fields);

private:
    std::ostream& out_;
    LogFormat format_;
    std::mutex mutex_;
};

}  // namespace lbdeploy::common
