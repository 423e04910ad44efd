// The webhook admission routes (DESIGN.md section 5, docs/webhooks.md):
//
//   POST /v1/webhooks/stripe[/{tenant}]    Stripe-Signature, stripe.event_received
//   POST /v1/webhooks/printify[/{tenant}]  X-Pfy-Signature, printify.event_received
//
// Each request is checked in this order, and nothing is stored unless every check passes:
// content type (415), tenant name (400), signature (401), body is a provider event (400).
// The event is then group-committed and the request answered with its own outcome: 200 once
// durable (also for a redelivery, which stores nothing), 503 + Retry-After when the store is
// unavailable.
#ifndef LEDGER_ADAPTERS_HTTP_WEBHOOK_ROUTES_H_
#define LEDGER_ADAPTERS_HTTP_WEBHOOK_ROUTES_H_

#include "adapters/http/router.h"
#include "adapters/http/service_context.h"

namespace ledger::http {

// `context` is copied; what it points to must outlive the router.
void AddWebhookRoutes(Router& router, const ServiceContext& context);

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_WEBHOOK_ROUTES_H_
