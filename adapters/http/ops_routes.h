// Operations routes: GET /healthz (the process answers), GET /readyz (the store answers a
// read; 503 while shutting down or while the store is unavailable), GET /metrics
// (Prometheus text format).
#ifndef LEDGER_ADAPTERS_HTTP_OPS_ROUTES_H_
#define LEDGER_ADAPTERS_HTTP_OPS_ROUTES_H_

#include "adapters/http/router.h"
#include "adapters/http/service_context.h"

namespace ledger::http {

// `context` is copied; what it points to must outlive the router.
void AddOpsRoutes(Router& router, const ServiceContext& context);

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_OPS_ROUTES_H_
