// An order as the translator knows it, folded from its stream order-<checkout session id>.
// Each facet only moves forward (payment: unpaid → paid or failed; fulfilment: submitted →
// in production → shipped → delivered), which is what lets the translator ignore an older
// fact that arrives late instead of regressing the order.
#ifndef LEDGER_COMMANDS_INTAKE_ORDER_STATE_H_
#define LEDGER_COMMANDS_INTAKE_ORDER_STATE_H_

#include <boost/json/object.hpp>
#include <set>
#include <span>
#include <string>

#include "engine/event.h"

namespace ledger::commands::intake {

enum class OrderPayment { kUnpaid, kPaid, kFailed };
// Ordered: a later stage has a larger value.
enum class Fulfilment { kNone = 0, kSubmitted = 1, kInProduction = 2, kShipped = 3, kDelivered = 4 };

std::string_view OrderPaymentName(OrderPayment payment);  // "unpaid", "paid", "failed"
std::string_view FulfilmentName(Fulfilment stage);  // "none", "submitted", "in_production", ...

struct OrderState {
  bool placed = false;   // order.placed (checkout completed)
  bool expired = false;  // order.expired (the session expired without completing)
  OrderPayment payment = OrderPayment::kUnpaid;
  Fulfilment fulfilment = Fulfilment::kNone;
  bool cancelled = false;
  int anomalies = 0;
  // The provider events (ledger event ids) that caused an event of this stream: translating
  // one of them again decides nothing.
  std::set<std::string> causations;

  // {"placed", "expired", "payment", "fulfilment", "cancelled"}: the state an anomaly
  // records beside the incoming fact.
  boost::json::object Summary() const;
};

// Folds `history` (the events of one order stream, in version order). Types it does not know
// are skipped: the stream may carry events of other writers.
OrderState FoldOrder(std::span<const RecordedEvent> history);

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_ORDER_STATE_H_
