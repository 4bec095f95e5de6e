// status_receiver: a stand-in for GitLab's API in tests. Listens on
// 127.0.0.1 (a free port, printed as "port=N"), appends every request it
// gets to FILE (request line, headers, body, then a line "---"), answers
// 201 {}. Runs until SIGTERM.
//
//   status_receiver FILE

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

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

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: status_receiver FILE\n");
        return 2;
    }
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
        const char reply[] = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                             "Connection: close\r\n\r\n{}";
        (void)!write(client, reply, sizeof reply - 1);
        close(client);
    }
}
