// The query API (docs/api.md, "Queries"): GET routes over the read models, one list route and
// possibly one detail route per resource of resources.h.
//
//   GET /v1/orders?status=paid&limit=20&cursor=...&min_position=42
//     -> {"items":[{...}, ...], "next_cursor": "..." | null, "position": 42}
//   GET /v1/orders/{id}?min_position=42   -> {...the order..., "lines":[...]}
//
// Every request carries a bearer token (adapters/auth/request_auth.h): 401 without a valid
// one, 403 when its role may not read the resource. The token's tenant, and for customers
// their customer id, become the queries::Scope the reader enforces; a row outside the scope is
// indistinguishable from a row that does not exist (a detail is 404 either way). Reads run on
// ServiceContext::run_blocking, never on a network thread. Lives beside adapters/auth and
// adapters/http rather than in them because it needs both.
#ifndef LEDGER_ADAPTERS_QUERY_QUERY_ROUTES_H_
#define LEDGER_ADAPTERS_QUERY_QUERY_ROUTES_H_

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "adapters/auth/token_verifier.h"
#include "adapters/http/http_message.h"
#include "adapters/http/server_options.h"
#include "adapters/http/service_context.h"
#include "adapters/query/resources.h"
#include "queries/list_query.h"
#include "queries/read_model_reader.h"

namespace ledger::query {

// A detail request with `as_of`, already authenticated and parsed, for a route whose
// DetailRoute::as_of is set.
struct AsOfRequest {
  const Resource* resource = nullptr;
  queries::Scope scope;  // who asks: the answer must not show anything outside it
  std::string id;        // the path's {id}, percent-decoded
  Timestamp as_of;
};

// Answers an AsOfRequest with the whole response (the object as it was at `as_of`, or 404
// not_found for an id unknown or outside the scope, never telling them apart). Called on the
// blocking pool; may block.
using AsOfHandler =
    std::function<http::HttpResponse(const AsOfRequest& request, const http::ServiceContext&)>;

struct QueryRouteOptions {
  // min_position: how long a request waits for the projector to get there (then 503
  // not_caught_up), and how often it looks. The wait also ends when the server stops.
  std::chrono::milliseconds max_wait{2'000};
  std::chrono::milliseconds poll{10};
  // The resources served; each must pass ValidateResource (QueryRoutes aborts otherwise).
  std::span<const Resource> resources = StandardResources();
  // Answers `as_of` on detail routes that offer it; empty: such requests are 400
  // "as_of is not supported on this route".
  AsOfHandler as_of;
};

// `reader` is shared by every request and must be thread-safe (read_model_reader.h says all
// readers are); it and `verifier` live as long as the registered routes.
http::RouteRegistrar QueryRoutes(std::shared_ptr<const auth::TokenVerifier> verifier,
                                 std::shared_ptr<queries::ReadModelReader> reader,
                                 QueryRouteOptions options = {});

}  // namespace ledger::query

#endif  // LEDGER_ADAPTERS_QUERY_QUERY_ROUTES_H_
