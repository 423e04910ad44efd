// What route handlers may use: the store, the group committer, metrics, the clock and the
// options, plus a place to run blocking work. Owned by the server; valid until it stops.
#ifndef LEDGER_ADAPTERS_HTTP_SERVICE_CONTEXT_H_
#define LEDGER_ADAPTERS_HTTP_SERVICE_CONTEXT_H_

#include <functional>

#include "engine/clock.h"
#include "engine/event_store.h"

namespace ledger::http {

class GroupCommitter;
class Metrics;
struct ServerOptions;

struct ServiceContext {
  EventStore* store = nullptr;
  GroupCommitter* committer = nullptr;  // appends that should be group-committed
  Metrics* metrics = nullptr;
  Clock* clock = nullptr;
  const ServerOptions* options = nullptr;
  // Runs `work` on a small pool reserved for blocking calls (store reads), so that they never
  // stall the network threads. The work answers its request itself.
  std::function<void(std::function<void()> work)> run_blocking;
  // True once graceful shutdown has begun: readiness turns 503 so balancers drain us.
  std::function<bool()> stopping;
};

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_SERVICE_CONTEXT_H_
