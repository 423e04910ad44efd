#include "tests/http/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>

namespace ledger::testing {
namespace {

constexpr int kTimeoutSeconds = 20;

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval timeout{kTimeoutSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string ClientResponse::Header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? "" : it->second;
}

std::string BuildRequest(std::string_view method, std::string_view target, const Headers& headers,
                         std::string_view body, bool keep_alive, bool chunked) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (const auto& [name, value] : headers)
    out.append(name).append(": ").append(value).append("\r\n");
  if (!keep_alive) out += "Connection: close\r\n";
  if (chunked) {
    out += "Transfer-Encoding: chunked\r\n\r\n";
    constexpr std::size_t kChunk = std::size_t{64} << 10;
    for (std::size_t at = 0; at < body.size(); at += kChunk) {
      std::string_view part = body.substr(at, kChunk);
      char size[32];
      auto [end, ec] = std::to_chars(size, size + sizeof size, part.size(), 16);
      out.append(size, end).append("\r\n").append(part).append("\r\n");
    }
    return out + "0\r\n\r\n";
  }
  out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
  return out.append(body);
}

HttpConnection::HttpConnection(int port) : fd_(Connect(port)) {}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpConnection::Send(std::string_view bytes) {
  while (fd_ >= 0 && !bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return fd_ >= 0;
}

bool HttpConnection::Fill() {
  if (fd_ < 0) return false;
  char chunk[64 * 1024];
  while (true) {
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

ClientResponse HttpConnection::Read() {
  ClientResponse response;
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) return response;
  }
  std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return response;
  int status = std::stoi(status_line.substr(9, 3));
  while (line_end != std::string::npos) {
    std::size_t next = head.find("\r\n", line_end + 2);
    std::string line = head.substr(line_end + 2, next - line_end - 2);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::size_t value = line.find_first_not_of(' ', colon + 1);
      response.headers[Lower(line.substr(0, colon))] =
          value == std::string::npos ? "" : line.substr(value);
    }
    line_end = next;
  }
  std::size_t length = std::stoul(
      response.Header("content-length").empty() ? "0" : response.Header("content-length"));
  while (buffer_.size() < length) {
    if (!Fill()) return response;
  }
  response.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  response.status = status;
  return response;
}

bool HttpConnection::ClosedByPeer() { return buffer_.empty() && !Fill(); }

ClientResponse Request(int port, std::string_view method, std::string_view target,
                       const Headers& headers, std::string_view body) {
  HttpConnection connection(port);
  // A failed write does not end the exchange: the server may refuse early and answer.
  connection.Send(BuildRequest(method, target, headers, body));
  return connection.Read();
}

bool ConnectionRefused(int port) {
  int fd = Connect(port);
  if (fd < 0) return true;
  ::close(fd);
  return false;
}

}  // namespace ledger::testing
