// Stripe events to domain events: the pure decisions of the translator (DESIGN.md sections 5
// and 6; the mapping is tabled in commands/README.md and docs/events.md).
//
// Every decision looks only at the Stripe object's own state and times and at the folded
// state of the business stream, never at the order in which events arrived: an older fact
// that arrives after a newer one decides nothing, a fact already reflected in the state
// decides nothing, and a fact that contradicts the state (a payment for an expired checkout,
// a refund-era failure after success) is recorded as an anomaly beside both states, never
// dropped.
#ifndef LEDGER_COMMANDS_INTAKE_STRIPE_TRANSLATION_H_
#define LEDGER_COMMANDS_INTAKE_STRIPE_TRANSLATION_H_

#include <string>

#include "commands/intake/domain_event.h"
#include "commands/intake/order_state.h"
#include "commands/intake/payment_state.h"
#include "commands/intake/provider_fact.h"

namespace ledger::commands::intake {

// Which business streams a Stripe event is about. Both ids empty: nothing to translate
// (a type the translator does not handle, or an object that names no PaymentIntent, such as
// a charge made without one).
struct StripeRoute {
  bool handled_type = false;      // the type is one the translator translates
  std::string order_id;           // checkout session id → order-<id>
  std::string payment_intent_id;  // → payment-<id>
};

// REQUIRES: fact.provider == Provider::kStripe.
StripeRoute RouteStripeEvent(const ProviderFact& fact);

// The events to append to order-<route.order_id>, given that stream's state.
DomainEvents DecideStripeOrder(const ProviderFact& fact, const OrderState& state);

// The events to append to payment-<route.payment_intent_id>, given that stream's state.
DomainEvents DecideStripePayment(const ProviderFact& fact, const PaymentState& state);

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_STRIPE_TRANSLATION_H_
