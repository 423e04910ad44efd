// The HTTP server of `ledger serve` (Boost.Beast on Asio): webhook admission, operations
// routes, and whatever later modules register (ServerOptions::extra_routes).
//
// Shape: a pool of network threads (one per hardware thread by default) runs every
// connection; handlers verify and decode on those threads and hand appends to one group
// committer thread, which answers each request after its own outcome is durable. Blocking
// store reads run on a separate small pool. HTTP/1.1 keep-alive; limits on header and body
// size (413 is decided from Content-Length before reading, and enforced while reading
// chunked bodies); read, idle and write timeouts. Exceptions from Beast and Asio stay inside.
//
// Graceful shutdown (Shutdown(), or SIGTERM/SIGINT after StopOnSignals()): stop accepting,
// close idle connections, let requests in flight finish and be answered (up to
// shutdown_timeout), commit whatever is queued, stop the threads.
#ifndef LEDGER_ADAPTERS_HTTP_SERVER_H_
#define LEDGER_ADAPTERS_HTTP_SERVER_H_

#include <functional>
#include <memory>

#include "adapters/http/server_options.h"
#include "engine/clock.h"
#include "engine/event_store.h"

namespace ledger::http {

class Metrics;

class Server {
 public:
  // Validates `options`, binds the listening socket and starts all threads; returns once
  // connections are being accepted. `store` and `clock` (null: the system clock; it decides
  // whether a Stripe signature is stale) must outlive the server. InvalidArgument for bad
  // options, Unavailable if the address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(EventStore& store, const ServerOptions& options,
                                               Clock* clock = nullptr);
  ~Server();  // Shutdown(), then Wait()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the chosen one when the options asked for port 0).
  int port() const;

  // From now on SIGTERM and SIGINT start a graceful shutdown instead of killing the process.
  void StopOnSignals();

  // Starts a graceful shutdown and returns at once. Thread-safe, idempotent; may be called
  // from a handler.
  void Shutdown();

  // Blocks until the server has shut down (after Shutdown() or a signal) and returns OK, or
  // the reason it could not shut down cleanly. Call from one thread, not from a handler.
  Status Wait();

  const Metrics& metrics() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Runs a server until SIGTERM or SIGINT, then shuts down gracefully and returns OK (the
// caller exits 0). `on_listening` is called once with the bound port, after the signal
// handlers are installed. The CLI's `ledger serve` is this call.
Status RunServer(EventStore& store, const ServerOptions& options, Clock* clock,
                 const std::function<void(int port)>& on_listening = {});

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_SERVER_H_
