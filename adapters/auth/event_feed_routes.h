// The event feed (docs/api.md, "Event feed"): the log in its gap-free order, for auditors and
// admins, restricted to the token's tenant.
//
//   GET /v1/events?after=<position>&limit=<1..1000>   one page as JSON
//   GET /v1/events/stream?after=<position>            server-sent events, resumable with
//                                                      Last-Event-ID
//
// Positions are global positions of the shared log; a page's `next` (and an SSE client's
// resume point) is the last position the server read, even when that event belonged to
// another tenant, so that paging never rereads. Lives in adapters/auth rather than
// adapters/http because it authenticates with bearer tokens, and ledger::auth depends on
// ledger::http.
#ifndef LEDGER_ADAPTERS_AUTH_EVENT_FEED_ROUTES_H_
#define LEDGER_ADAPTERS_AUTH_EVENT_FEED_ROUTES_H_

#include <chrono>
#include <cstddef>
#include <memory>

#include "adapters/auth/token_verifier.h"
#include "adapters/http/server_options.h"

namespace ledger::auth {

struct EventFeedOptions {
  // An SSE comment sent when nothing else was written for this long, so that proxies keep an
  // idle stream open and a vanished client is noticed.
  std::chrono::milliseconds heartbeat{15'000};
  // How long one store wait lasts before the stream looks again at whether it should stop.
  std::chrono::milliseconds poll{500};
  // Events read per store call; a JSON page also stops after reading this many times its
  // limit without finding enough of the tenant's events (its `next` then says where to go on).
  std::size_t read_batch = 500;
  std::size_t max_scan_factor = 10;
};

http::RouteRegistrar EventFeedRoutes(std::shared_ptr<const TokenVerifier> verifier,
                                     EventFeedOptions options = {});

}  // namespace ledger::auth

#endif  // LEDGER_ADAPTERS_AUTH_EVENT_FEED_ROUTES_H_
