// The order read models (DESIGN.md sections 6 and 7; docs/read-models.md): projectors
// over the order-<checkout session id> and payment-<payment_intent id> streams that the
// translator (commands/intake/translator.h) writes, and over the admitted provider events.
// Tables: order_tables.h.
//
// Deterministic: rows depend on the events only. Business times come from the payloads (the
// provider's own times), so they are the same however late the translator ran; only
// provider_events.received_at is the store's recorded_at (when the webhook was admitted).
// Odd input (a missing field) is recorded as NULL, never an error; Apply fails only when the
// ProjectionWriter does.
//
// Thread safety: a projector holds no state between events; the runtime calls one projector
// from one thread at a time.
#ifndef LEDGER_PROJECTIONS_ORDERS_ORDER_PROJECTORS_H_
#define LEDGER_PROJECTIONS_ORDERS_ORDER_PROJECTORS_H_

#include <memory>
#include <vector>

#include "projections/projector.h"

namespace ledger::projections {

// "orders" (tables orders and order_lines), "payments" and "provider_events".
std::vector<std::unique_ptr<Projector>> MakeOrderProjectors();

namespace orders {

std::unique_ptr<Projector> MakeOrdersProjector();
std::unique_ptr<Projector> MakePaymentsProjector();
std::unique_ptr<Projector> MakeProviderEventsProjector();

}  // namespace orders

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_ORDERS_ORDER_PROJECTORS_H_
