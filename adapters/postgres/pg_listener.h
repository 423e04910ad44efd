// Listener: one dedicated connection that LISTENs on the store's channel, on its own thread,
// and counts notifications. WaitForEvents waits for that count to change; the count also
// moves when the listener (re)connects, since notifications may have been missed meanwhile.
// Notifications only wake readers: what is readable is always decided by reading.
//
// Thread-safe. The thread starts on the first Start() and stops in the destructor.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_LISTENER_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_LISTENER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "adapters/postgres/pg_connection.h"

namespace ledger::pg {

class Listener {
 public:
  using Opener = std::function<Result<std::unique_ptr<PgConnection>>()>;

  explicit Listener(Opener open);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Starts the thread if it is not running. Does not wait for it to connect.
  void Start();
  std::uint64_t generation() const;
  // Whether LISTEN is in effect (otherwise waiters must poll).
  bool listening() const;
  // Returns once generation() != seen or at `deadline`, whichever is first.
  void WaitForChange(std::uint64_t seen, std::chrono::steady_clock::time_point deadline);

 private:
  void Run();
  // Waits on the connection's socket and the stop pipe; false when the connection failed.
  bool Follow(PgConnection& conn);
  void Bump(bool listening);

  const Opener open_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::uint64_t generation_ = 0;  // guarded by mu_
  bool listening_ = false;        // guarded by mu_
  bool stop_ = false;             // guarded by mu_
  bool started_ = false;          // guarded by mu_
  int stop_pipe_[2] = {-1, -1};   // written to wake the thread's poll() for stopping
  std::thread thread_;
};

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_LISTENER_H_
