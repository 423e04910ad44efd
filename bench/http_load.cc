#include "bench/http_load.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace ledger::bench {
namespace {

struct Connection {
  int fd = -1;
  std::string out;  // the request being written
  std::size_t written = 0;
  bool want_write = false;  // registered for EPOLLOUT
  std::string in;           // bytes of the response read so far
  BenchClock::time_point sent_at;
  bool busy = false;  // a request is outstanding
};

Result<int> Connect(const LoadOptions& options) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Unavailable(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(options.port));
  if (::inet_pton(AF_INET, options.host.c_str(), &address.sin_addr) != 1) {
    ::close(fd);
    return InvalidArgument("not an IPv4 address: " + options.host);
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return Unavailable("connect to " + options.host + ":" + std::to_string(options.port) + ": " +
                       why);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

struct Response {
  std::size_t length = 0;  // header and body bytes
  int status = 0;
};

// The response at the front of `in` if it is complete (the server always sends
// Content-Length), else nullopt. A response that cannot be parsed has status 0.
std::optional<Response> CompleteResponse(std::string_view in) {
  std::size_t header_end = in.find("\r\n\r\n");
  if (header_end == std::string_view::npos) return std::nullopt;
  Response r;
  if (in.size() > 12) std::from_chars(in.data() + 9, in.data() + 12, r.status);
  std::size_t body_length = 0;
  std::string_view headers = in.substr(0, header_end + 2);
  for (std::size_t line = headers.find("\r\n"); line != std::string_view::npos;
       line = headers.find("\r\n", line + 2)) {
    std::string_view rest = headers.substr(line + 2);
    constexpr std::string_view kLength = "content-length:";
    if (StartsWithIgnoringCase(rest, kLength)) {
      std::size_t at = kLength.size();
      while (at < rest.size() && rest[at] == ' ') ++at;
      std::from_chars(rest.data() + at, rest.data() + rest.size(), body_length);
    }
  }
  r.length = header_end + 4 + body_length;
  if (in.size() < r.length) return std::nullopt;
  return r;
}

class LoadRun {
 public:
  LoadRun(const LoadOptions& options, const RequestFactory& next)
      : options_(options), next_(next), connections_(options.connections) {}
  ~LoadRun() {
    for (Connection& c : connections_) {
      if (c.fd >= 0) ::close(c.fd);
    }
    if (epoll_ >= 0) ::close(epoll_);
  }

  Result<LoadResult> Run() {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) return Internal(std::string("epoll_create1: ") + std::strerror(errno));
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      LEDGER_RETURN_IF_ERROR(Open(i));
      Send(i);
    }
    std::vector<epoll_event> events(connections_.size());
    while (BenchClock::now() < options_.window.end) {
      int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 50);
      if (n < 0 && errno != EINTR)
        return Internal(std::string("epoll_wait: ") + std::strerror(errno));
      for (int k = 0; k < n; ++k) {
        std::size_t i = events[k].data.u64;
        if (events[k].events & EPOLLOUT) Flush(i);
        if (events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) LEDGER_RETURN_IF_ERROR(Read(i));
      }
    }
    return std::move(result_);
  }

 private:
  Status Open(std::size_t i) {
    Connection& c = connections_[i];
    LEDGER_ASSIGN_OR_RETURN(int fd, Connect(options_));
    c = Connection();
    c.fd = fd;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = i;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &event) != 0)
      return Internal(std::string("epoll_ctl: ") + std::strerror(errno));
    return Status::Ok();
  }

  void WantWrite(std::size_t i, bool want) {
    Connection& c = connections_[i];
    if (c.want_write == want) return;
    c.want_write = want;
    epoll_event event{};
    event.events = want ? EPOLLIN | EPOLLOUT : EPOLLIN;
    event.data.u64 = i;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
  }

  void Send(std::size_t i) {
    Connection& c = connections_[i];
    c.out = next_();
    c.written = 0;
    c.busy = true;
    c.sent_at = BenchClock::now();
    Flush(i);
  }

  void Flush(std::size_t i) {
    Connection& c = connections_[i];
    while (c.written < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return WantWrite(i, true);
        return;  // the read side sees the connection fail and reopens it
      }
      c.written += static_cast<std::size_t>(n);
    }
    WantWrite(i, false);
  }

  Status Read(std::size_t i) {
    Connection& c = connections_[i];
    char buffer[16384];
    while (true) {
      ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        c.in.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      return Reopen(i);  // closed by the server, or failed
    }
    while (std::optional<Response> r = CompleteResponse(c.in)) {
      Complete(c, r->status);
      c.in.erase(0, r->length);
      if (BenchClock::now() < options_.window.end) Send(i);
    }
    return Status::Ok();
  }

  void Complete(Connection& c, int status) {
    BenchClock::time_point done = BenchClock::now();
    c.busy = false;
    if (!options_.window.Contains(done)) return;
    ++result_.statuses[status];
    if (status >= 200 && status < 300) {
      result_.measurement.AddOk(done - c.sent_at);
    } else {
      result_.measurement.AddError("HTTP status " + std::to_string(status));
    }
  }

  Status Reopen(std::size_t i) {
    Connection& c = connections_[i];
    if (c.busy && options_.window.Contains(BenchClock::now())) {
      result_.measurement.AddError("connection closed with a request outstanding");
    }
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    if (BenchClock::now() >= options_.window.end) return Status::Ok();
    LEDGER_RETURN_IF_ERROR(Open(i));
    Send(i);
    return Status::Ok();
  }

  const LoadOptions& options_;
  const RequestFactory& next_;
  std::vector<Connection> connections_;
  int epoll_ = -1;
  LoadResult result_;
};

}  // namespace

Result<LoadResult> RunHttpLoad(const LoadOptions& options, const RequestFactory& next_request) {
  LoadRun run(options, next_request);
  return run.Run();
}

}  // namespace ledger::bench
