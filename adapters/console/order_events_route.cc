#include "adapters/console/order_events_route.h"

#include <string>
#include <variant>
#include <vector>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "adapters/auth/request_auth.h"
#include "adapters/http/router.h"
#include "adapters/http/service_context.h"
#include "engine/event_json.h"
#include "engine/event_validation.h"

namespace ledger::console {
namespace {

http::HttpResponse OrderNotFound(const std::string& order_id) {
  return http::ErrorResponse(404, "not_found", "orders: nothing found under '" + order_id + "'");
}

// REQUIRES: runs on the blocking pool (it reads the store).
http::HttpResponse ReadTimeline(EventStore& store, const TenantId& tenant,
                                const std::string& order_id, int retry_after_seconds) {
  StreamId stream("order-" + order_id);
  // An id that cannot name a stream names no order: the same 404 as an unknown one.
  if (!ValidateStreamId(stream).ok()) return OrderNotFound(order_id);
  StreamReadOptions options;
  options.limit = kMaxOrderEvents + 1;
  Result<std::vector<RecordedEvent>> events = store.ReadStream(stream, options);
  if (!events.ok()) return http::StatusResponse(events.status(), retry_after_seconds);
  // A stream belongs to one tenant (the store refuses appends from another), so its first
  // event says whose it is.
  if (events->empty() || events->front().tenant != tenant) return OrderNotFound(order_id);
  const bool truncated = events->size() > kMaxOrderEvents;
  if (truncated) events->resize(kMaxOrderEvents);

  std::string body = R"({"order_id":)" + boost::json::serialize(boost::json::value(order_id)) +
                     R"(,"events":[)";
  bool first = true;
  for (RecordedEvent& event : *events) {
    if (!first) body += ',';
    first = false;
    event.raw_body.reset();  // the provider's bytes stay in the log, as in the event feed
    AppendEventJson(event, body);
  }
  body += R"(],"truncated":)";
  body += truncated ? "true}" : "false}";
  return http::JsonResponse(200, std::move(body));
}

}  // namespace

http::RouteRegistrar OrderEventsRoute(std::shared_ptr<const auth::TokenVerifier> verifier) {
  return [verifier = std::move(verifier)](http::Router& router,
                                          const http::ServiceContext& context) {
    router.Add(
        "GET", "/v1/orders/{id}/events",
        [verifier, context](const http::HttpRequest& request, const http::Responder& respond) {
          auth::Authentication auth = auth::AuthenticateRequest(
              *verifier, request, {commands::kRoleAdmin, commands::kRoleOperator,
                                   auth::kRoleAuditor});
          if (auto* refusal = std::get_if<http::HttpResponse>(&auth)) {
            return respond(std::move(*refusal));
          }
          if (!request.query.empty()) {
            return respond(http::ErrorResponse(
                400, "invalid_argument", "/v1/orders/{id}/events takes no query parameters"));
          }
          if (context.stopping()) {
            return respond(http::StatusResponse(Cancelled("the server is shutting down"),
                                                context.options->retry_after_seconds));
          }
          context.run_blocking([context, tenant = std::get<auth::Claims>(auth).tenant,
                                order_id = request.params.at("id"), respond] {
            respond(ReadTimeline(*context.store, tenant, order_id,
                                 context.options->retry_after_seconds));
          });
        });
  };
}

}  // namespace ledger::console
