#include "commands/intake/order_state.h"

#include "commands/event_types.h"

namespace ledger::commands::intake {

std::string_view OrderPaymentName(OrderPayment payment) {
  switch (payment) {
    case OrderPayment::kUnpaid: return "unpaid";
    case OrderPayment::kPaid: return "paid";
    case OrderPayment::kFailed: return "failed";
  }
  return "unpaid";
}

std::string_view FulfilmentName(Fulfilment stage) {
  switch (stage) {
    case Fulfilment::kNone: return "none";
    case Fulfilment::kSubmitted: return "submitted";
    case Fulfilment::kInProduction: return "in_production";
    case Fulfilment::kShipped: return "shipped";
    case Fulfilment::kDelivered: return "delivered";
  }
  return "none";
}

boost::json::object OrderState::Summary() const {
  return boost::json::object{{"placed", placed},
                             {"expired", expired},
                             {"payment", OrderPaymentName(payment)},
                             {"fulfilment", FulfilmentName(fulfilment)},
                             {"cancelled", cancelled}};
}

namespace {

void Advance(OrderState& state, Fulfilment stage) {
  if (stage > state.fulfilment) state.fulfilment = stage;
}

}  // namespace

OrderState FoldOrder(std::span<const RecordedEvent> history) {
  OrderState state;
  for (const RecordedEvent& e : history) {
    if (!e.metadata.causation_id.empty()) state.causations.insert(e.metadata.causation_id);
    const std::string& t = e.event_type;
    if (t == kOrderPlaced) {
      state.placed = true;
    } else if (t == kOrderExpired) {
      state.expired = true;
    } else if (t == kOrderPaid) {
      state.payment = OrderPayment::kPaid;
    } else if (t == kOrderPaymentFailed) {
      if (state.payment == OrderPayment::kUnpaid) state.payment = OrderPayment::kFailed;
    } else if (t == kOrderSubmittedToPrintify) {
      Advance(state, Fulfilment::kSubmitted);
    } else if (t == kOrderInProduction) {
      Advance(state, Fulfilment::kInProduction);
    } else if (t == kOrderShipped) {
      Advance(state, Fulfilment::kShipped);
    } else if (t == kOrderDelivered) {
      Advance(state, Fulfilment::kDelivered);
    } else if (t == kOrderCancelled) {
      state.cancelled = true;
    } else if (t == kOrderAnomalyRecorded) {
      ++state.anomalies;
    }
  }
  return state;
}

}  // namespace ledger::commands::intake
