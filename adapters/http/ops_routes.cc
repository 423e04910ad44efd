#include "adapters/http/ops_routes.h"

#include <exception>

#include "adapters/http/metrics.h"
#include "adapters/http/server_options.h"

namespace ledger::http {
namespace {

// The cheapest read every store serves: one event from the start of the log (an empty
// log answers an empty list). It exercises the connection, not just the process.
Status PingStore(EventStore& store) {
  try {
    return store.ReadAll(GlobalPosition(0), 1).status();
  } catch (const std::exception& e) {
    return Unavailable(std::string("store read threw: ") + e.what());
  }
}

void Ready(const ServiceContext& context, Responder respond) {
  int retry = context.options->retry_after_seconds;
  if (context.stopping()) {
    return respond(StatusResponse(Cancelled("the server is shutting down"), retry));
  }
  context.run_blocking([store = context.store, retry, respond = std::move(respond)] {
    Status status = PingStore(*store);
    if (status.ok()) return respond(JsonResponse(200, R"({"status":"ready"})"));
    // Whatever the store said, the server is not ready: answer 503 so balancers back off.
    respond(StatusResponse(Unavailable(status.ToString()), retry));
  });
}

}  // namespace

void AddOpsRoutes(Router& router, const ServiceContext& context) {
  router.Add("GET", "/healthz", [](const HttpRequest&, const Responder& respond) {
    respond(JsonResponse(200, R"({"status":"ok"})"));
  });
  router.Add("GET", "/readyz",
             [context](const HttpRequest&, const Responder& respond) { Ready(context, respond); });
  router.Add("GET", "/metrics",
             [metrics = context.metrics, options = context.options](
                 const HttpRequest&, const Responder& respond) {
               HttpResponse response;
               response.content_type = "text/plain; version=0.0.4; charset=utf-8";
               response.body = metrics->RenderPrometheus();
               for (const auto& render : options->extra_metrics) render(response.body);
               respond(std::move(response));
             });
}

}  // namespace ledger::http
