#include "common/event_log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>

#include "common/clean_text.hpp"

namespace lbdeploy::common {

namespace {

std::string timestamp() {
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", std::chrono::floor<std::chrono::seconds>(now), ms);
}

// logfmt: bare when safe, else double-quoted with \" and \\ escaped. Values
// carry outside text (a webhook's user name, a node's error), so they pass
// the text boundary first: no terminal escape reaches a console or the journal.
std::string logfmt_value(std::string_view raw) {
    auto display = to_display_text(raw);
    std::string_view value = display;
    bool bare = !value.empty() && value.find_first_of(" \"=\\\t\n") == std::string_view::npos;
    if (bare) return std::string(value);
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c == '\n' ? ' ' : c;
    }
    return quoted + '"';
}

}  // namespace

void EventLog::write(std::string_view event, std::initializer_list<Field> fields) {
    std::string line;
    if (format_ == LogFormat::json) {
        nlohmann::json object{{"time", timestamp()}, {"event", event}};
        for (const auto& [key, value] : fields) object[std::string(key)] = value;
        line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
        line = fmt::format("{} {}", timestamp(), event);
        for (const auto& [key, value] : fields) line += fmt::format(" {}={}", key, logfmt_value(value));
    }
    std::lock_guard lock(mutex_);
    out_ << line << '\n' << std::flush;
}

}  // namespace lbdeploy::common
