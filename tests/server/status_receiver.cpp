// status_receiver: a stand-in for GitLab's API in tests. Listens on
// 127.0.0.1 (a free port, printed as "port=N"), appends every request it
// gets to FILE (request line, headers, body, then a line "---"). Runs until
// SIGTERM. Answers as GitLab does:
//   POST /api/v4/projects/:id/deployments (environment, sha, ref, tag,
//        status): 201 with the deployment as JSON ("id", "iid", "status",
//        "environment": {"id", "name"}); the environment is created the
//        first time it is named; 400 without environment or sha, or with an
//        unknown status
//   PUT  /api/v4/projects/:id/deployments/:deployment_id (status): 200 with
//        the deployment; 404 for an id it does not know; 409 from a final
//        status (success, failed, canceled) to another status
//   GET  /api/v4/projects/:id/deployments/:deployment_id: 200 or 404
//   GET  /api/v4/projects/:id/environments: 200, the environments deployments created
//   anything else (commit statuses): 201 {}
// With --forget, a deployment is forgotten once created (its updates get
// 404, as after it was deleted in GitLab); with --cancel it is canceled once
// created (its updates get 409, as after someone stopped it in GitLab).
//
//   status_receiver FILE [--forget|--cancel]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace {

// Reads one request: headers, then Content-Length bytes of body.
std::string read_request(int client) {
    std::string data;
    char buffer[4096];
    std::size_t body_start = std::string::npos;
    std::size_t length = 0;
    for (;;) {
        if (body_start != std::string::npos && data.size() >= body_start + length) return data;
        auto n = read(client, buffer, sizeof buffer);
        if (n <= 0) return data;
        data.append(buffer, static_cast<std::size_t>(n));
        if (body_start == std::string::npos) {
            auto end = data.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            body_start = end + 4;
            for (const char* name : {"Content-Length: ", "content-length: "}) {
                auto at = data.find(name);
                if (at != std::string::npos && at < end) length = std::strtoul(data.c_str() + at + 16, nullptr, 10);
            }
        }
    }
}

struct Reply {
    int status = 201;
    nlohmann::json body = nlohmann::json::object();
};

std::string url_decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::strtol(text.substr(i + 1, 2).c_str(), nullptr, 16));
            i += 2;
        } else {
            out += text[i] == '+' ? ' ' : text[i];
        }
    }
    return out;
}

std::map<std::string, std::string> form_of(const std::string& body) {
    std::map<std::string, std::string> form;
    std::size_t start = 0;
    while (start < body.size()) {
        auto end = body.find('&', start);
        if (end == std::string::npos) end = body.size();
        auto field = body.substr(start, end - start);
        auto equals = field.find('=');
        if (equals != std::string::npos) form[url_decode(field.substr(0, equals))] = url_decode(field.substr(equals + 1));
        start = end + 1;
    }
    return form;
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

bool is_final(const std::string& status) { return status == "success" || status == "failed" || status == "canceled"; }

// What the stand-in remembers: GitLab's deployments and environments.
class Gitlab {
public:
    explicit Gitlab(std::string mode) : mode_(std::move(mode)) {}

    Reply answer(const std::string& method, const std::string& path, const std::string& body) {
        auto parts = split_path(path.substr(0, path.find('?')));
        // api, v4, projects, :id, what[, :deployment_id]
        if (parts.size() < 5 || parts[2] != "projects") return {};
        const auto& project = parts[3];
        if (parts[4] == "environments" && method == "GET") return {200, environments_of(project)};
        if (parts[4] != "deployments") return {};
        if (parts.size() == 5 && method == "POST") return create(project, form_of(body));
        if (parts.size() != 6) return {404, {{"message", "404 Not found"}}};
        auto found = deployments_.find(std::strtoll(parts[5].c_str(), nullptr, 10));
        if (found == deployments_.end() || found->second["project"] != project) {
            return {404, {{"message", "404 Not found"}}};
        }
        if (method == "GET") return {200, found->second};
        if (method == "PUT") return update(found->second, form_of(body));
        return {405, {{"message", "405 Method Not Allowed"}}};
    }

private:
    Reply create(const std::string& project, const std::map<std::string, std::string>& form) {
        auto status = form.contains("status") ? form.at("status") : "";
        if (!form.contains("environment") || !form.contains("sha") || (status != "created" && status != "running" && !is_final(status))) {
            return {400, {{"message", "400 Bad request: environment, sha and a valid status are required"}}};
        }
        auto& environment = environments_[{project, form.at("environment")}];
        if (environment == 0) environment = static_cast<std::int64_t>(environments_.size());
        auto id = next_id_++;
        nlohmann::json deployment = {
            {"id", id}, {"iid", id}, {"ref", form.contains("ref") ? form.at("ref") : ""}, {"sha", form.at("sha")},
            {"tag", form.contains("tag") && form.at("tag") == "true"}, {"status", status}, {"project", project},
            {"environment", {{"id", environment}, {"name", form.at("environment")}}}};
        if (mode_ != "--forget") deployments_[id] = deployment;
        if (mode_ == "--cancel") deployments_[id]["status"] = "canceled";
        return {201, deployment};
    }

    static Reply update(nlohmann::json& deployment, const std::map<std::string, std::string>& form) {
        auto status = form.contains("status") ? form.at("status") : "";
        if (status != "running" && !is_final(status)) return {400, {{"message", "400 Bad request: status is invalid"}}};
        auto current = deployment["status"].get<std::string>();
        if (is_final(current) && status != current) {
            return {409, {{"message", "Cannot transition status via :" + status + " from :" + current}}};
        }
        deployment["status"] = status;
        return {200, deployment};
    }

    nlohmann::json environments_of(const std::string& project) const {
        auto list = nlohmann::json::array();
        for (const auto& [key, id] : environments_) {
            if (key.first == project) list.push_back({{"id", id}, {"name", key.second}, {"state", "available"}});
        }
        return list;
    }

    std::string mode_;
    std::int64_t next_id_ = 1;
    std::map<std::int64_t, nlohmann::json> deployments_;
    std::map<std::pair<std::string, std::string>, std::int64_t> environments_;
};

void send_reply(int client, const Reply& reply) {
    auto body = reply.body.dump();
    auto head = "HTTP/1.1 " + std::to_string(reply.status) + " Answer\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    auto text = head + body;
    (void)!write(client, text.data(), text.size());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: status_receiver FILE [--forget|--cancel]\n");
        return 2;
    }
    Gitlab gitlab(argc == 3 ? argv[2] : "");
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener, 16) != 0) {
        std::perror("status_receiver");
        return 1;
    }
    socklen_t size = sizeof address;
    getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size);
    std::printf("port=%d\n", ntohs(address.sin_port));
    std::fflush(stdout);
    for (;;) {
        int client = accept(listener, nullptr, nullptr);
        if (client < 0) continue;
        auto request = read_request(client);
        {
            std::ofstream out(argv[1], std::ios::app);
            out << request << "\n---\n";
        }
        auto line_end = request.find("\r\n");
        auto line = request.substr(0, line_end);
        auto method_end = line.find(' ');
        auto path_end = line.find(' ', method_end + 1);
        auto body_start = request.find("\r\n\r\n");
        send_reply(client, method_end == std::string::npos || path_end == std::string::npos
                               ? Reply{400, {{"message", "bad request line"}}}
                               : gitlab.answer(line.substr(0, method_end),
                                               line.substr(method_end + 1, path_end - method_end - 1),
                                               body_start == std::string::npos ? "" : request.substr(body_start + 4)));
        close(client);
    }
}
