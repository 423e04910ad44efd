// Printify order webhooks to order events: the pure decisions (DESIGN.md section 6).
//
// Printify's order events name only Printify's own order id. The order they fulfil is found
// from the link recorded when the order was submitted (printify_link.h), or from an
// "external_id" in the event's data when Printify sends one (the submission sets it to the
// checkout session id).
#ifndef LEDGER_COMMANDS_INTAKE_PRINTIFY_TRANSLATION_H_
#define LEDGER_COMMANDS_INTAKE_PRINTIFY_TRANSLATION_H_

#include <string>

#include "commands/intake/domain_event.h"
#include "commands/intake/order_state.h"
#include "commands/intake/provider_fact.h"

namespace ledger::commands::intake {

struct PrintifyRoute {
  bool handled_type = false;      // an order topic the translator translates
  std::string printify_order_id;  // resource.id of an order event
  std::string external_id;        // resource.data.external_id, if sent
};

// REQUIRES: fact.provider == Provider::kPrintify.
PrintifyRoute RoutePrintifyEvent(const ProviderFact& fact);

// The events to append to order-<order_id> for a Printify order event. Topics:
//   order:created                          → order.submitted_to_printify
//   order:sent-to-production, order:updated with status in-production → order.in_production
//   order:shipment:created                 → order.shipped (carrier, tracking number, skus)
//   order:shipment:delivered               → order.delivered
//   order:updated with status canceled     → order.cancelled
// Other order:updated statuses (on-hold, fulfilled, ...) change nothing: a shipment event
// carries what "fulfilled" means. A stage at or behind the order's decides nothing (late
// news); fulfilment of an order known to be unpaid or cancelled, and cancellation after
// shipment, are recorded as order.anomaly_recorded beside the fulfilment event.
DomainEvents DecidePrintifyOrder(const ProviderFact& fact, const std::string& order_id,
                                 const OrderState& state);

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_PRINTIFY_TRANSLATION_H_
