// A minimal HTTP/1.1 client over a POSIX socket, for tests: one request per
// connection (Connection: close), the whole response read back. Raw on
// purpose: the tests send what no library would (bad bytes, wrong types).
#pragma once

#include <map>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bg::api::testing {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Connects and sends `bytes`; the socket, or -1. The answer is read later
// (ReadAnswer), so that a test can hold many requests in flight at once.
inline int SendOnly(uint16_t port, const std::string& bytes) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  return fd;
}

// Reads the whole answer on `fd` (to the peer's close) and closes it.
inline RawResponse ReadAnswer(int fd) {
  RawResponse out;
  if (fd < 0) return out;
  std::string all;
  char buf[65536];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    all.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  const size_t head_end = all.find("\r\n\r\n");
  if (head_end == std::string::npos || all.size() < 12) return out;
  out.status = std::stoi(all.substr(9, 3));
  size_t at = all.find("\r\n") + 2;
  while (at < head_end) {
    const size_t end = all.find("\r\n", at);
    const std::string line = all.substr(at, end - at);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = line.substr(colon + 2);
    }
    at = end + 2;
  }
  out.body = all.substr(head_end + 4);
  return out;
}

inline RawResponse SendRaw(uint16_t port, const std::string& bytes) {
  return ReadAnswer(SendOnly(port, bytes));
}

// The bytes of one request (Connection: close).
inline std::string RequestBytes(const std::string& method, const std::string& target,
                                const std::string& token = "", const std::string& body = "",
                                const std::string& type = "application/json",
                                const std::string& extra_headers = "") {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty() || method == "POST") {
    req += "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += extra_headers + "\r\n" + body;
  return req;
}

inline RawResponse Request(uint16_t port, const std::string& method, const std::string& target,
                           const std::string& token = "", const std::string& body = "",
                           const std::string& type = "application/json",
                           const std::string& extra_headers = "") {
  return SendRaw(port, RequestBytes(method, target, token, body, type, extra_headers));
}

}  // namespace bg::api::testing
