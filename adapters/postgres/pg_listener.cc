#include "adapters/postgres/pg_listener.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "adapters/postgres/pg_statements.h"

namespace ledger::pg {

Listener::Listener(Opener open) : open_(std::move(open)) {
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) stop_pipe_[0] = stop_pipe_[1] = -1;
}

Listener::~Listener() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  if (stop_pipe_[1] >= 0) {
    char byte = 1;
    [[maybe_unused]] ssize_t n = write(stop_pipe_[1], &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int fd : stop_pipe_) {
    if (fd >= 0) close(fd);
  }
}

void Listener::Start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

std::uint64_t Listener::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

bool Listener::listening() const {
  std::lock_guard lock(mu_);
  return listening_;
}

void Listener::WaitForChange(std::uint64_t seen, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  changed_.wait_until(lock, deadline, [&] { return generation_ != seen || stop_; });
}

void Listener::Bump(bool listening) {
  {
    std::lock_guard lock(mu_);
    ++generation_;
    listening_ = listening;
  }
  changed_.notify_all();
}

bool Listener::Follow(PgConnection& conn) {
  while (true) {
    pollfd fds[2] = {{conn.socket(), POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    int ready = poll(fds, stop_pipe_[0] >= 0 ? 2 : 1, /*timeout_ms=*/1000);
    {
      std::lock_guard lock(mu_);
      if (stop_) return true;
    }
    if (ready < 0) continue;  // EINTR
    if (ready == 0) continue;
    Result<int> n = conn.TakeNotifications();
    if (!n.ok() || conn.broken()) return false;
    if (*n > 0) Bump(true);
  }
}

void Listener::Run() {
  auto backoff = std::chrono::milliseconds(50);
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    Result<std::unique_ptr<PgConnection>> conn = open_();
    if (conn.ok() && (*conn)->Exec(std::string("LISTEN ") + kNotifyChannel).ok()) {
      backoff = std::chrono::milliseconds(50);
      Bump(true);  // anything committed before LISTEN took effect is found by re-reading
      if (Follow(**conn)) return;
    }
    Bump(false);
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, backoff, [&] { return stop_; });
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

}  // namespace ledger::pg
