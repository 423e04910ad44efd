// GET /v1/orders/{id}/events (docs/api.md, "Order timeline"): every event of the order's
// stream `order-<id>`, in version order, as the event feed shows events (the JSON-lines form
// without raw_body): type, time, positions, metadata (causation_id = the provider event's
// ledger event id, correlation_id = the provider's event id, actor, source) and payload
// (provider, provider_event_id, provider_event_type, at, ...). The console's order timeline.
//
//   -> {"order_id":"cs_1","events":[{...}, ...],"truncated":false}
//
// For admin, operator and auditor tokens (the payloads carry buyers' details; customers read
// their orders through /v1/orders). Scoped by the token's tenant: an order of another tenant
// and an order that does not exist are the same 404, so ids cannot be probed. No query
// parameters are accepted (400), so a typo never looks like an answer.
#ifndef LEDGER_ADAPTERS_CONSOLE_ORDER_EVENTS_ROUTE_H_
#define LEDGER_ADAPTERS_CONSOLE_ORDER_EVENTS_ROUTE_H_

#include <cstddef>
#include <memory>

#include "adapters/auth/token_verifier.h"
#include "adapters/http/server_options.h"

namespace ledger::console {

// An order stream longer than this answers its first kMaxOrderEvents events with
// "truncated": true. Real orders have a dozen.
inline constexpr std::size_t kMaxOrderEvents = 1000;

// Reads the events through the server's EventStore (ServiceContext::store) on the blocking
// pool. `verifier` lives as long as the routes.
http::RouteRegistrar OrderEventsRoute(std::shared_ptr<const auth::TokenVerifier> verifier);

}  // namespace ledger::console

#endif  // LEDGER_ADAPTERS_CONSOLE_ORDER_EVENTS_ROUTE_H_
